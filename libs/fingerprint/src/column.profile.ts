import type { ColumnProfile, ColumnType } from '@shadowscan/domain';
import { fmix32, MinHasher } from '@shadowscan/domain';
import { type CellBatch, CellTag, type NormalisedCell, NUMBER_KINDS, widen } from './cell.batch';
import { TypeTally, typeFits } from './column-type';
import type { NumberKind } from './number-format';
import { type CellScalar, displayText } from './normalise';

/** Bound once: a call through the library index's re-export getter costs more than the hash itself. */
const mix32 = fmix32;

/** A cell as the profiles see it: its value, normal form and identity (see NormalisedCell). */
export type ProfiledCell = Omit<NormalisedCell, 'column'>;

/** Pattern index of values whose shape came after the first PATTERN_SLOTS - 1 shapes. */
const PATTERN_SLOTS = 2 ** 10;
const OTHER_PATTERN = PATTERN_SLOTS - 1;
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
  for (let i = 0; i < n; i++) out += String.fromCharCode(shapeCode(text.charCodeAt(i)));
  return text.length > MAX_PATTERN_LENGTH ? `${out}…` : out;
}

/** What formatSignature makes of one UTF-16 code unit. */
function shapeCode(c: number): number {
  if (c >= 48 && c <= 57) return 57;
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return 65;
  if (c < 128) return c;
  const ch = String.fromCharCode(c);
  return ch.toLowerCase() !== ch.toUpperCase() ? 65 : c;
}

const ELLIPSIS = 0x2026;

/**
 * Value shapes (formatSignature) by index, looked up without making the shape's text: open
 * addressing on a hash of the shape's code units, checked against the stored shape. Only a new shape
 * is made into a string.
 */
class ShapeTable {
  readonly patterns: string[] = [];
  private slotOf = new Int32Array(64);

  /** The index of text's shape, or -1 when it is new. */
  find(text: string): number {
    const h = shapeHash(text);
    const mask = this.slotOf.length - 1;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const index = this.slotOf[at] - 1;
      if (index < 0) return -1;
      if (sameShape(this.patterns[index], text)) return index;
    }
  }

  /** Adds text's shape, which find() did not know, and returns its index. */
  add(text: string): number {
    const index = this.patterns.length;
    this.patterns.push(formatSignature(text));
    if (this.patterns.length * 2 > this.slotOf.length) {
      this.slotOf = new Int32Array(this.slotOf.length * 2);
      for (let i = 0; i < this.patterns.length; i++) this.place(this.patterns[i], i);
    } else this.place(this.patterns[index], index);
    return index;
  }

  get size(): number {
    return this.patterns.length;
  }

  /** Places a stored shape: its own hash is that of the text it was made from. */
  private place(pattern: string, index: number): void {
    const mask = this.slotOf.length - 1;
    let at = patternHash(pattern) & mask;
    while (this.slotOf[at] !== 0) at = (at + 1) & mask;
    this.slotOf[at] = index + 1;
  }
}

/** FNV-1a over the shape's code units, and whether the text was cut. */
function shapeHash(text: string): number {
  const n = Math.min(text.length, MAX_PATTERN_LENGTH);
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ shapeCode(text.charCodeAt(i)), 0x01000193);
  if (text.length > MAX_PATTERN_LENGTH) h = Math.imul(h ^ ELLIPSIS, 0x01000193);
  return mix32(h >>> 0);
}

/** shapeHash of a shape itself: its code units are already shape codes. */
function patternHash(pattern: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < pattern.length; i++) h = Math.imul(h ^ pattern.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

function sameShape(pattern: string, text: string): boolean {
  const n = Math.min(text.length, MAX_PATTERN_LENGTH);
  const cut = text.length > MAX_PATTERN_LENGTH;
  if (pattern.length !== n + (cut ? 1 : 0)) return false;
  for (let i = 0; i < n; i++) if (pattern.charCodeAt(i) !== shapeCode(text.charCodeAt(i))) return false;
  return !cut || pattern.charCodeAt(n) === ELLIPSIS;
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
  /**
   * Distinct values up to the exact cap, as slots in first-seen order: open addressing on their
   * (hash, check) identity, so that a repeated value is found without its text ever being made.
   */
  private slotOf = new Int32Array(128);
  private readonly norms: string[] = [];
  private hashes = new Uint32Array(64);
  private checks = new Uint32Array(64);
  /** Per slot: occurrences, type fits (a bit set) and shape index; each value is classified once. */
  private counts = new Uint32Array(64);
  private fits = new Uint16Array(64);
  private shapes = new Uint16Array(64);
  /** Value shapes by index (the first PATTERN_SLOTS - 1 seen; the last slot is "other"). */
  private readonly shapeTable = new ShapeTable();
  /** Past the cap: picked values by their type fits (a bit set), and by shape. */
  private readonly overflowFits = new Map<number, number>();
  private readonly overflowShapes = new ShapeTable();
  private overflowShapeCounts = new Uint32Array(16);
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
  private lastKind: NumberKind | undefined;
  private lastKindRun = 0;

  constructor(private readonly exactCap: number) {}

  /** Adds a non-empty cell given as an object (the string path). */
  add(cell: ProfiledCell): void {
    this.nonEmpty++;
    if (cell.kind) this.countKind(cell.kind);
    if (this.overflowed) return this.addPastCap(cell);
    const slot = this.find(cell.hash, cell.check);
    if (slot >= 0) {
      this.counts[slot]++;
      return;
    }
    if (this.norms.length < this.exactCap) return this.addNew(cell);
    this.overflowed = true;
    this.addPastCap(cell);
  }

  /**
   * Adds cell i of a batch. A value seen before costs a look-up by hash; only a new value, a sample
   * or a value past the cap picked for classification is materialised.
   */
  addAt(batch: CellBatch, i: number): void {
    this.nonEmpty++;
    const kind = batch.kind[i];
    if (kind) this.countKind(NUMBER_KINDS[kind] as NumberKind);
    if (!this.overflowed) {
      const slot = this.find(batch.hash[i], batch.check[i]);
      if (slot >= 0) {
        this.counts[slot]++;
        return;
      }
      // A batch makes each value's text afresh, from bytes: none is a view into a larger string.
      if (this.norms.length < this.exactCap) return this.addNew(batch.cell(i), false);
      this.overflowed = true;
    }
    // Past the cap (see addPastCap): a picked value is classified from its normal form alone, for
    // text is text whatever its case; nothing else is materialised but the first samples.
    const tag = batch.tag[i] as CellTag;
    if (this.overflowSeen++ % OVERFLOW_SAMPLE === 0) {
      const norm = batch.norm(i);
      const value = tag === CellTag.Text || tag === CellTag.Shared ? norm : batch.value(i);
      this.classifySample(value, norm, NUMBER_KINDS[kind]);
    }
    this.minhash.addHash(batch.hash[i]);
    if (tag === CellTag.Number) this.observeNumber(batch.num[i]);
    else if (tag === CellTag.Value) this.observeValue(batch.values[i]);
    this.observeLength(batch.length[i]);
    if (this.samples.length < SAMPLE_SIZE) this.addSample(batch.value(i), batch.norm(i));
  }

  /** addAt for the cells order[from, to) of a batch, in that order. */
  addRun(batch: CellBatch, order: Int32Array, from: number, to: number): void {
    for (let k = from; k < to; k++) this.addAt(batch, order[k]);
  }

  /** The slot of a value by its identity, or -1. */
  private find(hash: number, check: number): number {
    const mask = this.slotOf.length - 1;
    for (let at = check & mask; ; at = (at + 1) & mask) {
      const slot = this.slotOf[at] - 1;
      if (slot < 0) return -1;
      if (this.hashes[slot] === hash && this.checks[slot] === check) return slot;
    }
  }

  private addNew(cell: ProfiledCell, mayBeView = true): void {
    const next = this.norms.length;
    if (next === this.counts.length) this.grow();
    if ((next + 1) * 2 > this.slotOf.length) this.rehash();
    this.norms.push(mayBeView ? detach(cell.norm) : cell.norm);
    this.hashes[next] = cell.hash;
    this.checks[next] = cell.check;
    const mask = this.slotOf.length - 1;
    let at = cell.check & mask;
    while (this.slotOf[at] !== 0) at = (at + 1) & mask;
    this.slotOf[at] = next + 1;
    this.counts[next] = 1;
    this.fits[next] = typeFits(cell.value, cell.norm, cell.kind);
    this.shapes[next] = this.patternSlot(cell.norm);
    this.observe(cell);
  }

  private rehash(): void {
    const slotOf = new Int32Array(this.slotOf.length * 2);
    const mask = slotOf.length - 1;
    for (let slot = 0; slot < this.norms.length; slot++) {
      let at = this.checks[slot] & mask;
      while (slotOf[at] !== 0) at = (at + 1) & mask;
      slotOf[at] = slot + 1;
    }
    this.slotOf = slotOf;
  }

  /**
   * Past the cap, no more exact bookkeeping and no look-up: ranges and the sketch still see every
   * value, and types and shapes are tallied on one value in OVERFLOW_SAMPLE (new or repeated), weighted,
   * like the estimated distinct count.
   */
  private addPastCap(cell: ProfiledCell): void {
    if (this.overflowSeen++ % OVERFLOW_SAMPLE === 0) this.classifySample(cell.value, cell.norm, cell.kind);
    this.observe(cell);
  }

  private classifySample(value: CellScalar, norm: string, kind: NumberKind | undefined): void {
    const fits = typeFits(value, norm, kind);
    this.overflowFits.set(fits, (this.overflowFits.get(fits) ?? 0) + OVERFLOW_SAMPLE);
    let shape = this.overflowShapes.find(norm);
    if (shape < 0) {
      if (this.overflowShapes.size >= MAX_PATTERNS) return;
      shape = this.overflowShapes.add(norm);
      if (shape === this.overflowShapeCounts.length) {
        const counts = new Uint32Array(shape * 2);
        counts.set(this.overflowShapeCounts);
        this.overflowShapeCounts = counts;
      }
    }
    this.overflowShapeCounts[shape] += OVERFLOW_SAMPLE;
  }

  /** Number formats repeat down a column: counted in runs, not a Map update per cell. */
  private countKind(kind: NumberKind): void {
    if (kind === this.lastKind) {
      this.lastKindRun++;
      return;
    }
    this.flushKind();
    this.lastKind = kind;
    this.lastKindRun = 1;
  }

  private flushKind(): void {
    if (this.lastKind) this.kinds.set(this.lastKind, (this.kinds.get(this.lastKind) ?? 0) + this.lastKindRun);
    this.lastKind = undefined;
    this.lastKindRun = 0;
  }

  private grow(): void {
    const size = Math.min(this.counts.length * 2, Math.max(this.exactCap, 64));
    this.counts = widen(this.counts, new Uint32Array(size));
    this.fits = widen(this.fits, new Uint16Array(size));
    this.shapes = widen(this.shapes, new Uint16Array(size));
    this.hashes = widen(this.hashes, new Uint32Array(size));
    this.checks = widen(this.checks, new Uint32Array(size));
  }

  /** The index of a value's shape, or OTHER_PATTERN past the first PATTERN_SLOTS - 1 shapes. */
  private patternSlot(norm: string): number {
    const known = this.shapeTable.find(norm);
    if (known >= 0) return known;
    if (this.shapeTable.size >= OTHER_PATTERN) return OTHER_PATTERN;
    return this.shapeTable.add(norm);
  }

  private observe(cell: ProfiledCell): void {
    this.minhash.addHash(cell.hash);
    this.observeValue(cell.value);
    // Normalising keeps the length of text (trim and single spaces aside), and is already done.
    this.observeLength(cell.norm.length);
    if (this.samples.length < SAMPLE_SIZE) this.addSample(cell.value, cell.norm);
  }

  private addSample(value: CellScalar, norm: string): void {
    this.samples.push(typeof value === 'string' ? displayText(value) : norm);
  }

  private observeValue(value: CellScalar): void {
    if (typeof value === 'number') this.observeNumber(value);
    else if (value instanceof Date) {
      const t = value.getTime();
      if (t < this.minDate) this.minDate = t;
      if (t > this.maxDate) this.maxDate = t;
    }
  }

  private observeNumber(value: number): void {
    if (value < this.minNumber) this.minNumber = value;
    if (value > this.maxNumber) this.maxNumber = value;
  }

  private observeLength(length: number): void {
    if (length < this.minLength) this.minLength = length;
    if (length > this.maxLength) this.maxLength = length;
  }

  type(): { type: ColumnType; typeShare: number } {
    const tally = new TypeTally();
    for (let slot = 0; slot < this.norms.length; slot++) tally.add(this.fits[slot], this.counts[slot]);
    for (const [fits, times] of this.overflowFits) tally.add(fits, times);
    return tally.result();
  }

  profile(base: { name: string; index: number; rowCount: number; valueSampleCap: number }): ColumnProfile {
    const { type, typeShare } = this.type();
    const values = this.norms.slice(0, base.valueSampleCap);
    const signature = this.minhash.signature();
    const distinct = this.overflowed
      ? Math.max(this.norms.length, this.minhash.estimateDistinct())
      : this.norms.length;
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
    const { patterns } = this.shapeTable;
    const bySlot = new Array<number>(patterns.length).fill(0);
    for (let slot = 0; slot < this.norms.length; slot++) {
      const shape = this.shapes[slot];
      if (shape < bySlot.length) bySlot[shape] += this.counts[slot];
    }
    const counts = new Map<string, number>();
    this.overflowShapes.patterns.forEach((pattern, i) => counts.set(pattern, this.overflowShapeCounts[i]));
    bySlot.forEach((count, slot) => counts.set(patterns[slot], (counts.get(patterns[slot]) ?? 0) + count));
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([pattern, count]) => ({ pattern, share: count / Math.max(1, this.nonEmpty) }));
  }

  private dominantKind(): NumberKind | undefined {
    this.flushKind();
    let best: NumberKind | undefined;
    let most = 0;
    for (const [kind, n] of this.kinds) if (n > most) [best, most] = [kind, n];
    return best && most >= this.nonEmpty / 2 ? best : undefined;
  }
}

/**
 * A copy of a string that does not keep the text it was cut from alive. V8 represents a substring of
 * 13 characters or more as a view into its parent, so a value kept from a 256 KB chunk of CSV would
 * keep the whole chunk; concatenating flattens into a new string, and its view keeps only that.
 */
function detach(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/**
 * Distinct count from a finished one-permutation MinHash signature of a large set (no bin was empty):
 * each slot is the smallest rank of about n/k values, so n ≈ k·(k / Σ(min/2³²) − 1), about ±10% at k = 128.
 */
export function estimateDistinct(signature: readonly number[]): number {
  if (signature.length === 0) return 0;
  let sum = 0;
  for (const m of signature) sum += (m + 1) / 4_294_967_296;
  const k = signature.length;
  return Math.max(1, Math.round(k * (k / sum - 1)));
}

/** Order-independent digest of a table's rows, for spotting copies that were re-sorted. */
export class ContentDigest {
  private a = 0;
  private b = 0;
  private rows = 0;
  private row = ROW_SEED;

  /** Adds a non-empty cell of the current row; cells come in column order. */
  addCell(offset: number, hash: number): void {
    this.row = Math.imul(this.row ^ offset, 0x01000193);
    this.row = Math.imul(this.row ^ hash, 0x01000193);
  }

  /** Ends the current row. */
  endRow(): void {
    const row = this.row >>> 0;
    this.a = (this.a + mix32(row)) >>> 0;
    this.b = (this.b + mix32((row ^ 0x2545f491) >>> 0)) >>> 0;
    this.rows++;
    this.row = ROW_SEED;
  }

  digest(): string {
    return `${this.rows.toString(16)}-${this.a.toString(16).padStart(8, '0')}${this.b.toString(16).padStart(8, '0')}`;
  }
}

const ROW_SEED = 0x811c9dc5;
