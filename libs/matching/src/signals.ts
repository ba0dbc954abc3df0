import type { ColumnType } from '@shadowscan/domain';

/**
 * One signal's evidence for a column→field pair. `confidence` (0..1) scales the signal's weight: a
 * containment measured on two values, or a name like "Column 7", is weaker evidence than its score
 * suggests. A signal with no evidence at all is absent, never a score of 0.
 */
export interface SignalEvidence {
  score: number;
  confidence: number;
  /** How many observations the score rests on (distinct values checked), when it is a count. */
  support?: number;
}

/**
 * - name: the header against the field name (name-similarity.ts);
 * - description: the header's words in the field's name and description (BM25, text-index.ts);
 * - siblings: the field's description words among the table's other headers (what the table is about);
 * - type, format: inferred column type against the field's type; value shapes against each other;
 * - values: share of the column's values found in the field's sample (exact, or MinHash containment
 *   when only signatures exist); allowed: share found among the field's allowed values;
 * - vocabulary: the words of the column's values found among the words of the field's values, weighted
 *   by rarity ("Clear cell renal carcinoma" and "Renal cell carcinoma, NOS" share most words);
 * - fuzzyValues: value by value, how well each column value matches its closest allowed value (or
 *   value of a small categorical sample) token by token ("G2 Moderately differentiated" and `G2`,
 *   "pT2" and `T2`; value-tokens.ts);
 * - distribution: numbers or dates spread alike;
 * - table: share of the table's columns that clearly belong to the field's entity;
 * - family: the words of the field's name that the header leaves unexplained, found in the names of the
 *   fields the table's other columns match best ("City" next to columns matched to `billing_street` and
 *   `billing_postcode` is `billing_city`, not `shipping_city`): 1 for the sibling the table lends its
 *   unexplained words, 0 for a sibling it lends none of them (the other side's city).
 */
export const SIGNAL_NAMES = [
  'name',
  'description',
  'siblings',
  'type',
  'format',
  'values',
  'allowed',
  'vocabulary',
  'fuzzyValues',
  'distribution',
  'table',
  'family',
] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];
export type PairEvidence = Partial<Record<SignalName, SignalEvidence>>;

const NUMERIC: ReadonlySet<ColumnType> = new Set(['integer', 'decimal', 'currency', 'percent']);
const TEMPORAL: ReadonlySet<ColumnType> = new Set(['date', 'datetime']);
/** Kinds of text: a string field can hold them, and a few dirty cells turn them into a string column. */
const TEXT_KINDS: ReadonlySet<ColumnType> = new Set(['email', 'phone', 'url', 'id']);

export const TYPE_EQUAL = 1;
export const TYPE_COMPATIBLE = 0.7;
/** Postcodes, phone numbers and Y/N flags that the sheet parsed as numbers or booleans. */
export const TYPE_WEAK = 0.4;
/** An empty column neither confirms nor contradicts a type. */
export const TYPE_EMPTY = 0.5;

/**
 * Compatibility of the column's inferred type with the field's declared type (0..1), or undefined when
 * the field declares none: a catalog without types is missing evidence, not evidence against.
 */
export function typeCompatibility(column: ColumnType, field: ColumnType | undefined): number | undefined {
  if (field === undefined) return undefined;
  if (column === field) return TYPE_EQUAL;
  if (column === 'empty' || field === 'empty') return TYPE_EMPTY;
  if (NUMERIC.has(column) && NUMERIC.has(field)) return TYPE_COMPATIBLE;
  if (TEMPORAL.has(column) && TEMPORAL.has(field)) return TYPE_COMPATIBLE;
  // Identifiers live as text or as numbers depending on the system.
  if (column === 'id' && (field === 'string' || field === 'integer')) return TYPE_COMPATIBLE;
  if (field === 'id' && (column === 'string' || column === 'integer')) return TYPE_COMPATIBLE;
  if ((column === 'string' && TEXT_KINDS.has(field)) || (field === 'string' && TEXT_KINDS.has(column))) {
    return TYPE_COMPATIBLE;
  }
  if (field === 'string' && (column === 'integer' || column === 'boolean')) return TYPE_WEAK;
  if (field === 'phone' && column === 'integer') return TYPE_WEAK;
  return 0;
}

/**
 * Whether both types are numbers or both dates: their text forms then vary with the locale of whoever
 * wrote them ("31005,43", "01.04.2026"), so value shapes say nothing the types do not.
 */
export function sameMeasure(column: ColumnType, field: ColumnType | undefined): boolean {
  if (field === undefined) return false;
  return (NUMERIC.has(column) && NUMERIC.has(field)) || (TEMPORAL.has(column) && TEMPORAL.has(field));
}

/** Values are compared case- and space-insensitively whatever each side's own normalisation did. */
export function normaliseValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Enough to measure containment; fingerprints cap their samples well below this anyway. */
export const VALUE_CHECK_CAP = 2000;
/** Containment measured on this many column values or more counts with full confidence. */
export const VALUE_FULL_CONFIDENCE_AT = 10;

/**
 * Share of the column's distinct values that are known values of the field, with a confidence that
 * grows with the number of values checked. Undefined when either side has no values: no evidence.
 */
export function valueContainment(
  columnValues: readonly string[],
  fieldValues: ReadonlySet<string> | undefined,
): SignalEvidence | undefined {
  if (fieldValues === undefined || fieldValues.size === 0 || columnValues.length === 0) return undefined;
  const checked = Math.min(columnValues.length, VALUE_CHECK_CAP);
  let hits = 0;
  for (let i = 0; i < checked; i++) if (fieldValues.has(columnValues[i])) hits++;
  return containmentEvidence(hits, checked);
}

/** The same measure from counts, for callers that count hits through an index instead of a set. */
export function containmentEvidence(hits: number, checked: number): SignalEvidence {
  return {
    score: hits / checked,
    confidence: Math.min(1, checked / VALUE_FULL_CONFIDENCE_AT),
    support: checked,
  };
}
