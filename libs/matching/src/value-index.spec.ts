import { ValueIndex } from './value-index';

describe('ValueIndex', () => {
  it('finds every id added with a value, in the order added, and nothing for other values', () => {
    const index = new ValueIndex();
    index.add('net 30', 3);
    index.add('card', 1);
    index.add('net 30', 0);
    index.add('', 7);
    index.freeze();
    expect(index.get('net 30')).toEqual([3, 0]);
    expect(index.get('card')).toEqual([1]);
    expect(index.get('')).toEqual([7]);
    expect(index.get('net 60')).toEqual([]);
  });

  it('stays exact on a large index (hash collisions never add a hit)', () => {
    const index = new ValueIndex();
    const n = 200_000;
    for (let i = 0; i < n; i++) index.add(`v-${i}`, i);
    index.freeze();
    for (let i = 0; i < n; i += 997) expect(index.get(`v-${i}`)).toEqual([i]);
    for (let i = n; i < n + 2000; i++) expect(index.get(`v-${i}`)).toEqual([]);
  });

  it('refuses values added after freeze', () => {
    const index = new ValueIndex();
    index.freeze();
    expect(() => index.add('x', 1)).toThrow();
  });
});
