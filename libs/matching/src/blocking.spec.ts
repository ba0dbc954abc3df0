import { minhashSignature } from '@shadowscan/domain';
import { InvertedIndex, lshKeys, LSH_BANDS, trigrams } from './blocking';

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
