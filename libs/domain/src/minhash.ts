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
/** Mixes a value's hash again for its rank within the bin, independent of the bits that chose the bin. */
const RANK_SEED = 0x5bd1e995;

/**
 * Incremental builder: add values as they stream by, read the signature at the end.
 *
 * One-permutation hashing (Li, Owen & Zhang, NIPS 2012): one hash per value picks one of the
 * MINHASH_SIZE bins and the bin keeps its smallest rank, so adding a value costs one hash instead of
 * one per slot, and a column of a million values is sketched as fast as it is read. Bins no value
 * fell into are filled by optimal densification (Shrivastava, ICML 2017): each borrows the rank of a
 * non-empty bin chosen by a fixed random probe sequence, the same in every process, so two
 * signatures stay comparable slot by slot and slot agreement still estimates Jaccard similarity.
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

  /** An empty array when nothing was added: "no evidence", not "overlaps with nothing". */
  signature(): number[] {
    if (this.empty) return [];
    const out = Array.from(this.mins);
    for (let bin = 0; bin < MINHASH_SIZE; bin++) {
      if (this.mins[bin] !== EMPTY) continue;
      for (let attempt = 1; ; attempt++) {
        const donor = fmix32((Math.imul(bin + 1, 0x9e3779b1) + attempt) >>> 0) & (MINHASH_SIZE - 1);
        if (this.mins[donor] !== EMPTY) {
          out[bin] = this.mins[donor];
          break;
        }
      }
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
