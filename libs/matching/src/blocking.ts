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
