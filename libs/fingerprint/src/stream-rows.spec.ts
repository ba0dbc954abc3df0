import { readdir, writeFile } from 'node:fs/promises';
import type { TableFingerprint } from '@shadowscan/domain';
import * as fc from 'fast-check';
import * as Papa from 'papaparse';
import { fingerprintFile, normaliseValue, streamTableRows } from './index';
import { useTempDir, writeBytes, writeLargeWorkbook, writeWorkbook } from './testing.fixtures';

const tmp = useTempDir();

async function collect(path: string, table: TableFingerprint, displayName?: string) {
  const rows: Array<{ row: number; values: unknown[] }> = [];
  for await (const r of streamTableRows(path, table, { displayName })) rows.push(r);
  return rows;
}

function tableOf(tables: TableFingerprint[], sheet: string): TableFingerprint {
  const t = tables.find((x) => x.sheet === sheet);
  if (!t) throw new Error(`no table on ${sheet}`);
  return t;
}

async function openFiles(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}

describe('streamTableRows', () => {
  let xlsx: string;
  let tables: TableFingerprint[];

  beforeAll(async () => {
    xlsx = tmp.path('people.xlsx');
    await writeWorkbook(xlsx, (wb) => {
      const first = wb.addWorksheet('Notes');
      first.addRow(['not', 'this', 'sheet']);
      first.addRow([1, 2, 3]);
      const ws = wb.addWorksheet('People');
      ws.addRow(['People export']);
      ws.addRow([]);
      ws.addRow([null, 'id', 'name', 'joined', 'balance']); // header at row 3, columns B:E
      ws.addRow([null, 1, 'Ann', new Date(Date.UTC(2024, 0, 2)), 10.5]);
      ws.addRow([]);
      ws.addRow(['left of the header']); // row 6: a data row, in a column the header does not name
      ws.addRow([null, 2, '   ', null, 0]); // blank-looking text counts as empty
      ws.addRow([null, null, 'Bob', null, null]);
      ws.getColumn(4).numFmt = 'yyyy-mm-dd';
      const after = wb.addWorksheet('After');
      after.addRow(['x', 'y']);
      after.addRow(['1', '2']);
    });
    tables = (await fingerprintFile(xlsx)).tables;
  });

  it('yields the rows fingerprintFile counted, with sheet row numbers and typed raw values', async () => {
    const people = tableOf(tables, 'People');
    expect(people.headerRow).toBe(3);
    expect(people.dataStartRow).toBe(4);
    const rows = await collect(xlsx, people);
    expect(rows).toHaveLength(people.rowCount);
    expect(people.range).toBe('A3:E8');
    expect(rows).toEqual([
      { row: 4, values: [null, 1, 'Ann', new Date(Date.UTC(2024, 0, 2)), 10.5] },
      { row: 6, values: ['left of the header', null, null, null, null] },
      { row: 7, values: [null, 2, null, null, 0] },
      { row: 8, values: [null, null, 'Bob', null, null] },
    ]);
    expect(rows[0].values[3]).toBeInstanceOf(Date);
  });

  it('reads only the named sheet', async () => {
    expect(await collect(xlsx, tableOf(tables, 'Notes'))).toEqual([{ row: 2, values: [1, 2, 3] }]);
    expect(await collect(xlsx, tableOf(tables, 'After'))).toEqual([{ row: 2, values: ['1', '2'] }]);
  });

  it('stops at the end of the range', async () => {
    const people = tableOf(tables, 'People');
    const rows = await collect(xlsx, { ...people, range: 'B3:E7' });
    expect(rows.map((r) => r.row)).toEqual([4, 7]);
  });

  it('streams CSV rows as text, skipping blank records like the fingerprint', async () => {
    const csv = tmp.path('orders.csv');
    await writeFile(csv, 'Order report\n\nid;amount;note\n1;2,5;\n\n2;;x\n;;\n3;4;y\n');
    const [t] = (await fingerprintFile(csv)).tables;
    const rows = await collect(csv, t);
    expect(rows).toHaveLength(t.rowCount);
    expect(rows).toEqual([
      { row: 4, values: ['1', '2,5', null] },
      { row: 6, values: ['2', null, 'x'] },
      { row: 8, values: ['3', '4', 'y'] },
    ]);
  });

  it('takes the format and sheet name from the display name', async () => {
    const csv = tmp.path('download.tmp');
    await writeFile(csv, 'a,b\n1,2\n');
    const [t] = (await fingerprintFile(csv, { displayName: 'share/report.csv' })).tables;
    expect(t.sheet).toBe('report');
    expect(await collect(csv, t, 'share/report.csv')).toEqual([{ row: 2, values: ['1', '2'] }]);
  });

  it('stops reading and closes the file when the consumer breaks out', async () => {
    const big = tmp.path('big.xlsx');
    await writeLargeWorkbook(big, 30_000);
    const bigCsv = tmp.path('big.csv');
    await writeFile(
      bigCsv,
      ['id,name', ...Array.from({ length: 200_000 }, (_, i) => `${i},n${i}`)].join('\n'),
    );
    for (const path of [big, bigCsv]) {
      const [t] = (await fingerprintFile(path)).tables;
      const fullStart = Date.now();
      let all = 0;
      for await (const _ of streamTableRows(path, t)) all++;
      const fullMs = Date.now() - fullStart;
      expect(all).toBe(t.rowCount);

      const before = await openFiles();
      const started = Date.now();
      const firstRows: number[] = [];
      for await (const r of streamTableRows(path, t)) {
        firstRows.push(r.row);
        if (firstRows.length === 5) break;
      }
      const partMs = Date.now() - started;
      expect(firstRows).toEqual([2, 3, 4, 5, 6]);
      expect(partMs).toBeLessThan(Math.max(fullMs / 2, 50));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await openFiles()).toBeLessThanOrEqual(before);
    }
  }, 60_000);

  it('throws UnreadableFileError like fingerprintFile', async () => {
    const people = tableOf(tables, 'People');
    const failure = async (path: string) => {
      try {
        await collect(path, people);
      } catch (e) {
        return e;
      }
      throw new Error('expected a failure');
    };
    expect(await failure(tmp.path('missing.xlsx'))).toMatchObject({
      name: 'UnreadableFileError',
      code: 'not_found',
    });
    const broken = tmp.path('broken.xlsx');
    await writeBytes(broken, Buffer.from('PK\u0003\u0004 this is not really a zip'));
    expect(await failure(broken)).toMatchObject({ name: 'UnreadableFileError', code: 'corrupt' });
  });

  it('agrees with the fingerprint on any CSV table (property)', async () => {
    let n = 0;
    const cell = fc.constantFrom('', ' ', 'a', 'B c', '1', '2.5', '"q"', 'x,y', '\n');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 30 }),
        async (rows) => {
          const path = tmp.path(`prop-${n++}.csv`);
          await writeBytes(path, Papa.unparse({ fields: ['h1', 'h2', 'h3'], data: rows }));
          const { tables } = await fingerprintFile(path);
          let dataRows = 0;
          for (const t of tables) {
            const streamed = await collect(path, t);
            expect(streamed).toHaveLength(t.rowCount);
            dataRows += streamed.length;
            for (const { row, values } of streamed) {
              // Record 1 is the header line; record r + 1 is rows[r - 1]... as the sheet numbers them.
              const record = rows[row - 2];
              const first = t.range.charCodeAt(0) - 64;
              expect(values).toEqual(
                values.map((_, i) => {
                  const v = record[first - 1 + i];
                  return normaliseValue(v) === '' ? null : v;
                }),
              );
            }
          }
          // Every non-blank record is data, or a later table's title or header line, or one of up to
          // three lone footnote lines after a gap at the end.
          const nonBlank = rows.filter((r) => r.some((v) => normaliseValue(v) !== '')).length;
          expect(dataRows).toBeLessThanOrEqual(nonBlank);
          expect(dataRows).toBeGreaterThanOrEqual(nonBlank - 2 * (tables.length - 1) - 3);
        },
      ),
      { numRuns: 80 },
    );
  }, 60_000);
});
