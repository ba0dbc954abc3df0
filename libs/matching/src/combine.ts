import trained from './model-weights.json';
import { type PairEvidence, SIGNAL_NAMES, type SignalName } from './signals';

/**
 * The model: one weight per signal, fitted by bench/match/train.ts (cross-validated across cases of
 * several benchmarks; see model-weights.json for the folds and figures). A pair's score is the
 * weighted mean of the signals that have evidence, each weight scaled by the signal's confidence, so
 * that missing evidence neither lowers nor raises a score: the same model serves a glossary with no
 * data, a header-only sheet, and a full extract.
 */
export type ModelWeights = Record<SignalName, number> & {
  /** Share of its score a pair keeps when no strong signal opens the gate (see gateOpen). */
  gatedFactor?: number;
  /** Description score that opens the gate on its own. */
  descriptionGate?: number;
  /** Share of its score a pair gives up when other columns of the table claim the field (see contestScores). */
  contested?: number;
};

export const SIGNAL_WEIGHTS: Readonly<ModelWeights> = Object.freeze({
  ...(Object.fromEntries(
    SIGNAL_NAMES.map((s) => [s, (trained.weights as Record<string, number>)[s] ?? 0]),
  ) as Record<SignalName, number>),
  gatedFactor: (trained.weights as Record<string, number>).gatedFactor,
  descriptionGate: (trained.weights as Record<string, number>).descriptionGate,
  contested: (trained.weights as Record<string, number>).contested ?? 0,
});

/**
 * Without a name that resembles the field, a description that names the column's words, or (for a
 * placeholder header) values that overlap, the pair has only a compatible type, a similar format or a
 * coincidental overlap going for it: it is gated (see GATED_FACTOR).
 */
export const NAME_GATE = 0.35;
export const DESCRIPTION_GATE = 0.6;
/** The trained model may lower the description gate, never below this. */
export const MIN_DESCRIPTION_GATE = 0.3;
export const VALUE_GATE = 0.5;
/** Containment and distinct values checked that let values alone carry a header naming something else. */
export const STRONG_VALUE_GATE = 0.9;
export const STRONG_VALUE_SUPPORT = 20;
/** Containment on one or two values (Y/N) proves little; below this confidence it cannot open the gate. */
export const VALUE_GATE_MIN_CONFIDENCE = 0.3;
/**
 * A gated pair keeps this share of its score: it still ranks among the candidates (a data owner sees
 * what came closest), below any pair with real evidence, and never reaches a field threshold.
 */
export const GATED_FACTOR = 0.6;

/** The name's weight never falls below this share, however well the description matches. */
export const MIN_NAME_SHARE = 0.25;

/** A placeholder header ("Column 7") says nothing; its name score counts this much. */
export const PLACEHOLDER_NAME_CONFIDENCE = 0.2;

const CALIBRATION = (trained as { calibration?: { a: number; b: number } }).calibration ?? { a: 1, b: 0 };

/**
 * The chance that a best candidate with this score is the column's field (Platt scaling fitted on
 * held-out predictions by bench/match/train.ts). Scores rank; this says how much to trust the first.
 */
export function matchProbability(score: number): number {
  return 1 / (1 + Math.exp(-(CALIBRATION.a * score + CALIBRATION.b)));
}

/** Combined score of a pair (0..1). */
export function combineSignals(
  evidence: PairEvidence,
  weights: Readonly<ModelWeights> = SIGNAL_WEIGHTS,
): number {
  let sum = 0;
  let weight = 0;
  // A fixed loop rather than Object.entries: this runs for every candidate pair.
  // Name and description are two views of the same words: when the field's description names the
  // column better than the field's name does (a cryptic `cr_lim` described as "credit limit"), the
  // name's miss counts for less.
  const nameScore = evidence.name?.score ?? 0;
  const described = evidence.description?.score ?? 0;
  let nameDiscount = described > nameScore ? Math.max(MIN_NAME_SHARE, 1 - described) : 1;
  // Likewise when many distinct values nearly all belong to the field ("Customer since" holding the
  // accounts' opening dates): the values name the field better than the header does.
  const v = evidence.values;
  if (v !== undefined && v.score >= STRONG_VALUE_GATE && (v.support ?? 0) >= STRONG_VALUE_SUPPORT) {
    if (v.score > nameScore) nameDiscount = Math.min(nameDiscount, Math.max(MIN_NAME_SHARE, 1 - v.score));
  }
  for (const name of SIGNAL_NAMES) {
    const e = evidence[name];
    if (e === undefined) continue;
    const w = weights[name] * e.confidence * (name === 'name' ? nameDiscount : 1);
    sum += w * e.score;
    weight += w;
  }
  if (weight === 0) return 0;
  const score = sum / weight;
  return gateOpen(evidence, Math.max(MIN_DESCRIPTION_GATE, weights.descriptionGate ?? DESCRIPTION_GATE))
    ? score
    : score * Math.min(GATED_FACTOR, weights.gatedFactor ?? GATED_FACTOR);
}

function gateOpen(evidence: PairEvidence, descriptionGate: number): boolean {
  const name = evidence.name;
  if ((name?.score ?? 0) >= NAME_GATE && (name?.confidence ?? 0) >= 1) return true;
  if ((evidence.description?.score ?? 0) >= descriptionGate) return true;
  // Values carry a column whose header says nothing ("Column 3") or that shares something with the
  // field's name ("Company ID" and `customer_id`). A header that names something else entirely
  // ("Notes") is not overridden by a few values that happen to overlap, only by many distinct values
  // nearly all found in the field's sample ("Customer since" holding the accounts' opening dates).
  if ((name?.confidence ?? 0) >= 1 && (name?.score ?? 0) === 0) {
    const v = evidence.values;
    return v !== undefined && v.score >= STRONG_VALUE_GATE && (v.support ?? 0) >= STRONG_VALUE_SUPPORT;
  }
  for (const v of [evidence.values, evidence.allowed]) {
    if (v !== undefined && v.score > VALUE_GATE && v.confidence >= VALUE_GATE_MIN_CONFIDENCE) return true;
  }
  return false;
}

/**
 * A table rarely holds the same field twice, so a field that other columns claim at least as strongly
 * is less likely to be this column's: in a sheet with "Company name" and "Name", `company_name` goes to
 * the first and "Name" should look elsewhere first; six "… fraction" columns all nearest to one
 * `number_of_fractions` field tell none of them much. Each pair keeps 1 - contested × k / (k + 1) of its
 * score, where k counts the other columns scoring the field at least as high; the strongest claim keeps
 * its score. `columns` holds each column's candidate scores by field; the result has the same shape.
 */
export function contestScores<K>(
  columns: ReadonlyArray<ReadonlyMap<K, number>>,
  contested: number,
): ReadonlyArray<ReadonlyMap<K, number>> {
  if (contested <= 0) return columns;
  const claims = new Map<K, number[]>();
  for (const c of columns) {
    for (const [k, s] of c) {
      const list = claims.get(k);
      if (list === undefined) claims.set(k, [s]);
      else list.push(s);
    }
  }
  return columns.map(
    (c) =>
      new Map(
        [...c].map(([k, s]) => {
          // This column's own claim is among them: it does not count against itself.
          const others = claims.get(k)!.filter((x) => x >= s).length - 1;
          return [k, s * contestFactor(others, contested)];
        }),
      ),
  );
}

/** The share of its score a pair keeps when `others` columns claim its field at least as strongly. */
export function contestFactor(others: number, contested: number): number {
  return 1 - (contested * others) / (others + 1);
}
