/**
 * MinHash signatures of value sets, for estimating overlap between a spreadsheet column and an
 * official field (or two columns) without keeping or comparing the values themselves.
 * Pure and deterministic: the same values give the same signature in every process and release.
 */
export const MINHASH_SIZE = 128;

const SEEDS: Uint32Array = (() => {
  const seeds = new Uint32Array(MINHASH_SIZE);
  let x = 0x9e3779b9;
  for (let i = 0; i < MINHASH_SIZE; i++) {
    x = fmix32((x + 0x6d2b79f5) >>> 0);
    seeds[i] = x;
  }
  return seeds;
})();

function fmix32(h: number): number {
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

/** Incremental builder: add values as they stream by, read the signature at the end. */
export class MinHasher {
  private readonly mins = new Uint32Array(MINHASH_SIZE).fill(0xffffffff);
  private empty = true;

  add(value: string): void {
    const h = hash32(value);
    this.empty = false;
    for (let i = 0; i < MINHASH_SIZE; i++) {
      const v = fmix32((h ^ SEEDS[i]) >>> 0);
      if (v < this.mins[i]) this.mins[i] = v;
    }
  }

  /** An empty array when nothing was added: "no evidence", not "overlaps with nothing". */
  signature(): number[] {
    return this.empty ? [] : Array.from(this.mins);
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
