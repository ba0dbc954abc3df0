import { get as levenshtein } from 'fast-levenshtein';
import {
  ABBREVIATIONS,
  GENERIC_TOKEN_WEIGHT,
  GENERIC_TOKENS,
  GLUED_STEMS_EXTRA,
  GLUED_SUFFIXES,
  IDENTIFIER_TO_ID_SCORE,
  IDENTIFIER_TO_IDENTIFIER_SCORE,
  IDENTIFIER_WORDS,
  PHRASES,
  PLACEHOLDER_TOKENS,
  STOPWORDS,
  SYNONYM_GROUPS,
  SYNONYM_SCORE,
} from './name-lexicon';
import { stem } from './stem';
import { wordnetRelated } from './wordnet';

/**
 * Below this, two different tokens are different words: 0.8 lets one typo through in a five-letter
 * word ("adress", "vender") but not in a four-letter one ("date"/"data", "name"/"same").
 */
export const TOKEN_EDIT_THRESHOLD = 0.8;

const SYNONYM_GROUP_OF: ReadonlyMap<string, number> = new Map(
  SYNONYM_GROUPS.flatMap((group, i) => group.map((word) => [word, i] as const)),
);

const GLUED_STEMS: ReadonlySet<string> = new Set([
  ...ABBREVIATIONS.keys(),
  ...[...ABBREVIATIONS.values()].flat(),
  ...GLUED_STEMS_EXTRA,
]);

/**
 * Header → canonical tokens. Both sides of every comparison go through this, so canonicalisation only
 * has to be consistent, not linguistically right ("series" → "serie" is harmless).
 */
export function normaliseName(name: string): string[] {
  const spaced = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/#/g, ' number ')
    .replace(/%/g, ' percent ')
    .replace(/&/g, ' and ')
    // camelCase and PascalCase, including acronyms followed by a word ("VATNumber").
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    // "Address1", "Q3": digits distinguish columns, so they must be tokens of their own.
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2');
  const raw = spaced
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .flatMap(splitGlued)
    .map(singular);
  const expanded = mergePhrases(raw).flatMap((t) => ABBREVIATIONS.get(t) ?? [t]);
  const meaningful = expanded.filter((t) => !STOPWORDS.has(t));
  // A header made only of stopwords ("A", "Of") is still a header; keep what there is.
  return meaningful.length > 0 ? meaningful : expanded;
}

function singular(token: string): string {
  if (token.length <= 3 || !/^\p{L}+$/u.test(token)) return token;
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (token.endsWith('sses') || token.endsWith('xes')) return token.slice(0, -2);
  if (token.endsWith('ss') || token.endsWith('us') || token.endsWith('is')) return token;
  if (token.endsWith('s')) return token.slice(0, -1);
  return token;
}

function splitGlued(token: string): string[] {
  if (GLUED_STEMS.has(token) || ABBREVIATIONS.has(token)) return [token];
  for (const suffix of GLUED_SUFFIXES) {
    if (token.length > suffix.length + 2 && token.endsWith(suffix)) {
      const stem = token.slice(0, -suffix.length);
      if (GLUED_STEMS.has(stem)) return [stem, suffix];
    }
  }
  return [token];
}

function mergePhrases(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length;) {
    const phrase = PHRASES.find(([from]) => from.every((t, j) => tokens[i + j] === t));
    if (phrase) {
      out.push(...phrase[1]);
      i += phrase[0].length;
    } else {
      out.push(tokens[i]);
      i += 1;
    }
  }
  return out;
}

/** True when a header carries no name evidence at all: "Column 7", "Unnamed: 3", "F", "". */
export function isPlaceholderName(tokens: readonly string[]): boolean {
  return tokens.every((t) => PLACEHOLDER_TOKENS.has(t) || /^\p{N}+$/u.test(t) || t.length === 1);
}

export function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - levenshtein(a, b) / longest;
}

/**
 * editSimilarity when it can reach `floor`, else 0. The length difference bounds the distance from
 * below, so most pairs are settled without computing it: this runs for every column×field pair.
 */
function editSimilarityAtLeast(a: string, b: string, floor: number): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  if (1 - Math.abs(a.length - b.length) / longest < floor) return 0;
  const sim = 1 - levenshtein(a, b) / longest;
  return sim >= floor ? sim : 0;
}

/** Two forms of one word ("smoking"/"smoke", "pathological"/"pathologic"). */
export const STEM_SCORE = 0.9;
/**
 * A truncated word ("consum" for "consumption", "temp" for "temperature"): likely the same, but a
 * truncation is ambiguous ("comp"), so it scores below a synonym.
 */
export const PREFIX_SCORE = 0.75;
/**
 * Words that share a WordNet sense ("sex"/"gender"). Below the curated synonyms: WordNet knows every
 * sense of a word, not only the one a header means.
 */
export const WORDNET_SCORE = 0.75;
const PREFIX_MIN = 4;
const PREFIX_MIN_CUT = 3;

const stems = new Map<string, string>();
function stemOf(token: string): string {
  let s = stems.get(token);
  if (s === undefined) {
    s = stem(token);
    if (stems.size > 100_000) stems.clear();
    stems.set(token, s);
  }
  return s;
}

function isTruncation(short: string, long: string): boolean {
  return (
    short.length >= PREFIX_MIN &&
    long.length >= short.length + PREFIX_MIN_CUT &&
    long.startsWith(short) &&
    /^\p{L}+$/u.test(short)
  );
}

/**
 * Two canonical tokens: 1 equal, synonym or word form 0.9, identifier-like 0.7-0.8, a typo ≥ 0.8, a
 * truncation 0.75, else 0.
 */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const group = SYNONYM_GROUP_OF.get(a);
  if (group !== undefined && group === SYNONYM_GROUP_OF.get(b)) return SYNONYM_SCORE;
  if (a.length > 4 && b.length > 4 && stemOf(a) === stemOf(b)) return STEM_SCORE;
  if (!GENERIC_TOKENS.has(a) && !GENERIC_TOKENS.has(b) && (wordnetRelated(a, b) || wordnetRelated(b, a))) {
    return WORDNET_SCORE;
  }
  if (IDENTIFIER_WORDS.has(a) && IDENTIFIER_WORDS.has(b)) {
    return a === 'id' || b === 'id' ? IDENTIFIER_TO_ID_SCORE : IDENTIFIER_TO_IDENTIFIER_SCORE;
  }
  // "2" is not a typo of "3".
  if (/\p{N}/u.test(a) || /\p{N}/u.test(b)) return 0;
  const typo = editSimilarityAtLeast(a, b, TOKEN_EDIT_THRESHOLD);
  if (typo > 0) return typo;
  return isTruncation(a, b) || isTruncation(b, a) ? PREFIX_SCORE : 0;
}

function tokenWeight(token: string): number {
  return GENERIC_TOKENS.has(token) ? GENERIC_TOKEN_WEIGHT : 1;
}

export type TokenSimilarityFn = (a: string, b: string) => number;

/**
 * Weighted Dice over a one-to-one token alignment: each pair contributes its similarity times the
 * weight of both tokens, over the total weight of both lists. Word order does not matter, and tokens
 * left over on either side (a longer name) lower the score in proportion to their weight.
 */
export function tokenSetSimilarity(
  a: readonly string[],
  b: readonly string[],
  sim: TokenSimilarityFn = tokenSimilarity,
): number {
  if (a.length === 0 || b.length === 0) return 0;
  const pairs: Array<{ i: number; j: number; s: number; w: number }> = [];
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      const s = sim(a[i], b[j]);
      if (s > 0) pairs.push({ i, j, s, w: tokenWeight(a[i]) + tokenWeight(b[j]) });
    }
  }
  // Greedy is optimal enough for header-sized lists and keeps the alignment easy to explain.
  pairs.sort((x, y) => y.s - x.s || y.w - x.w || x.i - y.i || x.j - y.j);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let matched = 0;
  for (const p of pairs) {
    if (usedA.has(p.i) || usedB.has(p.j)) continue;
    usedA.add(p.i);
    usedB.add(p.j);
    matched += p.s * p.w;
  }
  const total = a.reduce((n, t) => n + tokenWeight(t), 0) + b.reduce((n, t) => n + tokenWeight(t), 0);
  return matched / total;
}

function digits(tokens: readonly string[]): string {
  return tokens
    .filter((t) => /^\p{N}+$/u.test(t))
    .sort()
    .join(' ');
}

/**
 * Similarity of two already-normalised names (0..1): the better of the edit similarity of the glued
 * strings (when it is at least a typo's worth, see below), which catches "shiptoaddress" vs
 * "ship_to_address" and typos across token boundaries, and the
 * token-set measure, which catches reordering, abbreviations, synonyms and extra qualifiers.
 */
export function tokensSimilarity(
  a: readonly string[],
  b: readonly string[],
  sim: TokenSimilarityFn = tokenSimilarity,
): number {
  if (a.length === 0 || b.length === 0) return 0;
  const joinedA = a.join('');
  const joinedB = b.join('');
  if (joinedA === joinedB) return 1;
  // "Address 1" and "Address 2" glue into near-identical strings; the digits say they differ.
  const da = digits(a);
  const db = digits(b);
  // Below the typo threshold the glued strings are just different words that share letters
  // ("amount"/"account" 0.71, "status"/"state" 0.67): noise that would lift unrelated pairs.
  const glued =
    da !== '' && db !== '' && da !== db ? 0 : editSimilarityAtLeast(joinedA, joinedB, TOKEN_EDIT_THRESHOLD);
  return Math.max(glued, tokenSetSimilarity(a, b, sim));
}

/** Similarity of two raw headers or field names (0..1). */
export function nameSimilarity(a: string, b: string): number {
  return tokensSimilarity(normaliseName(a), normaliseName(b));
}
