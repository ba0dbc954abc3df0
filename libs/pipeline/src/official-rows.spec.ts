import { OfficialRowCache } from './official-rows';

describe('OfficialRowCache', () => {
  const store = (rows: Record<string, Record<string, unknown>>) => {
    const asked: string[][] = [];
    const fetch = async (keys: string[]) => {
      asked.push(keys);
      return new Map(keys.filter((k) => rows[k]).map((k) => [k, { ...rows[k] }]));
    };
    return { asked, fetch };
  };

  it('asks the store only for keys it has not seen, absent ones included', async () => {
    const cache = new OfficialRowCache();
    const { asked, fetch } = store({ a: { name: 'A' }, b: { name: 'B' } });
    const first = await cache.lookup('v1/crm.customer', ['a', 'x'], fetch);
    const second = await cache.lookup('v1/crm.customer', ['a', 'b', 'x'], fetch);
    expect([...first]).toEqual([['a', { name: 'A' }]]);
    expect([...second].sort()).toEqual([
      ['a', { name: 'A' }],
      ['b', { name: 'B' }],
    ]);
    expect(asked).toEqual([['a', 'x'], ['b']]);
  });

  it('keeps entities and catalog versions apart', async () => {
    const cache = new OfficialRowCache();
    const v1 = store({ a: { name: 'old' } });
    const v2 = store({ a: { name: 'new' } });
    await cache.lookup('v1/crm.customer', ['a'], v1.fetch);
    expect((await cache.lookup('v2/crm.customer', ['a'], v2.fetch)).get('a')).toEqual({ name: 'new' });
    expect(v2.asked).toEqual([['a']]);
  });

  it('forgets the least recently used keys beyond its capacity', async () => {
    const cache = new OfficialRowCache(2);
    const { asked, fetch } = store({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
    await cache.lookup('s', ['a', 'b'], fetch);
    await cache.lookup('s', ['a'], fetch); // a is now the most recent
    await cache.lookup('s', ['c'], fetch); // b goes
    await cache.lookup('s', ['a', 'b'], fetch);
    expect(asked).toEqual([['a', 'b'], ['c'], ['b']]);
  });

  it('hands out rows that cannot be changed by one file for the next', async () => {
    const cache = new OfficialRowCache();
    const { fetch } = store({ a: { name: 'A' } });
    const row = (await cache.lookup('s', ['a'], fetch)).get('a')!;
    expect(() => {
      'use strict';
      (row as Record<string, unknown>).name = 'changed';
    }).toThrow(TypeError);
  });
});
