/**
 * Column→field matching and table→entity assignment. Pure functions over fingerprints and the
 * resolved catalog.
 *
 * Flow: every column is scored against every field by independent signals (signals.ts, name-similarity.ts),
 * each giving evidence or nothing; combineSignals turns the evidence into one score; Matcher keeps the
 * top candidates per column and, per entity, a one-to-one mapping, then picks the entity that
 * explains the table best. Later signals (descriptions, value sketches) add a SignalName and its
 * evidence; a trained model replaces combineSignals; a blocking index replaces Matcher.candidateFields.
 */
export { DEFAULT_MATCH_OPTIONS, type MatchOptions, resolveMatchOptions } from './match-options';
export { isPlaceholderName, nameSimilarity, normaliseName, tokensSimilarity } from './name-similarity';
export { combineSignals, SIGNAL_WEIGHTS } from './combine';
export {
  containmentEvidence,
  type PairEvidence,
  type SignalEvidence,
  type SignalName,
  typeCompatibility,
  valueContainment,
} from './signals';
export { Matcher, matchTable } from './matcher';
