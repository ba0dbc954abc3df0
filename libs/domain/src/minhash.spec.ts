import { minhashContainment, minhashJaccard, minhashSignature } from './minhash';

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
});
