import { ReadAhead } from './read-ahead';

describe('ReadAhead', () => {
  const files = Array.from({ length: 20 }, (_, i) => ({
    id: `f${i}`,
    path: `p${String(i).padStart(2, '0')}`,
    version: 'v',
    size: 10,
  }));

  function make(depth: number) {
    const fetched: string[] = [];
    const removed: string[] = [];
    const ra = new ReadAhead(depth, 1_000_000, async (f) => {
      fetched.push(f.id);
      return { path: `/tmp/${f.id}`, remove: async () => void removed.push(f.id) };
    });
    ra.setOrder(files);
    return { ra, fetched, removed };
  }

  it('downloads ahead when files are opened in listing order, and each file only once', async () => {
    const { ra, fetched } = make(4);
    for (const f of files) await (await ra.open(f, 100)).release();
    expect([...fetched].sort()).toEqual(files.map((f) => f.id).sort());
    expect(ra.stats.hits).toBeGreaterThan(15);
  });

  it('does not read ahead for scattered opens (many workers share the files)', async () => {
    const { ra, fetched } = make(2);
    for (const i of [0, 9, 18, 4, 13]) await ra.open(files[i], 100);
    expect(fetched).toEqual(['f0', 'f9', 'f18', 'f4', 'f13']);
  });

  it('discards a copy fetched for an older version', async () => {
    const { ra, fetched, removed } = make(3);
    await ra.open(files[0], 100);
    await ra.open(files[1], 100);
    await new Promise((r) => setTimeout(r, 0));
    await ra.open({ ...files[2], version: 'v2' }, 100);
    await new Promise((r) => setTimeout(r, 0));
    expect(fetched.filter((id) => id === 'f2')).toHaveLength(2);
    expect(removed).toContain('f2');
  });
});
