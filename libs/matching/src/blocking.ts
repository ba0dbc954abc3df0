import { MINHASH_SIZE } from '@shadowscan/domain';

/**
 * Locality-sensitive hashing of MinHash signatures: BANDS bands of ROWS rows, so that two value sets
 * with Jaccard similarity s share a bucket with probability 1-(1-s^ROWS)^BANDS (about 0.5 at s=0.42,
 * 0.97 at s=0.6). Catches columns that carry most of a field's values whatever their header says.
 */
export const LSH_BANDS = 32;
export const LSH_ROWS = MINHASH_SIZE / LSH_BANDS;

export function lshKeys(signature: readonly number[]): string[] {
  if (signature.length !== MINHASH_SIZE) return [];
  const keys: string[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = b;
    for (let r = 0; r < LSH_ROWS; r++) h = (Math.imul(h, 0x01000193) ^ signature[b * LSH_ROWS + r]) >>> 0;
    keys.push(`${b}:${h.toString(36)}`);
  }
  return keys;
}

/** Character trigrams of a word, for names with typos ("adress"): only words long enough to have some. */
export function trigrams(token: string): string[] {
  if (token.length < 5) return [];
  const out: string[] = [];
  for (let i = 0; i + 3 <= token.length; i++) out.push(token.slice(i, i + 3));
  return out;
}

/** An inverted index from keys to ids, with postings kept as compact arrays. */
export class InvertedIndex {
  private readonly map = new Map<string, number[]>();

  add(key: string, id: number): void {
    const list = this.map.get(key);
    if (list === undefined) this.map.set(key, [id]);
    else if (list[list.length - 1] !== id) list.push(id);
  }

  get(key: string): readonly number[] {
    return this.map.get(key) ?? EMPTY;
  }
}

const EMPTY: readonly number[] = [];

/**
 * Blocking evidence per field for one column at a time, in dense arrays reused from column to column:
 * a column touches hundreds of a large catalog's fields, and a Map per column (then a sort of all of
 * it) cost more than the scoring that blocking saves.
 */
export class CandidateTally {
  private readonly weight: Float64Array;
  private readonly seen: Uint8Array;
  private readonly touched: number[] = [];

  constructor(size: number) {
    this.weight = new Float64Array(size);
    this.seen = new Uint8Array(size);
  }

  /** Adds evidence for a field; a weight of 0 still makes it a candidate. */
  add(id: number, w: number): void {
    if (this.seen[id] === 0) {
      this.seen[id] = 1;
      this.touched.push(id);
    }
    this.weight[id] += w;
  }

  /**
   * The fields tallied, at most `max` of them (the heaviest, ties to the lower id), in id order; then
   * clears the tally for the next column.
   */
  take(max: number): number[] {
    const ids = this.touched;
    let out: number[];
    if (ids.length <= max) out = ids.slice();
    else {
      // Plain loops: Float64Array.from and filter with callbacks cost more than the selection itself.
      const weights = new Float64Array(ids.length);
      for (let i = 0; i < ids.length; i++) weights[i] = this.weight[ids[i]];
      const cut = kthLargest(weights, max);
      out = [];
      const ties: number[] = [];
      for (const id of ids) {
        const w = this.weight[id];
        if (w > cut) out.push(id);
        else if (w === cut) ties.push(id);
      }
      ties.sort((a, b) => a - b);
      for (let i = 0; out.length < max; i++) out.push(ties[i]);
    }
    for (const id of ids) {
      this.weight[id] = 0;
      this.seen[id] = 0;
    }
    ids.length = 0;
    return out.sort((a, b) => a - b);
  }
}

/** The k-th largest of the values (1-based), by quickselect: linear where a sort is n log n. */
export function kthLargest(values: Float64Array, k: number): number {
  const target = k - 1;
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target];
}
