/**
 * Exact value → ids of what holds it, for the millions of values of a large catalog's samples. A Map
 * keyed by that many strings took seconds to build and hundreds of MB; here the values' 32-bit hashes
 * are sorted once in a typed array and looked up by binary search, and every entry is checked against
 * the value it stands for, so that a hash collision never invents a hit. Ids come back in the order
 * they were added.
 */
export class ValueIndex {
  private values: string[] = [];
  private ids: number[] = [];
  /** Sorted hashes and, at the same positions, the entry each belongs to (after freeze). */
  private hashes = new Uint32Array(0);
  private entries = new Uint32Array(0);
  private frozen = false;

  add(value: string, id: number): void {
    if (this.frozen) throw new Error('ValueIndex.add after freeze');
    this.values.push(value);
    this.ids.push(id);
  }

  /** Sorts the entries by hash; call once, after the last add and before the first get. */
  freeze(): void {
    const n = this.values.length;
    // Hash and entry packed into one 64-bit key: a native numeric sort, no comparator calls.
    const keys = new BigUint64Array(n);
    for (let i = 0; i < n; i++) keys[i] = (BigInt(hashOf(this.values[i])) << 32n) | BigInt(i);
    keys.sort();
    this.hashes = new Uint32Array(n);
    this.entries = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      this.hashes[i] = Number(keys[i] >> 32n);
      this.entries[i] = Number(keys[i] & 0xffffffffn);
    }
    this.frozen = true;
  }

  /** Ids added with exactly this value (empty when none). */
  get(value: string): number[] {
    const h = hashOf(value);
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let i = lo; i < this.hashes.length && this.hashes[i] === h; i++) {
      const e = this.entries[i];
      if (this.values[e] === value) out.push(this.ids[e]);
    }
    return out;
  }
}

/** FNV-1a over the UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
