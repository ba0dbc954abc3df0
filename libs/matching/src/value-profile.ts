import { minhashSignature } from '@shadowscan/domain';
import { normaliseValue } from './signals';

/**
 * What a set of values looks like, independently of which values they are: the format shapes
 * ("c9-9" for "C3L-00004"), and the spread of numbers or dates. Two sides that share no value can
 * still show the same kind of data (invoice numbers of another year, ages of other patients).
 */
export interface ValueShape {
  /** Shape → share of the sampled values with that shape. */
  formats: Map<string, number>;
  /** Sorted numbers when most values are numbers or ISO dates (dates as days since 1970). */
  numbers: Float64Array | null;
  kind: 'number' | 'date' | null;
}

/** Values looked at for shapes and spread; a shape histogram is stable well before this. */
export const SHAPE_SAMPLE = 500;
/** Share of values that must parse as numbers (or dates) for a distribution to be compared. */
export const NUMERIC_SHARE = 0.8;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[t ][\d:.]+z?)?$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/;

/**
 * Shape of one normalised value: letters → "a", digits → "9", runs collapsed, punctuation kept, long
 * text reduced to its word count class so that free text does not explode into one shape per value.
 */
export function valueFormat(value: string): string {
  const words = value.split(' ').length;
  if (words > 3) return `text:${words > 10 ? 'long' : 'short'}`;
  let out = '';
  let last = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    const c =
      code >= 48 && code <= 57
        ? '9'
        : (code >= 97 && code <= 122) || (code > 127 && /\p{L}/u.test(ch))
          ? 'a'
          : code > 127 && /\p{N}/u.test(ch)
            ? '9'
            : ch;
    if (c !== last || (c !== 'a' && c !== '9')) out += c;
    last = c;
  }
  return out;
}

export function valueShape(values: readonly string[]): ValueShape | null {
  const sample = values.length > SHAPE_SAMPLE ? spread(values, SHAPE_SAMPLE) : values;
  const normalised = sample.map(normaliseValue).filter((v) => v !== '');
  if (normalised.length === 0) return null;
  const formats = new Map<string, number>();
  for (const v of normalised) {
    const f = valueFormat(v);
    formats.set(f, (formats.get(f) ?? 0) + 1 / normalised.length);
  }
  const nums: number[] = [];
  const dates: number[] = [];
  for (const v of normalised) {
    if (NUMBER.test(v)) nums.push(Number(v));
    else {
      const m = ISO_DATE.exec(v);
      if (m) dates.push(Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86_400_000);
    }
  }
  let kind: ValueShape['kind'] = null;
  let numbers: Float64Array | null = null;
  if (nums.length >= NUMERIC_SHARE * normalised.length) {
    kind = 'number';
    numbers = Float64Array.from(nums).sort();
  } else if (dates.length >= NUMERIC_SHARE * normalised.length) {
    kind = 'date';
    numbers = Float64Array.from(dates).sort();
  }
  return { formats, numbers, kind };
}

/** Cosine similarity of the two format histograms (0..1). */
export function formatSimilarity(a: ValueShape, b: ValueShape): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [f, x] of a.formats) {
    na += x * x;
    const y = b.formats.get(f);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.formats.values()) nb += y * y;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Similarity of two numeric (or date) distributions (0..1), undefined unless both sides are of the same
 * kind: the overlap of their 10–90 % ranges over their union, averaged with how close their medians are
 * on a log scale. Ages against ages overlap; ages against amounts in thousands do not.
 */
export function distributionSimilarity(a: ValueShape, b: ValueShape): number | undefined {
  if (a.kind === null || a.kind !== b.kind || !a.numbers || !b.numbers) return undefined;
  if (a.numbers.length < 3 || b.numbers.length < 3) return undefined;
  const [a10, a50, a90] = [quantile(a.numbers, 0.1), quantile(a.numbers, 0.5), quantile(a.numbers, 0.9)];
  const [b10, b50, b90] = [quantile(b.numbers, 0.1), quantile(b.numbers, 0.5), quantile(b.numbers, 0.9)];
  const lo = Math.max(a10, b10);
  const hi = Math.min(a90, b90);
  const union = Math.max(a90, b90) - Math.min(a10, b10);
  const overlap = union <= 0 ? (a10 === b10 ? 1 : 0) : Math.max(0, hi - lo) / union;
  const logDist = Math.abs(signedLog(a50) - signedLog(b50));
  const medians = a.kind === 'date' ? Math.exp(-Math.abs(a50 - b50) / 3650) : Math.exp(-logDist);
  return (overlap + medians) / 2;
}

function signedLog(x: number): number {
  return Math.sign(x) * Math.log1p(Math.abs(x));
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Every k-th value, so that a sorted or grouped sample still covers the whole set. */
function spread<T>(values: readonly T[], n: number): T[] {
  const step = values.length / n;
  return Array.from({ length: n }, (_, i) => values[Math.floor(i * step)]);
}

/**
 * The signature a profile carries, else one computed from its values. Both sides hash the values as
 * their fingerprint normalised them (normaliseValue of @shadowscan/fingerprint), so they compare.
 */
export function signatureOf(minhash: number[] | undefined, values: readonly string[]): number[] {
  return minhash && minhash.length > 0 ? minhash : minhashSignature(values);
}
