import * as fc from 'fast-check';
import { writeFile } from 'node:fs/promises';
import { ColumnAccumulator, ShapeTable } from './column.profile';
import { classifyInModule, columnsModules, WasmTable } from './column.wasm';
import { textFits } from './column-type';
import { normaliseText } from './normalise';
import { fingerprintFile, fingerprintWith } from './fingerprint';
import { DEFAULT_LIMITS, type FingerprintLimits } from './limits';
import type { CellScalar } from './normalise';
import { SheetTables, type TableOptions } from './table.builder';
import { useTempDir, writeWorkbook } from './testing.fixtures';

/** Small caps, so that a few hundred rows go past every one of them: kept, typed, exact. */
const SMALL = { distinctExactCap: 40, distinctTypedCap: 8, valueSampleCap: 12 };
const DEFAULTS: TableOptions = {
  distinctExactCap: DEFAULT_LIMITS.distinctExactCap,
  distinctTypedCap: DEFAULT_LIMITS.distinctTypedCap,
  valueSampleCap: DEFAULT_LIMITS.valueSampleCap,
  wasm: true,
};

function columns(width: number): ColumnAccumulator[] {
  const { distinctExactCap, distinctTypedCap, valueSampleCap } = DEFAULTS;
  return Array.from(
    { length: width },
    () => new ColumnAccumulator(distinctExactCap, distinctTypedCap, valueSampleCap),
  );
}

/** A file's tables read with the WebAssembly modules, and by the JavaScript alone. */
async function bothPaths(path: string, limits: Partial<FingerprintLimits> = {}) {
  const wasm = await fingerprintFile(path, { limits });
  const js = await fingerprintWith(path, { limits }, { byteHashing: true, wasm: false });
  return { wasm: wasm.tables, js: js.tables };
}

const tmp = useTempDir();

describe('column counting in WebAssembly', () => {
  it('is built and takes a table of ordinary width', () => {
    const table = WasmTable.open(columns(12), DEFAULTS);
    if (!table) throw new Error('columns.wasm is not built: run `npm run build` (npm test does)');
    table.close();
  });

  const word = fc.constantFrom('Paris', 'lyon', 'BERLIN', 'Oslo', 'yes', 'N', 'TRUE', 'n/a');
  const cell = fc.oneof(
    word,
    fc.integer({ min: -50, max: 50 }).map(String),
    fc.integer({ min: 0, max: 5000 }).map((n) => `item ${n}`),
    fc.integer({ min: 0, max: 5000 }).map((n) => `${(n * 1.37).toFixed(2)}`),
    fc.integer({ min: 0, max: 400 }).map((n) => `2024-${(n % 12) + 1}-${(n % 28) + 1}`),
    fc.integer({ min: 0, max: 999 }).map((n) => `00${n}`),
    fc.integer({ min: 0, max: 999 }).map((n) => `user${n}@example.com`),
    fc.constantFrom('Zürich', 'São Paulo', '  spaced  out ', '€ 12.50', ''),
  );
  const table = fc.record({
    width: fc.integer({ min: 1, max: 6 }),
    rows: fc.array(fc.array(cell, { minLength: 6, maxLength: 6 }), { maxLength: 400 }),
    // Rows left blank, to make gaps (a gap before a row of labels can start another table).
    blanks: fc.array(fc.nat({ max: 400 }), { maxLength: 4 }),
    title: fc.boolean(),
  });

  it('classifies sampled text as the JavaScript does, or leaves it to the JavaScript (property)', () => {
    // Pieces that reach every branch: numbers in every form, separators of dates, e-mail addresses and
    // links, phone numbers, codes, boolean words, case, spacing, control and non-ASCII characters.
    const piece = fc.constantFrom(
      ..."aAzZeEhfwy019+-.,@:/#_%$()' \t".split(''),
      'http://',
      'https://',
      'ftp://',
      'www.',
      'true',
      'FALSE',
      'yes',
      'no',
      '2024',
      '12',
      '0.50',
      '-0',
      'usd',
      'x'.repeat(30),
      '\u007f',
      'é',
    );
    const number = (digits: number) =>
      fc
        .tuple(fc.integer({ min: 0, max: 10 ** digits - 1 }), fc.boolean())
        .map(([n, padded]) => (padded ? String(n).padStart(digits, '0') : String(n)));
    const separator = fc.constantFrom('-', '/', '.', ' ', '. ', ', ');
    const month = fc.constantFrom('mar', 'March', 'sept', 'dec', 'abc');
    const of = (characters: string, maxLength: number) =>
      fc
        .array(fc.constantFrom(...characters.split('')), { minLength: 1, maxLength, size: 'max' })
        .map((c) => c.join(''));
    const text = fc.oneof(
      fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => p.join('')),
      // Phone numbers (7 to 15 digits) and numbers (signs, zeros, fractions).
      of('0123456789 +-()', 24),
      of('0123456789+-.', 10),
      // Dates in every form the JavaScript reads, and text that ends like one.
      fc.tuple(number(4), separator, number(2), separator, number(2)).map((parts) => parts.join('')),
      fc
        .tuple(number(2), separator, fc.oneof(number(2), month), separator, number(5))
        .map((parts) => parts.join('')),
      fc
        .tuple(
          fc.oneof(month, fc.constantFrom('customer', 'follow up')),
          separator,
          number(2),
          separator,
          number(5),
        )
        .map((parts) => parts.join('')),
    );
    let classified = 0;
    let runs = 0;
    fc.assert(
      fc.property(text, (raw) => {
        const bytes = Buffer.from(raw, 'latin1');
        const module = classifyInModule(bytes);
        if (!module) throw new Error('columns.wasm is not built: run `npm run build` (npm test does)');
        runs++;
        if (module.fits < 0) return;
        classified++;
        const norm = normaliseText(bytes.toString('latin1'));
        expect(module.fits).toBe(textFits(norm));
        const shapes = new ShapeTable();
        shapes.add(norm);
        expect(shapes.findHashed(module.shapeHash, module.shapeCheck)).toBe(0);
      }),
      { numRuns: 20_000 },
    );
    // Most text is classified there: the comparison above is not an empty one.
    expect(classified / runs).toBeGreaterThan(0.3);
    // And the common forms are, each: numbers (a sign and zeros dropped), addresses, phones, codes.
    for (const raw of ['+1.50', '-0.0', 'User@Example.com', '+33 1 23 45 67 89', 'AB-1234', 'Paris']) {
      expect([raw, classifyInModule(Buffer.from(raw))?.fits]).toEqual([raw, textFits(normaliseText(raw))]);
    }
  });

  it('profiles CSV files as the JavaScript does, past every cap (property)', async () => {
    const path = tmp.path('property.csv');
    await fc.assert(
      fc.asyncProperty(table, async ({ width, rows, blanks, title }) => {
        const header = Array.from({ length: width }, (_, c) => `column ${c}`);
        const lines = rows.map((r, i) => (blanks.includes(i) ? '' : r.slice(0, width).join(',')));
        await writeFile(path, [...(title ? ['Report'] : []), header.join(','), ...lines].join('\n'));
        const { wasm, js } = await bothPaths(path, SMALL);
        expect(wasm).toEqual(js);
      }),
      { numRuns: 60 },
    );
  });

  it('profiles rows given cell by cell (dates, numbers, booleans) as the JavaScript does (property)', () => {
    const value: fc.Arbitrary<CellScalar> = fc.oneof(
      cell,
      fc.integer({ min: -1000, max: 1000 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2020, 0, 1 + d))),
      fc.boolean(),
      fc.constant(null),
    );
    const read = (rows: CellScalar[][], wasm: boolean) => {
      const sheet = new SheetTables('Sheet1', { ...SMALL, wasm });
      sheet.addRow(
        1,
        ['a', 'b', 'c', 'd'].map((name, i) => ({ column: i + 1, value: name })),
      );
      rows.forEach((values, r) => {
        sheet.addRow(
          r + 2,
          values.flatMap((v, i) => (v === null ? [] : [{ column: i + 1, value: v }])),
        );
      });
      return sheet.finish();
    };
    fc.assert(
      fc.property(fc.array(fc.array(value, { minLength: 4, maxLength: 4 }), { maxLength: 300 }), (rows) => {
        expect(read(rows, true)).toEqual(read(rows, false));
      }),
      { numRuns: 200 },
    );
  });

  it('profiles a workbook (shared strings, number formats, dates, hidden rows) as the JavaScript does', async () => {
    const path = tmp.path('formats.xlsx');
    await writeWorkbook(path, (wb) => {
      const ws = wb.addWorksheet('Data');
      ws.getColumn(3).numFmt = '#,##0.00 [$€-407]';
      ws.getColumn(4).numFmt = 'yyyy-mm-dd';
      ws.getColumn(5).numFmt = '0.0%';
      ws.addRow(['id', 'city', 'amount', 'joined', 'share', 'note']);
      for (let i = 0; i < 3000; i++) {
        const row = ws.addRow([
          i,
          ['Paris', 'Lyon', 'Zürich'][i % 3],
          (i * 7919) % 1000,
          new Date(Date.UTC(2020, i % 12, 1 + (i % 28))),
          (i % 100) / 100,
          i % 7 === 0 ? `note ${i}` : null,
        ]);
        if (i % 500 === 0) row.hidden = true;
        // A column whose number format changes part-way, so that the formats are counted in turns.
        if (i % 1000 > 900) row.getCell(3).numFmt = '0.00';
      }
    });
    for (const limits of [SMALL, {}]) {
      const { wasm, js } = await bothPaths(path, limits);
      expect(wasm).toEqual(js);
    }
  });

  it('counts the sheets of a workbook one after another in one instance, as the JavaScript does', async () => {
    const path = tmp.path('sheets.xlsx');
    await writeWorkbook(path, (wb) => {
      for (let s = 0; s < 8; s++) {
        const ws = wb.addWorksheet(`Sheet ${s}`);
        ws.addRow(['id', 'name', 'amount']);
        for (let i = 0; i < 200; i++) ws.addRow([i, `name ${(i * s) % 37}`, i * s]);
      }
    });
    await fingerprintFile(path);
    const before = columnsModules();
    const { wasm, js } = await bothPaths(path, SMALL);
    expect(wasm).toHaveLength(8);
    expect(wasm).toEqual(js);
    // Each sheet's table gave its instance back when the next sheet started: none was made for it.
    expect(columnsModules()).toEqual(before);
  });

  it('leaves a table too wide for its memory to the JavaScript, with the same profile', async () => {
    const width = 300;
    const accumulators = columns(width);
    expect(WasmTable.open(accumulators, DEFAULTS)).toBeNull();
    // A narrower one still fits after that refusal: the instance went back unchanged.
    const narrow = WasmTable.open(accumulators.slice(0, 20), DEFAULTS);
    expect(narrow).not.toBeNull();
    narrow?.close();

    const path = tmp.path('wide.csv');
    const header = Array.from({ length: width }, (_, c) => `c${c}`).join(',');
    const rows = Array.from({ length: 50 }, (_, r) =>
      Array.from({ length: width }, (_, c) => (r * c) % 17).join(','),
    );
    await writeFile(path, [header, ...rows].join('\n'));
    const { wasm, js } = await bothPaths(path);
    expect(wasm[0].columns).toHaveLength(width);
    expect(wasm).toEqual(js);
  });
});
