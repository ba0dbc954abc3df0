import { MinHasher, minhashContainment, minhashJaccard, minhashSignature } from './minhash';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `C-${from + i}`);

describe('MinHash', () => {
  it('is deterministic and ignores order and duplicates', () => {
    const a = minhashSignature(range(0, 500));
    const b = minhashSignature([...range(0, 500)].reverse().concat(range(0, 10)));
    expect(a).toEqual(b);
    expect(a).toHaveLength(128);
  });

  it('estimates Jaccard similarity within a few points', () => {
    // |A∩B| = 500, |A∪B| = 1500 → J = 1/3
    const j = minhashJaccard(minhashSignature(range(0, 1000)), minhashSignature(range(500, 1500)))!;
    expect(Math.abs(j - 1 / 3)).toBeLessThan(0.1);
  });

  it('estimates containment of a small sheet column in a large official field', () => {
    const column = range(100, 300); // 200 keys, all official
    const field = range(0, 2000);
    const c = minhashContainment(minhashSignature(column), 200, minhashSignature(field), 2000)!;
    expect(c).toBeGreaterThan(0.7);
    const stranger = minhashContainment(
      minhashSignature(range(5000, 5200)),
      200,
      minhashSignature(field),
      2000,
    )!;
    expect(stranger).toBeLessThan(0.1);
  });

  it('gives no evidence for empty sets', () => {
    expect(minhashSignature([])).toEqual([]);
    expect(minhashJaccard([], minhashSignature(['a']))).toBeNull();
  });

  it('compares small sets too: empty bins are filled the same way in every signature', () => {
    const a = minhashSignature(['x', 'y', 'z']);
    expect(a).toHaveLength(128);
    expect(minhashJaccard(a, minhashSignature(['z', 'y', 'x']))).toBe(1);
    expect(minhashJaccard(a, minhashSignature(['p', 'q', 'r']))).toBeLessThan(0.2);
    // Two of three shared: J = 2/4.
    const j = minhashJaccard(a, minhashSignature(['x', 'y', 'w']))!;
    expect(j).toBeGreaterThan(0.25);
    expect(j).toBeLessThan(0.75);
  });

  it('estimates distinct counts from a few to a million within about 10%', () => {
    for (const n of [10, 1_000, 50_000, 1_000_000]) {
      const m = new MinHasher();
      for (let i = 0; i < n; i++) m.add(`v${i}`);
      for (let i = 0; i < n; i += 3) m.add(`v${i}`);
      expect(Math.abs(m.estimateDistinct() - n) / n).toBeLessThan(0.15);
    }
    expect(new MinHasher().estimateDistinct()).toBe(0);
  });
});
