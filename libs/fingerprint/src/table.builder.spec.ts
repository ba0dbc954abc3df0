import * as fc from 'fast-check';
import { CellBatch } from './cell.batch';
import type { CellScalar } from './normalise';
import { SheetTables, schemaHash } from './table.builder';

/** rows: [rowNumber, [column letter index from 1, value]...] */
function build(rows: Array<[number, CellScalar[]]>, cap = 100) {
  const builder = new SheetTables('Sheet1', { valueSampleCap: cap });
  for (const [rowNumber, values] of rows) {
    builder.addRow(
      rowNumber,
      values.flatMap((value, i) => (value === null ? [] : [{ column: i + 1, value }])),
    );
  }
  return builder.finish()[0] ?? null;
}

describe('TableBuilder', () => {
  it('returns null for a sheet without non-empty cells', () => {
    expect(build([])).toBeNull();
    expect(build([[1, ['  ', null, '']]])).toBeNull();
  });

  it('uses the first non-empty row as header', () => {
    const t = build([
      [2, [null, 'a', 'b']],
      [3, [null, 1, 2]],
    ])!;
    expect(t).toMatchObject({ headerRow: 2, range: 'B2:C3', rowCount: 1 });
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('skips a title row when a wider row follows within five rows', () => {
    const t = build([
      [1, ['Quarterly report']],
      [2, ['generated today']],
      [6, ['id', 'name']],
      [7, [1, 'x']],
    ])!;
    expect(t).toMatchObject({ headerRow: 6, range: 'A6:B7', rowCount: 1 });
  });

  it('takes a lone line far above a header for the title', () => {
    const t = build([
      [1, ['Title']],
      [7, ['id', 'name']],
      [8, [1, 'x']],
    ])!;
    expect(t).toMatchObject({ headerRow: 7, title: 'Title', rowCount: 1, range: 'A7:B8' });
  });

  it('keeps a lone first row as header when data, not a header, follows it', () => {
    const t = build([
      [1, ['Title']],
      [7, [5, 6]],
      [8, [1, 'x']],
    ])!;
    expect(t.headerRow).toBe(1);
    // The data's second column has no name, and is kept.
    expect(t.columns.map((c) => c.name)).toEqual(['Title', 'column_B']);
    expect(t.rowCount).toBe(2);
    expect(t.range).toBe('A1:B8');
    expect(t.columns[1]).toMatchObject({ distinct: 2, values: ['6', 'x'] });
  });

  it('treats a one-column sheet as a one-column table', () => {
    const t = build([
      [1, ['email']],
      [2, ['a@x.io']],
      [3, ['b@x.io']],
    ])!;
    expect(t).toMatchObject({ headerRow: 1, rowCount: 2, range: 'A1:A3' });
    expect(t.columns[0]).toMatchObject({ type: 'email', distinct: 2 });
  });

  it('names blank and duplicate headers', () => {
    const t = build([[1, ['Name', null, 'name', 'Name (2)', 'NAME', 'x']]])!;
    expect(t.columns.map((c) => c.name)).toEqual([
      'Name',
      'column_B',
      'name (2)',
      'Name (2) (2)',
      'NAME (3)',
      'x',
    ]);
  });

  it("takes in a data row's values right beside the header as unnamed columns, and skips empty rows", () => {
    const t = build([
      [1, [null, 'a', 'b']],
      [2, [null, 1, null]],
      [3, ['left', null, null, 'right', 'next']],
      [4, [null, ' ', null]],
    ])!;
    expect(t.rowCount).toBe(2);
    expect(t.range).toBe('A1:E3');
    expect(t.columns.map((c) => c.name)).toEqual(['column_A', 'a', 'b', 'column_D', 'column_E']);
    expect(t.columns.map((c) => c.index)).toEqual([0, 1, 2, 3, 4]);
    expect(t.columns[0]).toMatchObject({ nullRatio: 0.5, distinct: 1, values: ['left'] });
    expect(t.columns[1]).toMatchObject({ nullRatio: 0.5, distinct: 1, values: ['1'] });
    expect(t.columns[2]).toMatchObject({
      type: 'empty',
      nullRatio: 1,
      distinct: 0,
      values: [],
      typeShare: 0,
    });
    expect(t.columns[3]).toMatchObject({ nullRatio: 0.5, distinct: 1, values: ['right'] });
    expect(t.columns[4]).toMatchObject({ nullRatio: 0.5, distinct: 1, values: ['next'] });
  });

  it('leaves out a note past a blank column, and every column beyond it, for all rows', () => {
    const t = build([
      [1, ['a', 'b']],
      [2, [1, 2, null, 'note']], // D: past the blank C
      [3, [3, 4, 'x']], // C touches the table
      [4, [5, 6, 'y', 'later']], // D touches it now, but was left out: a column is in for all rows or none
      [5, [null, null, null, 'only a note']], // nothing in the table's columns: not a row of it
      [6, [7, 8]],
    ])!;
    expect(t.range).toBe('A1:C6');
    expect(t.rowCount).toBe(4);
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b', 'column_C']);
    expect(t.columns[2]).toMatchObject({ nullRatio: 0.5, values: ['x', 'y'] });
  });

  it('names an unnamed column apart from a header that already reads column_A', () => {
    const t = build([
      [1, [null, 'column_A', 'b']],
      [2, ['x', 1, 2]],
    ])!;
    expect(t.columns.map((c) => c.name)).toEqual(['column_A (2)', 'column_A', 'b']);
  });

  it('counts distinct normalised values and keeps a first-seen sample', () => {
    const t = build(
      [
        [1, ['v']],
        [2, ['B']],
        [3, ['a']],
        [4, [' b ']],
        [5, ['c']],
        [6, [null]],
      ],
      2,
    )!;
    expect(t.columns[0]).toMatchObject({ distinct: 3, values: ['b', 'a'] });
    expect(t.rowCount).toBe(4);
  });

  it('reports a header-only table with no rows', () => {
    const t = build([[3, ['a', 'b']]])!;
    expect(t).toMatchObject({ rowCount: 0, range: 'A3:B3' });
    expect(t.columns[0].nullRatio).toBe(0);
  });
});

describe('schemaHash', () => {
  it('depends on normalised names and types only', () => {
    const a = schemaHash([
      { name: 'Customer  ID', type: 'id' },
      { name: 'Name', type: 'string' },
    ]);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(
      schemaHash([
        { name: ' customer id', type: 'id' },
        { name: 'NAME', type: 'string' },
      ]),
    ).toBe(a);
    expect(
      schemaHash([
        { name: 'Customer ID', type: 'integer' },
        { name: 'Name', type: 'string' },
      ]),
    ).not.toBe(a);
    expect(
      schemaHash([
        { name: 'Name', type: 'string' },
        { name: 'Customer ID', type: 'id' },
      ]),
    ).not.toBe(a);
  });
});

describe('TableBuilder: rows one by one and in batches (property)', () => {
  // Labels, numbers and blanks in a few columns, with gaps between rows: titles, headers, totals,
  // notes beside a table and several tables per sheet all come up.
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.integer({ min: -5, max: 40 }) },
    { weight: 2, arbitrary: fc.constantFrom('id', 'name', 'Total', 'note', 'x', 'y', 'Paris') },
  );
  const sheet = fc.array(
    fc.tuple(
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
      ),
      fc.array(value, { minLength: 1, maxLength: 6 }),
    ),
    { minLength: 1, maxLength: 220 },
  );

  /** Small caps, so that values past the exact cap and sampled values come up too. */
  const finder = (wasm: boolean) =>
    new SheetTables('S', { valueSampleCap: 5, distinctExactCap: 8, distinctTypedCap: 4, wasm });

  function byRows(rows: Array<[number, CellScalar[]]>, wasm: boolean) {
    const tables = finder(wasm);
    for (const [rowNumber, values] of rows)
      tables.addRow(
        rowNumber,
        values.flatMap((v, i) => (v === null ? [] : [{ column: i + 1, value: v }])),
      );
    return tables.finish();
  }

  function byBatch(rows: Array<[number, CellScalar[]]>, wasm: boolean) {
    const tables = finder(wasm);
    const batch = new CellBatch();
    for (const [rowNumber, values] of rows) {
      batch.startRow(rowNumber, false);
      values.forEach((v, i) => {
        if (v !== null) batch.addValue(i + 1, v);
      });
    }
    tables.addBatch(batch);
    return tables.finish();
  }

  it('finds the same tables and profiles either way, in WebAssembly or not', () => {
    fc.assert(
      fc.property(sheet, (steps) => {
        let rowNumber = 0;
        const rows = steps.map(([step, values]): [number, CellScalar[]] => [(rowNumber += step), values]);
        const expected = byRows(rows, false);
        expect(byBatch(rows, false)).toEqual(expected);
        expect(byBatch(rows, true)).toEqual(expected);
        expect(byRows(rows, true)).toEqual(expected);
      }),
      {
        numRuns: 300,
        examples: [
          // Found by this test: a second header line's new column read the first line's counting's
          // state for a column it did not have (a numeric range of 0..0 in an empty column).
          [
            [
              [1, ['x', 'y', null]],
              [1, ['x', 'y', 'z']],
              [1, [0]],
            ],
          ],
        ],
      },
    );
  });
});
