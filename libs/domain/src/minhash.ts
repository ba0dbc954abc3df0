/**
 * MinHash signatures of value sets, for estimating overlap between a spreadsheet column and an
 * official field (or two columns) without keeping or comparing the values themselves.
 * Pure and deterministic: the same values give the same signature in every process and release.
 */
export const MINHASH_SIZE = 128;

/** murmur3's 32-bit finaliser: spreads every input bit over the whole output. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over UTF-16 code units, finished with murmur3's mixer. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

const EMPTY = 0xffffffff;
/** Per bin, whether an empty bin borrows from the right (else the left): fixed, pseudo-random. */
const DENSIFY_RIGHT: Uint8Array = (() => {
  const bits = new Uint8Array(MINHASH_SIZE);
  for (let i = 0; i < MINHASH_SIZE; i++) bits[i] = fmix32((i + 0x2545f491) >>> 0) & 1;
  return bits;
})();
/** Offset per bin of distance, so that a borrowed rank differs from the donor's own. */
const DENSIFY_STEP = 0x9e3779b1;
/** Mixes a value's hash again for its rank within the bin, independent of the bits that chose the bin. */
const RANK_SEED = 0x5bd1e995;

/**
 * Incremental builder: add values as they stream by, read the signature at the end.
 *
 * One-permutation hashing (Li, Owen & Zhang, NIPS 2012): one hash per value picks one of the
 * MINHASH_SIZE bins and the bin keeps its smallest rank, so adding a value costs one hash instead of
 * one per slot, and a column of a million values is sketched as fast as it is read. Bins no value
 * fell into are filled by densification (Shrivastava & Li, UAI 2014): each borrows the rank of the
 * nearest non-empty bin in a fixed random direction, offset by the distance, the same way in every
 * process, so two signatures stay comparable slot by slot and slot agreement still estimates Jaccard
 * similarity. Linear in the number of bins, however few values there are.
 */
export class MinHasher {
  private readonly mins = new Uint32Array(MINHASH_SIZE).fill(EMPTY);
  private empty = true;

  add(value: string): void {
    this.addHash(hash32(value));
  }

  /** Adds a value by its hash32, for callers that hash values once for several purposes. */
  addHash(h: number): void {
    const bin = h & (MINHASH_SIZE - 1);
    const rank = fmix32((h ^ RANK_SEED) >>> 0);
    this.empty = false;
    if (rank < this.mins[bin]) this.mins[bin] = rank;
  }

  /** Takes the bins of a sketch made elsewhere (column.wasm.ts), or none: as if its values were added here. */
  restore(mins: Uint32Array | null): void {
    this.empty = mins === null;
    this.mins.fill(EMPTY);
    if (mins) this.mins.set(mins);
  }

  /** An empty array when nothing was added: "no evidence", not "overlaps with nothing". */
  signature(): number[] {
    if (this.empty) return [];
    const out = Array.from(this.mins);
    const k = MINHASH_SIZE;
    // The nearest non-empty bin on each side of every bin, circularly: two passes, whatever the count.
    const left = new Int16Array(k);
    const right = new Int16Array(k);
    let last = -1;
    for (let i = 0; i < 2 * k; i++) {
      const bin = i % k;
      if (this.mins[bin] !== EMPTY) last = bin;
      if (i >= k) left[bin] = last;
    }
    last = -1;
    for (let i = 2 * k - 1; i >= 0; i--) {
      const bin = i % k;
      if (this.mins[bin] !== EMPTY) last = bin;
      if (i < k) right[bin] = last;
    }
    for (let bin = 0; bin < k; bin++) {
      if (this.mins[bin] !== EMPTY) continue;
      const donor = DENSIFY_RIGHT[bin] ? right[bin] : left[bin];
      const distance = (DENSIFY_RIGHT[bin] ? donor - bin + k : bin - donor + k) % k;
      out[bin] = (this.mins[donor] + Math.imul(distance, DENSIFY_STEP)) >>> 0;
    }
    return out;
  }

  /**
   * Distinct values added, estimated from the bins: by the share of empty bins while many are
   * empty (linear counting), otherwise from the mean smallest rank (each is about 1/(n/k + 1) of
   * the range). About ±10% at k = 128.
   */
  estimateDistinct(): number {
    if (this.empty) return 0;
    let emptyBins = 0;
    let sum = 0;
    for (let bin = 0; bin < MINHASH_SIZE; bin++) {
      if (this.mins[bin] === EMPTY) emptyBins++;
      else sum += (this.mins[bin] + 1) / 4_294_967_296;
    }
    if (emptyBins > 0) return Math.max(1, Math.round(-MINHASH_SIZE * Math.log(emptyBins / MINHASH_SIZE)));
    return Math.max(1, Math.round(MINHASH_SIZE * (MINHASH_SIZE / sum - 1)));
  }
}

export function minhashSignature(values: Iterable<string>): number[] {
  const m = new MinHasher();
  for (const v of values) if (v !== '') m.add(v);
  return m.signature();
}

/** Estimated Jaccard similarity of the two sets; null when either signature is empty. */
export function minhashJaccard(a: number[], b: number[]): number | null {
  if (a.length === 0 || b.length === 0 || a.length !== b.length) return null;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/**
 * Estimated share of set A's distinct values that are in B, from the signatures and the distinct
 * counts: |A∩B| = J(|A|+|B|)/(1+J). Null without evidence.
 */
export function minhashContainment(a: number[], sizeA: number, b: number[], sizeB: number): number | null {
  const j = minhashJaccard(a, b);
  if (j === null || sizeA <= 0) return null;
  const inter = (j * (sizeA + sizeB)) / (1 + j);
  return Math.max(0, Math.min(1, inter / sizeA));
}
