import * as ExcelJS from 'exceljs';
import * as fc from 'fast-check';
import * as Papa from 'papaparse';
import { rowEvents } from './cell.batch';
import { CsvByteTokenizer } from './csv.bytes';
import { tokenize } from './csv.tokenizer';
import { CellBatch } from './cell.batch';
import { fingerprintWith } from './fingerprint';
import { useTempDir, writeBytes, writeWorkbook } from './testing.fixtures';

/**
 * The byte-level paths (hashing shared strings, numbers and CSV fields where they lie) must give the
 * very fingerprints the string path gives: profiles, MinHash signatures and content digests are
 * compared across files and with catalog fields.
 */
const tmp = useTempDir();
/**
 * Small caps, so that the values classified as a sample, and those past the exact cap (not looked
 * up), are exercised too.
 */
const limits = { distinctExactCap: 6, distinctTypedCap: 3, valueSampleCap: 4 };

async function bothPaths(path: string) {
  const fast = await fingerprintWith(path, { limits }, { byteHashing: true });
  const strings = await fingerprintWith(path, { limits }, { byteHashing: false });
  // Workbooks: the rows the WebAssembly scanner reads, the JavaScript reader reads the same.
  expect(await fingerprintWith(path, { limits }, { byteHashing: true, wasm: false })).toEqual(fast);
  return { fast, strings };
}

const CELLS = [
  'Paris',
  'PARIS',
  'paris ',
  '  Lyon  ',
  'São Paulo',
  'Zürich',
  '東京',
  'a  b',
  'say "hi"',
  'line\nbreak',
  'cr\r\nlf',
  '1.50',
  '+7',
  '-0.00',
  '007',
  '1e5',
  '1,234.50',
  '12,5',
  '42',
  '-3.25',
  '2024-01-02',
  '02/01/2024',
  'user1@example.com',
  'A-1234',
  '+33 1 23 45 67 89',
  '15%',
  '€12.50',
  'TRUE',
  '',
  '   ',
  'x;y',
  'x,y',
];

const cellText = fc.oneof(
  fc.constantFrom(...CELLS),
  fc
    .array(fc.constantFrom('a', 'B', '7', '0', ' ', '"', '\n', 'é', '-', '.', ','), { maxLength: 6 })
    .map((p) => p.join('')),
);

describe('byte-level and string paths agree', () => {
  it('on CSV: varied text, quotes, line breaks, numbers, blanks (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cellText, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n', '\r'),
        async (rows, delimiter, newline) => {
          const path = tmp.path(`paths-${n++}.csv`);
          const csv = Papa.unparse({ fields: ['Code', 'Name', 'Value'], data: rows }, { delimiter, newline });
          await writeBytes(path, csv);
          const { fast, strings } = await bothPaths(path);
          expect(fast).toEqual(strings);
        },
      ),
      { numRuns: 120 },
    );
  }, 60_000);

  it('on CSV with a BOM, a sep= line, an unclosed quote and no final line break', async () => {
    const path = tmp.path('odd.csv');
    await writeBytes(path, '\ufeffsep=;\nId;Name\n1;"Ann ""A"" x"y\n2;Bob\n3;"never closed\n4;x');
    const { fast, strings } = await bothPaths(path);
    expect(fast).toEqual(strings);
    expect(fast.tables[0].rowCount).toBe(3);
  });

  it('on a CSV of many chunks, read into buffers that are reused', async () => {
    const path = tmp.path('chunks.csv');
    // ~1.6 MB: six chunks, so each of the reader's three buffers is read into twice, and records
    // (some quoted over a line break) cut by every chunk's end.
    const lines = ['Code,Name,Value'];
    for (let i = 0; i < 24_000; i++) {
      lines.push(i % 7 ? `C${i},customer number ${i % 5_000},${i / 4}` : `C${i},"two\nlines ${i}",${i}`);
    }
    await writeBytes(path, lines.join('\n'));
    const { fast, strings } = await bothPaths(path);
    expect(fast).toEqual(strings);
    expect(fast.tables[0].rowCount).toBe(24_000);
  }, 30_000);

  it('on a workbook: shared strings, numbers of every shape, dates, booleans, blanks', async () => {
    const path = tmp.path('paths.xlsx');
    const numbers = [
      1,
      -1,
      0,
      -0,
      0.1 + 0.2,
      1.5,
      1e-7,
      0.000001,
      123456789.123456,
      1e20,
      2 ** 53,
      -12.25,
      45000,
    ];
    await writeWorkbook(path, (wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow(['Title of the export']);
      ws.addRow([]);
      ws.addRow(['Code', 'Name', 'Amount', 'When', 'Flag']);
      for (let i = 0; i < 120; i++) {
        const row = ws.addRow([
          CELLS[i % CELLS.length],
          CELLS[(i * 7) % CELLS.length] || null,
          numbers[i % numbers.length],
          new Date(Date.UTC(2020, i % 12, 1 + (i % 28), i % 3 === 0 ? 12 : 0)),
          i % 5 === 0 ? true : i % 5 === 1 ? null : String(i),
        ]);
        if (i % 4 === 0) row.getCell(3).numFmt = '#,##0.00 [$€-407]';
      }
      ws.addRow(['Total', 1, 2]);
      ws.addRow([]);
      ws.addRow(['Source: test']);
    });
    const { fast, strings } = await bothPaths(path);
    expect(fast).toEqual(strings);
  });

  it('on a workbook whose data rows reach columns the header does not name, on either side', async () => {
    const path = tmp.path('unnamed.xlsx');
    await writeWorkbook(path, (wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow([null, 'Code', 'Name', 'Amount']);
      for (let i = 0; i < 300; i++) {
        // Most rows stay within B:D (read in runs); some hold a value in A or E as well, and a few a
        // note in G, past the blank F: not the table's.
        ws.addRow([
          i % 7 === 0 ? `note ${i % 5}` : null,
          CELLS[i % CELLS.length] || null,
          CELLS[(i * 3) % CELLS.length] || null,
          i / 4,
          i % 11 === 0 ? i : null,
          null,
          i % 13 === 5 ? 'aside' : null,
        ]);
      }
    });
    const { fast, strings } = await bothPaths(path);
    expect(fast).toEqual(strings);
    expect(fast.tables[0].range).toBe('A1:E301');
    // Every row's values in A and E are counted, those read in runs too.
    const [a, , , , e] = fast.tables[0].columns;
    expect(a).toMatchObject({ distinct: 5, nullRatio: 1 - 43 / 300 });
    expect(e.nullRatio).toBeCloseTo(1 - 28 / 300, 12);
    expect(fast.tables[0].columns.map((c) => c.name)).toEqual([
      'column_A',
      'Code',
      'Name',
      'Amount',
      'column_E',
    ]);
  });

  it('on a workbook of dates that share a day or a cache slot (same day at other times, 1024 days apart)', async () => {
    const path = tmp.path('dates.xlsx');
    const base = Date.UTC(2021, 2, 14);
    const day = 86_400_000;
    const times = [0, 1024, 2048, 0, 1, 1025].flatMap((d) => [
      base + d * day,
      base + d * day + 6 * 3_600_000,
      base + d * day + 90_000,
    ]);
    await writeWorkbook(path, (wb) => {
      const ws = wb.addWorksheet('Dates');
      ws.addRow(['When', 'Seq']);
      for (let i = 0; i < 90; i++) ws.addRow([new Date(times[(i * 7) % times.length]), i]);
    });
    const { fast, strings } = await bothPaths(path);
    expect(fast).toEqual(strings);
    const exact = await fingerprintWith(path, {}, { byteHashing: true });
    expect(exact.tables[0].columns[0].distinct).toBe(new Set(times).size);
  });

  it('on a workbook written by a streaming writer (one shared string per cell)', async () => {
    const path = tmp.path('streamed.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path,
      useSharedStrings: true,
      useStyles: true,
    });
    const ws = writer.addWorksheet('S');
    ws.addRow(['id', 'city', 'amount']).commit();
    for (let i = 0; i < 500; i++) ws.addRow([i, CELLS[i % CELLS.length] || 'x', i / 8]).commit();
    ws.commit();
    await writer.commit();
    const { fast, strings } = await bothPaths(path);
    expect(fast).toEqual(strings);
  });
});

describe('CSV read as bytes, on hostile input', () => {
  it('stops at a record that never ends, in linear time', async () => {
    const path = tmp.path('unclosed.csv');
    await writeBytes(path, `id,note\n1,"${'x,'.repeat(17 * 1024 * 1024)}`);
    const started = Date.now();
    await expect(fingerprintWith(path, {}, { byteHashing: true })).rejects.toMatchObject({
      code: 'corrupt',
      message: expect.stringMatching(/never closed/),
    });
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('refuses NUL bytes past the first chunk', async () => {
    const path = tmp.path('nul.csv');
    await writeBytes(
      path,
      Buffer.concat([Buffer.from(`a,b\n${'1,2\n'.repeat(100_000)}`), Buffer.from([0, 0])]),
    );
    await expect(fingerprintWith(path, {}, { byteHashing: true })).rejects.toMatchObject({
      code: 'corrupt',
      message: expect.stringMatching(/NUL bytes/),
    });
  });
});

describe('CsvByteTokenizer', () => {
  it('reads the records the text tokenizer reads, wherever the chunks are cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cellText, { minLength: 1, maxLength: 4 }), { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (rows, newline, cuts, trailing) => {
          const text =
            rows.map((r) => Papa.unparse([r], { delimiter: ',' })).join(newline) + (trailing ? newline : '');
          const bytes = Buffer.from(text, 'utf8');
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const tokenizer = new CsvByteTokenizer(44);
          const batch = new CellBatch();
          const read: Array<Array<[number, string]>> = [];
          // Each chunk is pushed from one reused buffer, scribbled over once its batch is read, as
          // the reader reuses its buffers: the tokenizer must have copied whatever it carries over.
          const reused = Buffer.alloc(bytes.length);
          let at = 0;
          for (const [k, p] of [...points, bytes.length].entries()) {
            const chunk = reused.subarray(0, p - at);
            bytes.copy(chunk, 0, at, p);
            tokenizer.push(chunk, batch, k === points.length);
            at = p;
            for (const row of rowEvents(batch))
              read.push(row.cells.map((c) => [c.column, c.value as string]));
            batch.clear();
            reused.fill(0x2c);
          }
          const expected = tokenize(text, ',').map((r) =>
            r.flatMap((v, i): Array<[number, string]> => (v === '' ? [] : [[i + 1, v]])),
          );
          expect(read).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
