import type { ColumnProfile, ColumnType } from '@shadowscan/domain';
import { hash32, MinHasher } from '@shadowscan/domain';
import { TypeTally, typeFits } from './column-type';
import type { NumberKind } from './number-format';
import { type CellScalar, displayText } from './normalise';

export interface ProfiledCell {
  value: CellScalar;
  norm: string;
  kind?: NumberKind;
}

/**
 * A distinct value's bookkeeping packed in one number, so that a column of 100,000 distinct values
 * costs a Map entry each and no object: count * 2^21 + pattern index * 2^11 + type fits (11 bits).
 */
const FITS_BITS = 2 ** 11;
const PATTERN_SLOTS = 2 ** 10;
const COUNT_UNIT = FITS_BITS * PATTERN_SLOTS;

const SENSITIVE: ReadonlySet<ColumnType> = new Set(['email', 'phone', 'id']);
const SAMPLE_SIZE = 5;
const MAX_PATTERN_LENGTH = 24;
const MAX_PATTERNS = 1_000;
/** Past the exact cap, one value in this many is classified (type and shape). */
const OVERFLOW_SAMPLE = 4;

/**
 * The shape of a value: letters become A, digits 9, everything else stays (`AB-1234` -> `AA-9999`).
 * Long free text has no useful shape and is cut.
 */
export function formatSignature(text: string): string {
  const n = Math.min(text.length, MAX_PATTERN_LENGTH);
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) out += '9';
    else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) out += 'A';
    else if (c < 128) out += text[i];
    else {
      const ch = text[i];
      out += ch.toLowerCase() !== ch.toUpperCase() ? 'A' : ch;
    }
  }
  return text.length > MAX_PATTERN_LENGTH ? `${out}…` : out;
}

/** Keeps the first character of every letter/digit run and the separators: `jo.doe@acme.com` -> `j•.d••@a•••.c••`. */
export function maskValue(text: string): string {
  let out = '';
  let inRun = false;
  for (const ch of text) {
    const alnum = /[\p{L}\p{N}]/u.test(ch);
    out += alnum ? (inRun ? '•' : ch) : ch;
    inRun = alnum;
  }
  return out;
}

/** Accumulates one column's profile as the rows stream by; memory is bounded by `exactCap`. */
export class ColumnAccumulator {
  nonEmpty = 0;
  /** By normalised value, in first-seen order, up to the exact cap; each is classified once. */
  private readonly distinct = new Map<string, number>();
  /** Value shapes by index (the first PATTERN_SLOTS - 1 seen; the last slot is "other"). */
  private readonly patterns: string[] = [];
  private readonly patternIndex = new Map<string, number>();
  private readonly overflowTally = new TypeTally();
  private readonly overflowPatterns = new Map<string, number>();
  private overflowed = false;
  private overflowSeen = 0;
  private readonly minhash = new MinHasher();
  private minLength = Infinity;
  private maxLength = -Infinity;
  private minNumber = Infinity;
  private maxNumber = -Infinity;
  private minDate = Infinity;
  private maxDate = -Infinity;
  private readonly samples: string[] = [];
  readonly kinds = new Map<NumberKind, number>();

  constructor(private readonly exactCap: number) {}

  add(cell: ProfiledCell): void {
    this.nonEmpty++;
    if (cell.kind) this.kinds.set(cell.kind, (this.kinds.get(cell.kind) ?? 0) + 1);
    const seen = this.distinct.get(cell.norm);
    if (seen !== undefined) {
      this.distinct.set(cell.norm, seen + COUNT_UNIT);
      return;
    }
    if (this.distinct.size < this.exactCap) {
      const fits = typeFits(cell.value, cell.norm, cell.kind);
      this.distinct.set(
        cell.norm,
        COUNT_UNIT + this.patternSlot(formatSignature(cell.norm)) * FITS_BITS + fits,
      );
      this.observe(cell);
      return;
    }
    // Past the cap: no more exact bookkeeping. Ranges and the sketch still see every value; types and
    // shapes are tallied on one value in OVERFLOW_SAMPLE, weighted, like the estimated distinct count.
    this.overflowed = true;
    if (this.overflowSeen++ % OVERFLOW_SAMPLE === 0) {
      this.overflowTally.add(typeFits(cell.value, cell.norm, cell.kind), OVERFLOW_SAMPLE);
      const pattern = formatSignature(cell.norm);
      if (this.overflowPatterns.has(pattern) || this.overflowPatterns.size < MAX_PATTERNS) {
        this.overflowPatterns.set(pattern, (this.overflowPatterns.get(pattern) ?? 0) + OVERFLOW_SAMPLE);
      }
    }
    this.observe(cell);
  }

  private patternSlot(pattern: string): number {
    const known = this.patternIndex.get(pattern);
    if (known !== undefined) return known;
    if (this.patterns.length >= PATTERN_SLOTS - 1) return PATTERN_SLOTS - 1;
    this.patterns.push(pattern);
    this.patternIndex.set(pattern, this.patterns.length - 1);
    return this.patterns.length - 1;
  }

  private observe(cell: ProfiledCell): void {
    this.minhash.add(cell.norm);
    const { value } = cell;
    if (typeof value === 'number') {
      if (value < this.minNumber) this.minNumber = value;
      if (value > this.maxNumber) this.maxNumber = value;
    } else if (value instanceof Date) {
      const t = value.getTime();
      if (t < this.minDate) this.minDate = t;
      if (t > this.maxDate) this.maxDate = t;
    }
    // Normalising keeps the length of text (trim and single spaces aside), and is already done.
    const length = cell.norm.length;
    if (length < this.minLength) this.minLength = length;
    if (length > this.maxLength) this.maxLength = length;
    if (this.samples.length < SAMPLE_SIZE)
      this.samples.push(typeof value === 'string' ? displayText(value) : cell.norm);
  }

  type(): { type: ColumnType; typeShare: number } {
    const tally = new TypeTally();
    for (const packed of this.distinct.values())
      tally.add(packed % FITS_BITS, Math.floor(packed / COUNT_UNIT));
    tally.merge(this.overflowTally);
    return tally.result();
  }

  profile(base: { name: string; index: number; rowCount: number; valueSampleCap: number }): ColumnProfile {
    const { type, typeShare } = this.type();
    const values: string[] = [];
    for (const v of this.distinct.keys()) {
      if (values.length >= base.valueSampleCap) break;
      values.push(v);
    }
    const signature = this.minhash.signature();
    const distinct = this.overflowed
      ? Math.max(this.distinct.size, estimateDistinct(signature))
      : this.distinct.size;
    const profile: ColumnProfile = {
      name: base.name,
      index: base.index,
      type,
      typeShare,
      nullRatio: base.rowCount === 0 ? 0 : (base.rowCount - this.nonEmpty) / base.rowCount,
      distinct,
      values,
      minhash: signature,
      distinctEstimated: this.overflowed,
      formats: this.topFormats(),
      samples: SENSITIVE.has(type) ? this.samples.map(maskValue) : [...this.samples],
      samplesMasked: SENSITIVE.has(type),
    };
    if (this.minLength !== Infinity) profile.length = { min: this.minLength, max: this.maxLength };
    if (this.minNumber !== Infinity) profile.numeric = { min: this.minNumber, max: this.maxNumber };
    if (this.minDate !== Infinity) {
      profile.dates = {
        min: new Date(this.minDate).toISOString(),
        max: new Date(this.maxDate).toISOString(),
      };
    }
    const kind = this.dominantKind();
    if (kind) profile.numberFormat = kind;
    return profile;
  }

  private topFormats(): Array<{ pattern: string; share: number }> {
    const bySlot = new Array<number>(this.patterns.length).fill(0);
    for (const packed of this.distinct.values()) {
      const slot = Math.floor(packed / FITS_BITS) % PATTERN_SLOTS;
      if (slot < bySlot.length) bySlot[slot] += Math.floor(packed / COUNT_UNIT);
    }
    const counts = new Map(this.overflowPatterns);
    bySlot.forEach((count, slot) =>
      counts.set(this.patterns[slot], (counts.get(this.patterns[slot]) ?? 0) + count),
    );
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([pattern, count]) => ({ pattern, share: count / Math.max(1, this.nonEmpty) }));
  }

  private dominantKind(): NumberKind | undefined {
    let best: NumberKind | undefined;
    let most = 0;
    for (const [kind, n] of this.kinds) if (n > most) [best, most] = [kind, n];
    return best && most >= this.nonEmpty / 2 ? best : undefined;
  }
}

/**
 * Distinct count from a MinHash signature: each of its k minima is, on average, 1/(n+1) of the hash
 * range, so n ≈ k / Σ(min/2³²) − 1 (about ±9% at k = 128).
 */
export function estimateDistinct(signature: readonly number[]): number {
  if (signature.length === 0) return 0;
  let sum = 0;
  for (const m of signature) sum += (m + 1) / 4_294_967_296;
  return Math.max(1, Math.round(signature.length / sum - 1));
}

/** Order-independent digest of a table's rows, for spotting copies that were re-sorted. */
export class ContentDigest {
  private a = 0;
  private b = 0;
  private rows = 0;

  addRow(norms: readonly string[]): void {
    const text = norms.join('\u001f');
    this.a = (this.a + hash32(text)) >>> 0;
    this.b = (this.b + hash32(`\u0002${text}`)) >>> 0;
    this.rows++;
  }

  digest(): string {
    return `${this.rows.toString(16)}-${this.a.toString(16).padStart(8, '0')}${this.b.toString(16).padStart(8, '0')}`;
  }
}
