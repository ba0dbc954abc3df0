import { writeFile } from 'node:fs/promises';
import { hash32, minhashJaccard } from '@shadowscan/domain';
import * as fc from 'fast-check';
import JSZip from 'jszip';
import { fingerprintFile } from './index';
import { ColumnAccumulator, estimateDistinct, formatSignature, maskValue } from './column.profile';
import { useTempDir, writeWorkbook } from './testing.fixtures';
import { checkHash } from './value.hash';

const tmp = useTempDir();

describe('column profiles', () => {
  it('reads currency, percent and date from Excel number formats', async () => {
    const path = tmp.path('formats.xlsx');
    await writeWorkbook(path, (wb) => {
      const ws = wb.addWorksheet('Deals');
      ws.addRow(['deal', 'amount', 'discount', 'closed', 'count']);
      for (let i = 1; i <= 20; i++)
        ws.addRow([`D-${1000 + i}`, i * 100, i / 100, new Date(Date.UTC(2024, 0, i)), i]);
      ws.getColumn(2).numFmt = '"$"#,##0.00';
      ws.getColumn(3).numFmt = '0.0%';
      ws.getColumn(4).numFmt = 'dd/mm/yyyy';
    });
    const [t] = (await fingerprintFile(path)).tables;
    expect(t.columns.map((c) => c.type)).toEqual(['id', 'currency', 'percent', 'date', 'integer']);
    expect(t.columns[1]).toMatchObject({ numberFormat: 'currency', numeric: { min: 100, max: 2000 } });
    expect(t.columns[2].numberFormat).toBe('percent');
    expect(t.columns[3].dates).toEqual({ min: '2024-01-01T00:00:00.000Z', max: '2024-01-20T00:00:00.000Z' });
    expect(t.columns[0].formats?.[0]).toEqual({ pattern: 'A-9999', share: 1 });
    expect(t.columns[0].length).toEqual({ min: 6, max: 6 });
  });

  it('reads dates in workbooks on the 1904 date system', async () => {
    const path = tmp.path('mac.xlsx');
    await writeWorkbook(path, (wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('S');
      ws.addRow(['when', 'n']);
      ws.addRow([new Date(Date.UTC(2024, 1, 29)), 1]);
      ws.getColumn(1).numFmt = 'yyyy-mm-dd';
    });
    // The serial written must be the 1904 one, or this test proves nothing.
    const zip = await JSZip.loadAsync(await import('node:fs/promises').then((fs) => fs.readFile(path)));
    expect(await zip.file('xl/workbook.xml')!.async('string')).toMatch(/date1904="1"/);
    const [t] = (await fingerprintFile(path)).tables;
    expect(t.columns[0]).toMatchObject({ type: 'date', values: ['2024-02-29'] });
  });

  it('masks samples of sensitive columns and keeps others as shown', async () => {
    const path = tmp.path('people.csv');
    await writeFile(
      path,
      'email,phone,city\njohn.doe@acme.com,+44 20 7946 0958,Paris\nann@beta.io,+44 20 7946 0000,Lyon\n',
    );
    const [t] = (await fingerprintFile(path)).tables;
    expect(t.columns[0]).toMatchObject({
      type: 'email',
      samplesMasked: true,
      samples: ['j•••.d••@a•••.c••', 'a••@b•••.i•'],
    });
    expect(t.columns[1]).toMatchObject({ type: 'phone', samplesMasked: true });
    expect(t.columns[1].samples?.join(' ')).not.toMatch(/7946/);
    expect(t.columns[2]).toMatchObject({ type: 'string', samplesMasked: false, samples: ['Paris', 'Lyon'] });
  });

  it('gives MinHash signatures that estimate the overlap of two columns', async () => {
    const a = tmp.path('a.csv');
    const b = tmp.path('b.csv');
    await writeFile(a, ['id', ...Array.from({ length: 1000 }, (_, i) => `C${i}`)].join('\n'));
    await writeFile(b, ['id', ...Array.from({ length: 1000 }, (_, i) => `C${i + 500}`)].join('\n'));
    const [ta] = (await fingerprintFile(a)).tables;
    const [tb] = (await fingerprintFile(b)).tables;
    expect(ta.columns[0].minhash).toHaveLength(128);
    // True Jaccard: 500 shared of 1500 = 0.333.
    expect(minhashJaccard(ta.columns[0].minhash!, tb.columns[0].minhash!)).toBeCloseTo(1 / 3, 1);
  });

  it('counts distinct values exactly up to the cap, then estimates', async () => {
    const path = tmp.path('many.csv');
    await writeFile(path, ['id,flag', ...Array.from({ length: 5000 }, (_, i) => `${i},${i % 2}`)].join('\n'));
    const [exact] = (await fingerprintFile(path)).tables;
    expect(exact.columns[0]).toMatchObject({ distinct: 5000, distinctEstimated: false });
    const [estimated] = (await fingerprintFile(path, { limits: { distinctExactCap: 1000 } })).tables;
    expect(estimated.columns[0].distinctEstimated).toBe(true);
    expect(estimated.columns[0].distinct).toBeGreaterThan(4000);
    expect(estimated.columns[0].distinct).toBeLessThan(6000);
    expect(estimated.columns[0].type).toBe('integer');
    expect(estimated.columns[1]).toMatchObject({ distinct: 2, distinctEstimated: false });
  });

  it('gives equal content signatures to re-sorted copies, and a different one to changed data', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},name ${i}`);
    const write = async (name: string, body: string[]) => {
      const p = tmp.path(name);
      await writeFile(p, ['id,name', ...body].join('\n'));
      return (await fingerprintFile(p)).tables[0];
    };
    const original = await write('orig.csv', rows);
    const sorted = await write('sorted.csv', [...rows].reverse());
    const changed = await write('changed.csv', [...rows.slice(1), '0,name X']);
    expect(sorted.contentSignature).toBe(original.contentSignature);
    expect(changed.contentSignature).not.toBe(original.contentSignature);
  });
});

describe('profile helpers', () => {
  it('turns values into shapes', () => {
    expect(formatSignature('AB-1234')).toBe('AA-9999');
    expect(formatSignature('fr 75001')).toBe('AA 99999');
    expect(formatSignature('x'.repeat(30))).toBe(`${'A'.repeat(24)}…`);
  });

  it('masks all but the first character of each run', () => {
    expect(maskValue('0044-123')).toBe('0•••-1••');
    expect(maskValue('')).toBe('');
  });

  it('estimates distinct counts from a signature within about 10%', () => {
    const { MinHasher } = jest.requireActual<typeof import('@shadowscan/domain')>('@shadowscan/domain');
    const m = new MinHasher();
    for (let i = 0; i < 20_000; i++) m.add(`v${i}`);
    expect(Math.abs(estimateDistinct(m.signature()) - 20_000)).toBeLessThan(3_000);
    expect(estimateDistinct([])).toBe(0);
  });
});

describe('type and shape shares of large columns', () => {
  /** A column of `rows` values, every tenth a note and the rest distinct integers. */
  function column(rows: number, typedCap: number): ColumnAccumulator {
    const acc = new ColumnAccumulator(20_000, typedCap, 100);
    for (let i = 0; i < rows; i++) {
      const norm = i % 10 === 0 ? `note ${i}` : String(1_000_000 + i);
      acc.add({ value: norm, norm, hash: hash32(norm), check: checkHash(norm) });
    }
    return acc;
  }

  function shares(acc: ColumnAccumulator) {
    const profile = acc.profile({ name: 'c', index: 0, rowCount: 0, valueSampleCap: 100 });
    const integers = profile.formats?.find((f) => f.pattern === '9999999')?.share ?? 0;
    return { ...acc.type(), integers };
  }

  it('are exact while a column has no more distinct values than distinctTypedCap', () => {
    expect(shares(column(2_000, 4_096))).toEqual({ type: 'integer', typeShare: 0.9, integers: 0.9 });
  });

  it('are estimated from a sample beyond it, without aliasing with a periodic column', () => {
    // 300,000 values: 4,096 classified one by one, the rest sampled (a fixed stride of 4 or 8 would
    // see every note or none).
    const estimate = shares(column(300_000, 4_096));
    expect(estimate.type).toBe('integer');
    expect(Math.abs(estimate.typeShare - 0.9)).toBeLessThan(0.01);
    expect(Math.abs(estimate.integers - 0.9)).toBeLessThan(0.01);
  });
});

describe('value formats', () => {
  // Code units that shape alike and unlike: letters of several scripts, digits, separators, and
  // characters that are neither letters nor digits beyond ASCII.
  const unit = fc.constantFrom(...'aZ09-_. /@é€ßΩ中·٣'.split(''));
  const value = fc.oneof(
    fc.array(unit, { minLength: 1, maxLength: 8 }).map((u) => u.join('')),
    // Around the cut: a text longer than 24 characters has the shape of its first 24 and an ellipsis.
    fc.array(unit, { minLength: 22, maxLength: 28 }).map((u) => u.join('')),
    fc.tuple(unit, fc.integer({ min: 22, max: 28 })).map(([u, n]) => u.repeat(n)),
  );

  it('are the shares of each formatSignature among the values (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), (values) => {
        const acc = new ColumnAccumulator(20_000, 4_096, 100);
        for (const norm of values) acc.add({ value: norm, norm, hash: hash32(norm), check: checkHash(norm) });
        const counts = new Map<string, number>();
        for (const v of values) counts.set(formatSignature(v), (counts.get(formatSignature(v)) ?? 0) + 1);
        const expected = [...counts.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, 3)
          .map(([pattern, count]) => ({ pattern, share: count / values.length }));
        const profile = acc.profile({ name: 'c', index: 0, rowCount: values.length, valueSampleCap: 0 });
        expect(profile.formats).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
