import type { PairEvidence, SignalName } from './signals';

/**
 * First hand-set weights, to be replaced by a trained model. The name carries most of the weight
 * because it is the only signal present for every pair; values are the strongest evidence when they
 * exist (they show the same data, not just a similar label); type mostly vetoes (a date column is not
 * an email field) since most fields are strings and agree with most columns.
 */
export const SIGNAL_WEIGHTS: Readonly<Record<SignalName, number>> = Object.freeze({
  name: 0.6,
  type: 0.15,
  values: 0.25,
});
const SIGNAL_NAMES = Object.keys(SIGNAL_WEIGHTS) as SignalName[];

/**
 * Without a name that resembles the field or values that overlap, the pair has only a compatible type
 * going for it, which half the catalog shares.
 */
export const NAME_GATE = 0.35;
export const VALUE_GATE = 0.5;
/** Containment on one or two values (Y/N) proves little; below this confidence it cannot open the gate. */
export const VALUE_GATE_MIN_CONFIDENCE = 0.3;

/** A placeholder header ("Column 7") says nothing; its name score counts this much. */
export const PLACEHOLDER_NAME_CONFIDENCE = 0.2;

/**
 * Combined score of a pair (0..1): the weighted mean of the signals present, each weight scaled by the
 * signal's confidence, so that missing evidence neither lowers nor raises a score. Gated pairs are
 * capped at their name score: they keep their rank among candidates but never reach a threshold the
 * name alone would not.
 */
export function combineSignals(evidence: PairEvidence): number {
  let sum = 0;
  let weight = 0;
  // A fixed loop rather than Object.entries: this runs for every column×field pair of the catalog.
  for (const name of SIGNAL_NAMES) {
    const e = evidence[name];
    if (e === undefined) continue;
    const w = SIGNAL_WEIGHTS[name] * e.confidence;
    sum += w * e.score;
    weight += w;
  }
  if (weight === 0) return 0;
  const score = sum / weight;
  const name = evidence.name?.score ?? 0;
  const values = evidence.values;
  const valuesOpen =
    values !== undefined && values.score > VALUE_GATE && values.confidence >= VALUE_GATE_MIN_CONFIDENCE;
  // Matcher relies on this giving 0 when the name scores 0 and no value overlaps.
  return name < NAME_GATE && !valuesOpen ? Math.min(score, name) : score;
}
