import { minhashSignature } from '@shadowscan/domain';
import { CandidateTally, InvertedIndex, kthLargest, lshKeys, LSH_BANDS, trigrams } from './blocking';

describe('lshKeys', () => {
  const values = (from: number, n: number) => Array.from({ length: n }, (_, i) => `v-${from + i}`);

  it('gives one key per band, the same for the same values', () => {
    const keys = lshKeys(minhashSignature(values(0, 100)));
    expect(keys).toHaveLength(LSH_BANDS);
    expect(lshKeys(minhashSignature(values(0, 100)))).toEqual(keys);
  });

  it('puts largely overlapping value sets in a shared bucket and unrelated ones apart', () => {
    const a = new Set(lshKeys(minhashSignature(values(0, 200))));
    const similar = lshKeys(minhashSignature(values(20, 200)));
    const unrelated = lshKeys(minhashSignature(values(10_000, 200)));
    expect(similar.some((k) => a.has(k))).toBe(true);
    expect(unrelated.some((k) => a.has(k))).toBe(false);
  });

  it('has no keys without a signature', () => {
    expect(lshKeys([])).toEqual([]);
  });
});

describe('trigrams and InvertedIndex', () => {
  it('lets a misspelt word meet the word it misspells', () => {
    const index = new InvertedIndex();
    trigrams('address').forEach((g) => index.add(g, 1));
    expect(trigrams('adress').some((g) => index.get(g).includes(1))).toBe(true);
    expect(trigrams('date')).toEqual([]);
  });
});

describe('CandidateTally', () => {
  it('keeps the heaviest ids (ties to the lower id) in id order, and starts over for the next column', () => {
    const tally = new CandidateTally(10);
    tally.add(7, 0.5);
    tally.add(2, 0.2);
    tally.add(7, 0.5);
    tally.add(4, 0.2);
    tally.add(9, 0);
    tally.add(5, 0.3);
    expect(tally.take(3)).toEqual([2, 5, 7]);
    tally.add(1, 0);
    expect(tally.take(3)).toEqual([1]);
  });

  it('keeps a field added with no weight as a candidate', () => {
    const tally = new CandidateTally(3);
    tally.add(2, 0);
    expect(tally.take(5)).toEqual([2]);
  });
});

describe('kthLargest', () => {
  it('agrees with sorting, duplicates included', () => {
    const values = [5, 1, 4, 4, 9, 0, 4, 7, 2, 9];
    const sorted = [...values].sort((a, b) => b - a);
    for (let k = 1; k <= values.length; k++)
      expect(kthLargest(Float64Array.from(values), k)).toBe(sorted[k - 1]);
  });
});
