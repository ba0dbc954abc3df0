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
import { synonymOf, wordnetBaseForms, wordnetSynonyms } from './wordnet';

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

/** What tokenSimilarity needs to know of one token, worked out once per token rather than per pair. */
export interface TokenFacts {
  token: string;
  /** Weight in the token-set measure (see GENERIC_TOKEN_WEIGHT). */
  weight: number;
  group: number | undefined;
  /** The stem, for tokens long enough to be compared by stem (else undefined). */
  stem: string | undefined;
  generic: boolean;
  identifier: boolean;
  hasDigit: boolean;
  /** WordNet synonyms and base forms; empty for generic tokens, which are not compared through WordNet. */
  synonyms: ReadonlySet<string>;
  bases: readonly string[];
}

const NO_SYNONYMS: ReadonlySet<string> = new Set();
/** Tokens whose facts are kept before the cache starts over: bounds memory on huge vocabularies. */
const FACTS_MAX = 200_000;
const facts = new Map<string, TokenFacts>();

function factsOf(token: string): TokenFacts {
  let f = facts.get(token);
  if (f === undefined) {
    const generic = GENERIC_TOKENS.has(token);
    f = {
      token,
      weight: generic ? GENERIC_TOKEN_WEIGHT : 1,
      group: SYNONYM_GROUP_OF.get(token),
      stem: token.length > 4 ? stem(token) : undefined,
      generic,
      identifier: IDENTIFIER_WORDS.has(token),
      hasDigit: /\p{N}/u.test(token),
      synonyms: generic ? NO_SYNONYMS : wordnetSynonyms(token),
      bases: generic ? [] : wordnetBaseForms(token),
    };
    if (facts.size >= FACTS_MAX) facts.clear();
    facts.set(token, f);
  }
  return f;
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
  return a === b ? 1 : factsSimilarity(factsOf(a), factsOf(b));
}

function factsSimilarity(fa: TokenFacts, fb: TokenFacts): number {
  const a = fa.token;
  const b = fb.token;
  if (a === b) return 1;
  if (fa.group !== undefined && fa.group === fb.group) return SYNONYM_SCORE;
  if (fa.stem !== undefined && fa.stem === fb.stem) return STEM_SCORE;
  if (
    !fa.generic &&
    !fb.generic &&
    (synonymOf(fa.synonyms, b, fb.bases) || synonymOf(fb.synonyms, a, fa.bases))
  ) {
    return WORDNET_SCORE;
  }
  if (fa.identifier && fb.identifier) {
    return a === 'id' || b === 'id' ? IDENTIFIER_TO_ID_SCORE : IDENTIFIER_TO_IDENTIFIER_SCORE;
  }
  // "2" is not a typo of "3".
  if (fa.hasDigit || fb.hasDigit) return 0;
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
  return aligned(a.map(tokenWeight), b.map(tokenWeight), (i, j) => sim(a[i], b[j]));
}

/** tokenSetSimilarity over token weights and a similarity of the tokens at (i, j). */
function aligned(
  wa: readonly number[],
  wb: readonly number[],
  simAt: (i: number, j: number) => number,
): number {
  if (wa.length === 0 || wb.length === 0) return 0;
  const pairs: Array<{ i: number; j: number; s: number; w: number }> = [];
  for (let i = 0; i < wa.length; i++) {
    for (let j = 0; j < wb.length; j++) {
      const s = simAt(i, j);
      if (s > 0) pairs.push({ i, j, s, w: wa[i] + wb[j] });
    }
  }
  // Most compared names share no word: nothing to align (this runs for every column×field pair).
  if (pairs.length === 0) return 0;
  // Greedy is optimal enough for header-sized lists and keeps the alignment easy to explain.
  if (pairs.length > 1) pairs.sort((x, y) => y.s - x.s || y.w - x.w || x.i - y.i || x.j - y.j);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let matched = 0;
  for (const p of pairs) {
    if (usedA.has(p.i) || usedB.has(p.j)) continue;
    usedA.add(p.i);
    usedB.add(p.j);
    matched += p.s * p.w;
  }
  const total = wa.reduce((n, w) => n + w, 0) + wb.reduce((n, w) => n + w, 0);
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
 * strings (when it is at least a typo's worth, see gluedSimilarity), which catches "shiptoaddress" vs
 * "ship_to_address" and typos across token boundaries, and the
 * token-set measure, which catches reordering, abbreviations, synonyms and extra qualifiers.
 */
export function tokensSimilarity(
  a: readonly string[],
  b: readonly string[],
  sim: TokenSimilarityFn = tokenSimilarity,
): number {
  if (a.length === 0 || b.length === 0) return 0;
  const glued = gluedSimilarity(a, a.join(''), b, b.join(''));
  return glued === 1 ? 1 : Math.max(glued, tokenSetSimilarity(a, b, sim));
}

/**
 * A normalised name with what comparing it needs, worked out once: the matcher keeps one per distinct
 * field name of the catalog and one per column, and compares them for every candidate pair.
 */
export interface NameForm {
  tokens: readonly string[];
  facts: readonly TokenFacts[];
  weights: readonly number[];
  glued: string;
}

export function nameForm(tokens: readonly string[]): NameForm {
  const facts = tokens.map(factsOf);
  return { tokens, facts, weights: facts.map((f) => f.weight), glued: tokens.join('') };
}

/** tokensSimilarity of two prepared names. */
export function formSimilarity(a: NameForm, b: NameForm): number {
  if (a.tokens.length === 0 || b.tokens.length === 0) return 0;
  const glued = gluedSimilarity(a.tokens, a.glued, b.tokens, b.glued);
  if (glued === 1) return 1;
  return Math.max(
    glued,
    aligned(a.weights, b.weights, (i, j) => factsSimilarity(a.facts[i], b.facts[j])),
  );
}

/**
 * Edit similarity of the glued names, when it is at least a typo's worth: below the typo threshold
 * the glued strings are just different words that share letters ("amount"/"account" 0.71,
 * "status"/"state" 0.67), noise that would lift unrelated pairs.
 */
function gluedSimilarity(
  a: readonly string[],
  joinedA: string,
  b: readonly string[],
  joinedB: string,
): number {
  if (joinedA === joinedB) return 1;
  const glued = editSimilarityAtLeast(joinedA, joinedB, TOKEN_EDIT_THRESHOLD);
  // "Address 1" and "Address 2" glue into near-identical strings; the digits say they differ. (Looked
  // at only for near-identical strings: this runs for every column×field pair.)
  if (glued > 0) {
    const da = digits(a);
    const db = digits(b);
    if (da !== '' && db !== '' && da !== db) return 0;
  }
  return glued;
}

/** Similarity of two raw headers or field names (0..1). */
export function nameSimilarity(a: string, b: string): number {
  return tokensSimilarity(normaliseName(a), normaliseName(b));
}
