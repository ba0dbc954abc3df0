import type { ColumnProfile, ColumnType } from '@shadowscan/domain';
import { fmix32, MinHasher } from '@shadowscan/domain';
import { type CellBatch, CellTag, type NormalisedCell, NUMBER_KINDS, widen } from './cell.batch';
import { TypeTally, typeFits } from './column-type';
import type { NumberKind } from './number-format';
import { type CellScalar, displayText, normaliseValue } from './normalise';

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
/**
 * Values past a column's first `typedCap` distinct ones (and past the exact cap) are classified (type
 * and shape) as a sample: one in FIRST_STRIDE at first, weighted by it, the stride doubling after every
 * SAMPLES_PER_STRIDE picks. A column of a million distinct values costs some 30,000 classifications
 * instead of a million, and the shares of its types and shapes come within a fraction of a percent.
 */
const FIRST_STRIDE = 4;
const SAMPLES_PER_STRIDE = 4_096;

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
  if (c < 128) return SHAPE_OF[c];
  const ch = String.fromCharCode(c);
  return ch.toLowerCase() !== ch.toUpperCase() ? 65 : c;
}

/** shapeCode of the ASCII code units, looked up: a call per character is dear until V8 inlines it. */
const SHAPE_OF = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const digit = c >= 48 && c <= 57;
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  SHAPE_OF[c] = digit ? 57 : letter ? 65 : c;
}
/** The table, for the WebAssembly shape hashes of sampled text (wasm/text-class.ts), which reads it. */
export const SHAPE_CODES: Readonly<Uint8Array> = SHAPE_OF;

const ELLIPSIS = 0x2026;

/**
 * Value shapes (formatSignature) by index, looked up without making the shape's text: open
 * addressing on two 32-bit hashes of the shape's code units, taken in one pass over the text, which
 * together are the shape's identity (as a value's two hashes are among a column's distinct values).
 * Only a new shape is made into a string.
 *
 * A value's shape used to be checked against the stored shape's text, character by character: a
 * second pass over every value classified, and the dearest part of a fresh process's first rows.
 */
export class ShapeTable {
  readonly patterns: string[] = [];
  private slotOf = new Int32Array(64);
  private hashes = new Uint32Array(32);
  private checks = new Uint32Array(32);
  /** What hashShape() made of the text it was last given. */
  private hash = 0;
  private check = 0;

  /** The index of text's shape, or -1 when it is new. */
  find(text: string): number {
    this.hashShape(text);
    return this.findHashed(this.hash, this.check);
  }

  /** find() for a shape given by its two hashes (as hashShape makes them). */
  findHashed(hash: number, check: number): number {
    const mask = this.slotOf.length - 1;
    // The step to the next slot is taken before each probe, the first one too: a column has few
    // shapes, and code optimised before the first collision would deoptimise at the step.
    for (let at = (hash - 1) & mask; ;) {
      at = (at + 1) & mask;
      const index = this.slotOf[at] - 1;
      if (index < 0) return -1;
      if (((this.hashes[index] ^ hash) | (this.checks[index] ^ check)) === 0) return index;
    }
  }

  /** Adds text's shape, which find() did not know, and returns its index. */
  add(text: string): number {
    const index = this.patterns.length;
    this.patterns.push(formatSignature(text));
    if (index === this.hashes.length) {
      this.hashes = widen(this.hashes, new Uint32Array(index * 2));
      this.checks = widen(this.checks, new Uint32Array(index * 2));
    }
    // Hashed again rather than taken from the find() before: new shapes are few.
    this.hashShape(text);
    this.hashes[index] = this.hash;
    this.checks[index] = this.check;
    if (this.patterns.length * 2 > this.slotOf.length) {
      this.slotOf = new Int32Array(this.slotOf.length * 2);
      for (let i = 0; i < this.patterns.length; i++) this.place(i);
    } else this.place(index);
    return index;
  }

  /** Sets `hash` and `check` to the two hashes of text's shape, in one pass over its code units. */
  private hashShape(text: string): void {
    const n = Math.min(text.length, MAX_PATTERN_LENGTH);
    let h = 0x811c9dc5;
    let k = 0x9e3779b9;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const shape = c < 128 ? SHAPE_OF[c] : shapeCode(c);
      h = Math.imul(h ^ shape, 0x01000193);
      k = Math.imul(k + shape, 0x85ebca6b);
      k = (k << 13) | (k >>> 19);
    }
    // A cut text's shape ends in an ellipsis: never the same as a shape of 24 characters or fewer.
    const cut = text.length > MAX_PATTERN_LENGTH ? ELLIPSIS : 0;
    this.hash = mix32(Math.imul(h ^ cut, 0x01000193) >>> 0) | 0;
    this.check = mix32(Math.imul(k + cut, 0x85ebca6b) >>> 0) | 0;
  }

  get size(): number {
    return this.patterns.length;
  }

  private place(index: number): void {
    const mask = this.slotOf.length - 1;
    let at = this.hashes[index] & mask;
    while (this.slotOf[at] !== 0) at = (at + 1) & mask;
    this.slotOf[at] = index + 1;
  }
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

/** Event flags of cells counted in WebAssembly (wasm/columns.ts). */
const TEXT_SAMPLE = 1;
const OBSERVE = 2;

/** A column's counts as WebAssembly kept them (column.wasm.ts): see ColumnAccumulator.adopt(). */
export interface CountedState {
  nonEmpty: number;
  distinct: number;
  overflowed: boolean;
  /** Occurrences of the first min(distinct, typedCap) distinct values. */
  counts: Uint32Array<ArrayBuffer>;
  /** The MinHash bins, or null when no value was sketched. */
  mins: Uint32Array | null;
  minLength: number;
  maxLength: number;
  minNumber: number;
  maxNumber: number;
  /** Cells per number format, in the order the formats first appeared. */
  kinds: Array<[NumberKind, number]>;
}

/** Accumulates one column's profile as the rows stream by; memory is bounded by `exactCap`. */
export class ColumnAccumulator {
  nonEmpty = 0;
  /** Distinct values seen, up to the exact cap. */
  private distinct = 0;
  /**
   * Distinct values up to the exact cap, as slots in first-seen order: open addressing on their
   * (hash, check) identity, so that a repeated value is found without its text ever being made.
   */
  private slotOf = new Int32Array(128);
  /** The normal forms of the first `keptValues` distinct values (the profile's `values`). */
  private readonly norms: string[] = [];
  private hashes = new Uint32Array(64);
  private checks = new Uint32Array(64);
  /**
   * Per slot: occurrences; and for the first `typedCap` slots their type fits (a bit set) and shape
   * index: each of those values is classified once.
   */
  private counts = new Uint32Array(64);
  private fits = new Uint16Array(64);
  private shapes = new Uint16Array(64);
  /** Value shapes by index (the first PATTERN_SLOTS - 1 seen; the last slot is "other"). */
  private readonly shapeTable = new ShapeTable();
  /** The sampled values (see FIRST_STRIDE) by their type fits (a bit set), and by shape, weighted. */
  private readonly sampledFits = new Map<number, number>();
  private readonly sampledShapes = new ShapeTable();
  private sampledShapeCounts = new Uint32Array(16);
  private stride = FIRST_STRIDE;
  private untilPick = 1;
  private picked = 0;
  /** xorshift32 state: the gaps between picks vary, so that a column's period cannot alias with them. */
  private random = 0x9e3779b9;
  private overflowed = false;
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

  /** Distinct values materialised when first seen: those classified one by one or kept as text. */
  private readonly materialised: number;

  /**
   * @param exactCap distinct values counted exactly (and looked up); past it the count is estimated
   * @param typedCap distinct values classified one by one; later values are sampled
   * @param keptValues distinct values kept as text for the profile's `values`
   */
  constructor(
    private readonly exactCap: number,
    private readonly typedCap = exactCap,
    private readonly keptValues = exactCap,
  ) {
    this.materialised = Math.min(exactCap, Math.max(typedCap, keptValues));
    // Assigned again after their initialisers: V8 takes a field written only once for a constant, and
    // code it optimised on that is thrown away when the field first changes, mid-read (the first
    // overflow, the first doubling of the stride).
    this.overflowed = false;
    this.stride = FIRST_STRIDE;
  }

  /** Adds a non-empty cell given as an object (the string path). */
  add(cell: ProfiledCell): void {
    this.nonEmpty++;
    if (cell.kind) this.countKind(cell.kind);
    if (!this.overflowed) {
      const slot = this.find(cell.hash, cell.check);
      if (slot >= 0) {
        this.counts[slot]++;
        if (slot >= this.typedCap) this.sample(cell.value, cell.norm, cell.kind);
        return;
      }
      if (this.distinct < this.exactCap) return this.addNew(cell);
      this.overflowed = true;
    }
    this.sample(cell.value, cell.norm, cell.kind);
    this.observe(cell);
  }

  /**
   * Adds cell i of a batch. A value seen before costs a look-up by hash; only a new value that is
   * classified or kept, a sample, or a value picked for classification is materialised.
   */
  addAt(batch: CellBatch, i: number): void {
    this.nonEmpty++;
    const kind = batch.kind[i];
    if (kind) this.countKind(NUMBER_KINDS[kind] as NumberKind);
    if (!this.overflowed) {
      const hash = batch.hash[i];
      const check = batch.check[i];
      const slot = this.find(hash, check);
      if (slot >= 0) {
        this.counts[slot]++;
        if (slot >= this.typedCap) this.sampleAt(batch, i);
        return;
      }
      // A batch makes each value's text afresh, from bytes: none is a view into a larger string.
      if (this.distinct < this.materialised) return this.addNew(batch.cell(i), false);
      // Stored for every value past the materialised ones, not only once at the cap: optimised code
      // deoptimises at a store it has not yet seen run.
      this.overflowed = this.distinct >= this.exactCap;
      if (!this.overflowed) this.addSlot(hash, check);
    }
    // A value that is neither classified one by one nor kept: nothing is materialised but a picked
    // sample (from its normal form alone, for text is text whatever its case) and the first samples.
    this.sampleAt(batch, i);
    const tag = batch.tag[i] as CellTag;
    this.minhash.addHash(batch.hash[i]);
    if (tag === CellTag.Number) this.observeNumber(batch.num[i]);
    else if (tag === CellTag.Value || tag === CellTag.Date) this.observeValue(batch.values[i]);
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

  /** A new distinct value: its slot, its text when kept, its class, or a sample of it. */
  private addNew(cell: ProfiledCell, mayBeView = true): void {
    const slot = this.addSlot(cell.hash, cell.check);
    if (slot < this.keptValues) this.norms.push(mayBeView ? detach(cell.norm) : cell.norm);
    if (slot < this.typedCap) {
      this.fits[slot] = typeFits(cell.value, cell.norm, cell.kind);
      this.shapes[slot] = this.patternSlot(cell.norm);
    } else this.sample(cell.value, cell.norm, cell.kind);
    this.observe(cell);
  }

  /**
   * The text side of a cell counted in WebAssembly (column.wasm.ts), which did the rest of add() or
   * addAt() and says what is left: `slot` >= 0 for a new distinct value (kept, or classified when
   * typed), `weight` > 0 for a value picked for classification, `flags` for a sample to keep
   * (TEXT_SAMPLE) or a date or value to observe (OBSERVE). `sampleValue` is what sampling classifies.
   * `fits` >= 0: WebAssembly classified the value too, and its shape has the hashes given.
   */
  takeCounted(
    value: CellScalar,
    sampleValue: CellScalar,
    norm: string,
    kind: NumberKind | undefined,
    slot: number,
    weight: number,
    flags: number,
    mayBeView: boolean,
    fits = -1,
    shapeHash = 0,
    shapeCheck = 0,
  ): void {
    if (slot >= 0) {
      if (slot < this.keptValues) this.norms.push(mayBeView ? detach(norm) : norm);
      if (slot < this.typedCap) {
        if (slot >= this.fits.length) {
          const size = Math.max(slot + 1, this.fits.length * 2);
          this.fits = widen(this.fits, new Uint16Array(size));
          this.shapes = widen(this.shapes, new Uint16Array(size));
        }
        if (fits >= 0) {
          this.fits[slot] = fits;
          this.shapes[slot] = this.patternSlot(norm, this.shapeTable.findHashed(shapeHash, shapeCheck));
        } else {
          this.fits[slot] = typeFits(value, norm, kind);
          this.shapes[slot] = this.patternSlot(norm);
        }
      }
    }
    if (weight && fits >= 0)
      this.tallySample(fits, this.sampledShapes.findHashed(shapeHash, shapeCheck), norm, weight);
    else if (weight) this.classifySample(sampleValue, norm, kind, weight);
    if (flags & OBSERVE) this.observeValue(value);
    if (flags & TEXT_SAMPLE) this.addSample(value, norm);
  }

  /**
   * Takes the counts of a column counted in WebAssembly; its text side came through takeCounted().
   * Dates and values the JavaScript observed keep their ranges, joined with the counted numbers'.
   */
  adopt(state: CountedState): void {
    this.nonEmpty = state.nonEmpty;
    this.distinct = state.distinct;
    this.overflowed = state.overflowed;
    this.counts = state.counts;
    this.minhash.restore(state.mins);
    this.minLength = state.minLength;
    this.maxLength = state.maxLength;
    this.minNumber = Math.min(this.minNumber, state.minNumber);
    this.maxNumber = Math.max(this.maxNumber, state.maxNumber);
    this.kinds.clear();
    for (const [kind, n] of state.kinds) this.kinds.set(kind, n);
    this.lastKind = undefined;
    this.lastKindRun = 0;
  }

  /** Adds a distinct value's identity with one occurrence; returns its slot. */
  private addSlot(hash: number, check: number): number {
    const next = this.distinct++;
    if (next === this.counts.length) this.grow();
    if ((next + 1) * 2 > this.slotOf.length) this.rehash();
    this.hashes[next] = hash;
    this.checks[next] = check;
    const mask = this.slotOf.length - 1;
    let at = check & mask;
    while (this.slotOf[at] !== 0) at = (at + 1) & mask;
    this.slotOf[at] = next + 1;
    this.counts[next] = 1;
    return next;
  }

  private rehash(): void {
    const slotOf = new Int32Array(this.slotOf.length * 2);
    const mask = slotOf.length - 1;
    for (let slot = 0; slot < this.distinct; slot++) {
      let at = this.checks[slot] & mask;
      while (slotOf[at] !== 0) at = (at + 1) & mask;
      slotOf[at] = slot + 1;
    }
    this.slotOf = slotOf;
  }

  /**
   * The weight of the next value to be sampled when it is picked, or 0 (see FIRST_STRIDE). The gap to
   * the next pick is drawn from 1 .. 2·stride - 1 (a mean of `stride`), from a fixed seed: every run
   * and every reader picks the same values, and a column that repeats with some period (every tenth
   * row a note) is not seen through a fixed stride that shares it.
   */
  private pick(): number {
    if (--this.untilPick > 0) return 0;
    const weight = this.stride;
    // Stored at every pick, not only at a doubling (see addAt).
    this.stride *= ++this.picked % SAMPLES_PER_STRIDE === 0 ? 2 : 1;
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    // `| 0`: x >>> 0 past 2^31 is a heap number, and so is the remainder; stored as such it turns the
    // field (and every accumulator's map) from small integers to doubles mid-read, and code compiled
    // for the old maps deoptimised on them.
    this.untilPick = (1 + ((x >>> 0) % (2 * this.stride - 1))) | 0;
    return weight;
  }

  /** A value of the sampled part: classified when picked. */
  private sample(value: CellScalar, norm: string, kind: NumberKind | undefined): void {
    const weight = this.pick();
    if (weight) this.classifySample(value, norm, kind, weight);
  }

  /** sample() for cell i of a batch, materialised only when picked. */
  private sampleAt(batch: CellBatch, i: number): void {
    const weight = this.pick();
    if (!weight) return;
    const tag = batch.tag[i] as CellTag;
    const norm = batch.norm(i);
    const value = tag === CellTag.Text || tag === CellTag.Shared ? norm : batch.value(i);
    this.classifySample(value, norm, NUMBER_KINDS[batch.kind[i]], weight);
  }

  private classifySample(
    value: CellScalar,
    norm: string,
    kind: NumberKind | undefined,
    weight: number,
  ): void {
    this.tallySample(typeFits(value, norm, kind), this.sampledShapes.find(norm), norm, weight);
  }

  /**
   * A sampled value that WebAssembly classified (column.wasm.ts): its type fits and its shape's hashes
   * are given, and its text, cell i of the batch, is made only when the shape is new.
   */
  takeSampled(
    fits: number,
    shapeHash: number,
    shapeCheck: number,
    weight: number,
    batch: CellBatch,
    i: number,
  ): void {
    const shape = this.sampledShapes.findHashed(shapeHash, shapeCheck);
    this.tallySample(fits, shape, shape < 0 ? normaliseValue(batch.value(i)) : '', weight);
  }

  /** Counts a sampled value by its fits and its shape's index (-1: new, its text `norm`), weighted. */
  private tallySample(fits: number, known: number, norm: string, weight: number): void {
    this.sampledFits.set(fits, (this.sampledFits.get(fits) ?? 0) + weight);
    let shape = known;
    if (shape < 0) {
      if (this.sampledShapes.size >= MAX_PATTERNS) return;
      shape = this.sampledShapes.add(norm);
      if (shape === this.sampledShapeCounts.length) {
        this.sampledShapeCounts = widen(this.sampledShapeCounts, new Uint32Array(shape * 2));
      }
    }
    this.sampledShapeCounts[shape] += weight;
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
  private patternSlot(norm: string, known = this.shapeTable.find(norm)): number {
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
    tallySlots(tally, this.fits, this.counts, Math.min(this.distinct, this.typedCap));
    for (const [fits, times] of this.sampledFits) tally.add(fits, times);
    return tally.result();
  }

  profile(base: { name: string; index: number; rowCount: number; valueSampleCap: number }): ColumnProfile {
    const { type, typeShare } = this.type();
    const values = this.norms.slice(0, base.valueSampleCap);
    const signature = this.minhash.signature();
    const distinct = this.overflowed
      ? Math.max(this.distinct, this.minhash.estimateDistinct())
      : this.distinct;
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
    const bySlot = countShapes(
      this.shapes,
      this.counts,
      Math.min(this.distinct, this.typedCap),
      patterns.length,
    );
    const counts = new Map<string, number>();
    this.sampledShapes.patterns.forEach((pattern, i) => counts.set(pattern, this.sampledShapeCounts[i]));
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

/*
 * A column's profile goes once through its typed slots (4,096 at most), in the two loops below. They
 * are functions of their own: a fresh process compiles a loop that long while it runs, and a loop in
 * the middle of type() or topFormats() took their iterators, maps and sorting with it (10-14 ms each
 * of compiling, at the end of the bench CSV's first read).
 */

/**
 * Adds the slots' type fits to `tally`, weighted by their counts: runs of slots that fit the same
 * types are summed first and tallied once, for TypeTally.add goes through every type (45,000 steps
 * for 4,096 slots, which a fresh process ran unoptimised: 7 ms for the bench CSV's twelve columns).
 */
function tallySlots(tally: TypeTally, fits: Uint16Array, counts: Uint32Array, slots: number): void {
  let runFits = 0;
  let run = 0;
  for (let slot = 0; slot < slots; slot++) {
    if (fits[slot] !== runFits) {
      if (run > 0) tally.add(runFits, run);
      runFits = fits[slot];
      run = 0;
    }
    run += counts[slot];
  }
  if (run > 0) tally.add(runFits, run);
}

/** Occurrences per shape index, of the slots' shapes (OTHER_PATTERN, past `shapeCount`, is left out). */
function countShapes(shapes: Uint16Array, counts: Uint32Array, slots: number, shapeCount: number): number[] {
  const byShape = new Array<number>(shapeCount).fill(0);
  for (let slot = 0; slot < slots; slot++) {
    const shape = shapes[slot];
    if (shape < shapeCount) byShape[shape] += counts[slot];
  }
  return byShape;
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

  /** Takes the state of a digest taken elsewhere (column.wasm.ts), between rows. */
  adopt(state: { a: number; b: number; rows: number }): void {
    this.a = state.a;
    this.b = state.b;
    this.rows = state.rows;
    this.row = ROW_SEED;
  }

  digest(): string {
    return `${this.rows.toString(16)}-${this.a.toString(16).padStart(8, '0')}${this.b.toString(16).padStart(8, '0')}`;
  }
}

const ROW_SEED = 0x811c9dc5;
