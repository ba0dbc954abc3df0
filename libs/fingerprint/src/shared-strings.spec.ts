import { hash32 } from '@shadowscan/domain';
import * as fc from 'fast-check';
import { SharedStrings } from './shared-strings';
import { checkHash, Hashed, hashed } from './value.hash';

describe('SharedStrings', () => {
  it('gives back every string by index, across chunk boundaries and growth', () => {
    const table = new SharedStrings();
    const texts = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `é€ ${i} 𐐀` : `v${i}`));
    texts.push('x'.repeat(5 * 1024 * 1024)); // larger than a chunk
    texts.push('');
    for (const t of texts) table.push(t);
    expect(table.length).toBe(texts.length);
    for (const i of [0, 1, 7, 1023, 1024, 4999, 5000, 5001]) expect(table.get(i)).toBe(texts[i]);
    expect(table.get(7)).toBe(texts[7]); // from the recent cache
    expect(table.get(-1)).toBeUndefined();
    expect(table.get(texts.length)).toBeUndefined();
    expect(table.get(Number.NaN)).toBeUndefined();
  });

  it('spills to an unlinked file past its memory budget and still gives every string back', async () => {
    const { readdir } = await import('node:fs/promises');
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/spill-`);
    const table = new SharedStrings({ memoryBytes: 1, spillDir: dir });
    const texts = Array.from({ length: 400_000 }, (_, i) => `user${i}@example${i % 97}.com`);
    for (const t of texts) table.push(t);
    expect(await readdir(dir)).toEqual([]); // unlinked as soon as it was opened
    for (const i of [0, 1, 123_456, 250_000, 399_999, 5, 300_000]) expect(table.get(i)).toBe(texts[i]);
    // In order and scattered: thousands of pages read back, the cache's memory reused for each.
    const wrong: number[] = [];
    for (let i = 0; i < texts.length; i++) if (table.textAt(i) !== texts[i]) wrong.push(i);
    for (let k = 0, i = 0; k < 50_000; k++, i = (i + 7_919) % texts.length) {
      if (table.textAt(i) !== texts[i]) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    table.dispose();
  });

  it.each([
    ['in memory', {}],
    ['spilled', { memoryBytes: 1 }],
  ])(
    'indexes empty and long strings anywhere in a block, and hashes plain ones from their bytes (%s)',
    (_, options) => {
      const table = new SharedStrings(options);
      const texts = ['', 'Paris', 'y'.repeat(300), '', 'Zürich', ' Lyon', 'x'.repeat(140_000), 'ok'];
      for (let i = 0; i < 20; i++) for (const t of texts) table.push(t);
      for (let i = 0; i < table.length; i++) {
        const text = texts[i % texts.length];
        expect(table.get(i)).toBe(text);
        const plain = table.hashEntry(i);
        expect(plain).toBe(text !== '' && /^[^\s].*[^\s]$|^[^\s]$/.test(text) && /^[\x20-\x7e]+$/.test(text));
        if (plain) expect(hashed[Hashed.Hash]).toBe(hash32(text.toLowerCase()));
        if (plain) expect(hashed[Hashed.Check]).toBe(checkHash(text.toLowerCase()));
      }
      table.dispose();
    },
  );

  it('gives back the right string whatever the order of look-ups: new ones in order between older ones (property)', () => {
    // How a sheet reads its strings: each row's new strings come next in the table, its repeated
    // values anywhere before them.
    const texts = Array.from({ length: 3000 }, (_, i) =>
      i % 11 === 0 ? '' : i % 13 === 0 ? `long ${'z'.repeat(260 + (i % 5))}` : `s${i}-${'é'.repeat(i % 3)}`,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat()), { maxLength: 400 }), (steps) => {
        // A table of its own per run: what it read before must not decide which path a look-up takes.
        const table = new SharedStrings();
        for (const t of texts) table.push(t);
        let front = 0;
        for (const [kind, pick] of steps) {
          // kind 0: the next new string; 1: an older one; 2: the one after an older one; 3: the newest again.
          const index =
            kind === 0
              ? front++ % texts.length
              : kind === 3
                ? Math.max(0, front - 1)
                : pick % Math.max(1, front);
          for (const i of kind === 2 ? [index, index + 1] : [index]) {
            if (i >= texts.length) continue;
            expect(table.textAt(i)).toBe(texts[i]);
          }
        }
        table.dispose();
      }),
      { numRuns: 300 },
    );
  });
});
