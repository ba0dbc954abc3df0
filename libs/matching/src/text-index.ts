import { UNIT_NAMES } from './name-lexicon';
import { normaliseName } from './name-similarity';
import { stem } from './stem';
import { wordnetSynonyms } from './wordnet';

/**
 * Words of descriptions that say nothing about what a field is. Names go through normaliseName's own
 * stopwords; descriptions are sentences and need more.
 */
const DESCRIPTION_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'is are was were be been being this that these those which who whom whose what when where why how it its ' +
    'as from to into if any all other such than then there their them they he she his her we our you your ' +
    'not no can could may might must should would will shall do does did has have had used use using also ' +
    'whether each one more most some only same so very e g i ie eg etc about after before between during ' +
    'over under up down out own both either neither via within without value indicate indicator describe ' +
    'described describing denote given'
  ).split(' '),
);

/** Header or description → stemmed content words (duplicates kept: they are term frequencies). */
export function textTokens(text: string): string[] {
  return contentWords(text).map(stem);
}

function contentWords(text: string): string[] {
  return normaliseName(text)
    .filter((t) => !DESCRIPTION_STOPWORDS.has(t) && !/^\p{N}+$/u.test(t))
    .map((t) => UNIT_NAMES.get(t) ?? t);
}

/** Stemmed WordNet synonyms of each stemmed content word of a header, for TextIndex.search. */
export function headerSynonyms(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const w of contentWords(text)) {
    const syns = [...wordnetSynonyms(w)].map(stem);
    if (syns.length > 0) out.set(stem(w), [...(out.get(stem(w)) ?? []), ...syns]);
  }
  return out;
}

const K1 = 1.2;
/** Words in more than this share of the documents (and more than COMMON_DOC_MIN) are not walked. */
const COMMON_DOC_SHARE = 0.05;
const COMMON_DOC_MIN = 200;
/** What a truncated word ("consum") or a WordNet synonym is worth against the word itself. */
const ABBREVIATION_FACTOR = 0.8;
const SYNONYM_FACTOR = 0.7;
const MIN_ABBREVIATION = 4;
const MAX_COMPLETIONS = 5;
const NO_SYNONYMS: ReadonlyMap<string, readonly string[]> = new Map();
const B = 0.75;

/**
 * BM25 over field documents (name + description + entity name). Queries are the words of a column
 * header; the score is normalised into 0..1 as the rarity-weighted share of the query's words the field
 * document contains (each word's BM25 term weight capped at its idf), so that it reads the same on any
 * catalog: 1 when every word of the header is in the field's description.
 */
export class TextIndex {
  private readonly postings = new Map<string, Array<{ doc: number; weight: number }>>();
  private readonly idf = new Map<string, number>();
  private readonly docCount: number;
  /** idf given to a word no document holds: the rarest possible word. */
  private readonly unknownIdf: number;
  /** Sum of the idf of each document's distinct words, for the document-side coverage. */
  private readonly docMass: Float64Array;
  /** Sorted distinct words, for completing truncated words. */
  private readonly vocabulary: string[];
  /** Scratch space of search, one slot per document (search is synchronous: one is enough). */
  private readonly accumulator: Float64Array;
  private readonly bestOfTerm: Float64Array;

  /**
   * `names`, when given, holds each document's words that name it (a field's name): they weigh fully
   * whatever the length of the rest, because a long description mentions many things in passing but
   * the name says what the field is ("churn" in `churn_risk_score`, described at length).
   */
  constructor(docs: readonly string[][], names?: ReadonlyArray<readonly string[]>) {
    this.docCount = docs.length;
    const df = new Map<string, number>();
    let totalLength = 0;
    for (const d of docs) {
      totalLength += d.length;
      for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
    }
    const avgdl = totalLength / Math.max(1, docs.length);
    for (const [t, n] of df) this.idf.set(t, Math.log(1 + (this.docCount - n + 0.5) / (n + 0.5)));
    this.unknownIdf = Math.log(1 + (this.docCount + 0.5) / 0.5);
    this.vocabulary = [...df.keys()].sort();
    this.docMass = new Float64Array(docs.length);
    this.accumulator = new Float64Array(docs.length);
    this.bestOfTerm = new Float64Array(docs.length);
    docs.forEach((d, doc) => {
      const tf = new Map<string, number>();
      for (const t of d) tf.set(t, (tf.get(t) ?? 0) + 1);
      const named = new Set(names?.[doc] ?? []);
      for (const [t, n] of tf) {
        const idf = this.idf.get(t)!;
        this.docMass[doc] += idf;
        const sat = (n * (K1 + 1)) / (n + K1 * (1 - B + (B * d.length) / Math.max(1, avgdl)));
        const list = this.postings.get(t) ?? [];
        list.push({ doc, weight: named.has(t) ? 1 : Math.min(1, sat) });
        this.postings.set(t, list);
      }
    });
  }

  idfOf(token: string): number {
    return this.idf.get(token) ?? this.unknownIdf;
  }

  documentFrequency(token: string): number {
    return this.postings.get(token)?.length ?? 0;
  }

  /**
   * Query-side coverage (0..1) of every document sharing a word with the query. Each query word is a
   * slot worth its idf; a document fills a slot with the word itself, or, for less, with one of the
   * word's alternatives: the words it abbreviates ("patho" → "pathologic") when the catalog does not
   * know it, and the synonyms given in `synonyms` (WordNet, already stemmed).
   */
  search(
    query: readonly string[],
    synonyms: ReadonlyMap<string, readonly string[]> = NO_SYNONYMS,
  ): Map<number, number> {
    const terms = [...new Set(query)];
    const mass = terms.reduce((s, t) => s + this.idfOf(t), 0);
    const scores = new Map<number, number>();
    if (mass === 0) return scores;
    // Dense accumulators reused from query to query (a header's words can walk thousands of postings
    // in a large catalog); a value of 0 marks a document not reached yet, since every term weighs > 0.
    const acc = this.accumulator;
    const reached: number[] = [];
    for (const t of terms) {
      const slot = this.idfOf(t) / mass;
      const alternatives: Array<[string, number]> = [];
      if (this.idf.has(t)) alternatives.push([t, 1]);
      else for (const w of this.completions(t)) alternatives.push([w, ABBREVIATION_FACTOR]);
      for (const w of synonyms.get(t) ?? [])
        if (w !== t && this.idf.has(w)) alternatives.push([w, SYNONYM_FACTOR]);
      // A document fills the slot once, with its best alternative.
      const best = this.bestOfTerm;
      const filled: number[] = [];
      for (const [w, factor] of alternatives) {
        const list = this.postings.get(w)!;
        // A word in most documents adds the same little to all of them: skip the walk, not the mass.
        if (list.length > COMMON_DOC_SHARE * this.docCount && list.length > COMMON_DOC_MIN) continue;
        for (const p of list) {
          const v = slot * p.weight * factor;
          if (best[p.doc] === 0) filled.push(p.doc);
          if (v > best[p.doc]) best[p.doc] = v;
        }
      }
      for (const doc of filled) {
        if (acc[doc] === 0) reached.push(doc);
        acc[doc] += best[doc];
        best[doc] = 0;
      }
    }
    for (const doc of reached) {
      scores.set(doc, acc[doc]);
      acc[doc] = 0;
    }
    return scores;
  }

  /** Known words that start with `prefix` (a truncated word), at most MAX_COMPLETIONS of them. */
  private completions(prefix: string): string[] {
    if (prefix.length < MIN_ABBREVIATION || !/^\p{L}+$/u.test(prefix)) return [];
    let lo = 0;
    let hi = this.vocabulary.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.vocabulary[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < this.vocabulary.length && out.length < MAX_COMPLETIONS; i++) {
      if (!this.vocabulary[i].startsWith(prefix)) break;
      out.push(this.vocabulary[i]);
    }
    return out;
  }

  /**
   * Document-side coverage (0..1): the rarity-weighted share of each document's words found among
   * `words` (the table's other headers). Only documents sharing a word are returned.
   */
  coverage(words: ReadonlySet<string>): Map<number, number> {
    const scores = new Map<number, number>();
    for (const t of words) {
      const idf = this.idf.get(t);
      const list = this.postings.get(t);
      if (idf === undefined || !list) continue;
      if (list.length > COMMON_DOC_SHARE * this.docCount && list.length > COMMON_DOC_MIN) continue;
      for (const p of list) scores.set(p.doc, (scores.get(p.doc) ?? 0) + idf / this.docMass[p.doc]);
    }
    return scores;
  }
}
