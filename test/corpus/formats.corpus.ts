import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TableFingerprint } from '@shadowscan/domain';
import { fingerprintFile, streamTableRows } from '@shadowscan/fingerprint';
import * as Papa from 'papaparse';
import { agrees } from './excel-display';

const CORPORA = path.join(__dirname, '..', '..', '..', 'shared', 'corpora');
const SPECTRUM = path.join(CORPORA, 'csv-spectrum');
const PHP = path.join(CORPORA, 'phpspreadsheet-csv');
const SHEETJS = path.join(CORPORA, 'sheetjs');
const BASELINE = path.join(SHEETJS, 'excel-2011-baseline');

/** Header names and every data row of every table, as text ('' for empty). */
async function readAll(file: string): Promise<Array<{ table: TableFingerprint; rows: string[][] }>> {
  const fp = await fingerprintFile(file);
  const out = [];
  for (const table of fp.tables) {
    const rows: string[][] = [];
    for await (const r of streamTableRows(file, table))
      rows.push(r.values.map((v) => (v === null ? '' : String(v))));
    out.push({ table, rows });
  }
  return out;
}

describe('csv-spectrum: every file parses exactly as its json/', () => {
  const names = existsSync(SPECTRUM) ? readdirSync(path.join(SPECTRUM, 'csvs')) : [];
  it('finds the corpus', () => expect(names.length).toBeGreaterThanOrEqual(10));

  it.each(names)('%s', async (name) => {
    const expected = JSON.parse(
      readFileSync(path.join(SPECTRUM, 'json', name.replace(/\.csv$/, '.json')), 'utf8'),
    ) as Array<Record<string, string>>;
    const file = path.join(SPECTRUM, 'csvs', name);
    // This copy of newlines_crlf.csv has plain LF line breaks (normalised in transit); its json still says CRLF.
    if (!readFileSync(file, 'latin1').includes('\r')) {
      for (const record of expected)
        for (const k of Object.keys(record)) record[k] = record[k].replace(/\r\n/g, '\n');
    }
    const [only] = await readAll(file);
    const header = only.table.columns.map((c) => c.name);
    expect(header).toEqual(Object.keys(expected[0]));
    expect(only.rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))).toEqual(expected);
  });
});

describe('phpspreadsheet-csv: every file decodes to the right text', () => {
  const PREMIERE = [
    ['première', 'second', 'troisième'],
    ['Quatrième', 'cinquième', 'sixième'],
  ];
  const premiere = [
    'premiere.utf8.csv',
    'premiere.utf8bom.csv',
    'premiere.utf16be.csv',
    'premiere.utf16bebom.csv',
    'premiere.utf16le.csv',
    'premiere.utf16lebom.csv',
    'premiere.utf32be.csv',
    'premiere.utf32bebom.csv',
    'premiere.utf32le.csv',
    'premiere.utf32lebom.csv',
    'premiere.win1252.csv',
  ];
  it.each(premiere)('%s', async (name) => {
    const [only] = await readAll(path.join(PHP, name));
    const rows = [only.table.columns.map((c) => c.name), ...only.rows];
    // The BOM-less UTF-16 LE file carries a third line: a surrogate pair and the two non-characters.
    if (name === 'premiere.utf16le.csv') expect(rows.pop()).toEqual(['\u{10400}', '\ufffe', '\uffff']);
    expect(rows).toEqual(PREMIERE);
  });

  const encoding = [
    'encoding.iso88591.csv',
    'encoding.utf16be.csv',
    'encoding.utf16le.csv',
    'encoding.utf32be.csv',
    'encoding.utf32le.csv',
    'encoding.utf8.csv',
    'encoding.utf8bom.csv',
  ];
  it.each(encoding)('%s', async (name) => {
    const [only] = await readAll(path.join(PHP, name));
    expect([only.table.columns.map((c) => c.name), ...only.rows]).toEqual([
      ['Å', '1'],
      ['2', '3'],
    ]);
  });

  it.each(['linend.mac.csv', 'linend.unix.csv', 'linend.win.csv'])('%s splits lines', async (name) => {
    const [only] = await readAll(path.join(PHP, name));
    expect(only.rows.length + 1).toBe(
      readFileSync(path.join(PHP, name), 'latin1')
        .split(/\r\n|\r|\n/)
        .filter((l) => l.trim()).length,
    );
  });

  it('keeps line breaks inside quotes, whatever the encoding', async () => {
    const a = await readAll(path.join(PHP, 'line_break_in_enclosure.csv'));
    const b = await readAll(path.join(PHP, 'utf16be.line_break_in_enclosure.csv'));
    expect(b.map((t) => t.rows)).toEqual(a.map((t) => t.rows));
    expect(b.map((t) => t.table.columns)).toEqual(a.map((t) => t.table.columns));
    expect(a[0].rows.flat().some((v) => v.includes('\n'))).toBe(true);
    const c = await readAll(path.join(PHP, 'line_break_escaped_32le.csv'));
    expect(c[0].table.columns.map((x) => x.name)).toEqual(['Name', 'Copy', 'URL']);
    expect(c[0].rows[0][1]).toMatch(
      /^This is a "test csv file"\r?\nwith both "line breaks"\r?\nand "escaped\r?\nquotes" tha/,
    );
  });

  it("honours Excel's sep= line and sniffs semicolons", async () => {
    const [sep] = await readAll(path.join(PHP, 'sep.csv'));
    expect([sep.table.columns.map((c) => c.name), ...sep.rows]).toEqual([
      ['A', '1'],
      ['2', '3'],
    ]);
    const [semi] = await readAll(path.join(PHP, 'semicolon_separated.csv'));
    expect(semi.table.columns.length).toBeGreaterThan(1);
  });

  const all = existsSync(PHP) ? readdirSync(PHP).filter((f) => f.endsWith('.csv')) : [];
  it.each(all)('%s has no undecodable character', async (name) => {
    for (const { table, rows } of await readAll(path.join(PHP, name))) {
      for (const text of [...table.columns.map((c) => c.name), ...rows.flat()]) {
        // No replacement character, NUL, or C1 control (Windows-1252 bytes decoded as Latin-1).
        const bad = Array.from(text).filter((ch) => {
          const code = ch.charCodeAt(0);
          return ch === '\ufffd' || code === 0 || (code >= 0x80 && code <= 0x9f);
        });
        expect(bad).toEqual([]);
      }
    }
  });
});

interface SheetAgreement {
  file: string;
  sheet: string;
  agree: boolean;
  detail?: string;
}

/**
 * Excel 2011's own CSV of each sheet is the reference: the header and the first 20 rows we read must
 * show the same values cell by cell, once number and date display are normalised.
 */
describe('excel-2011-baseline: header and first 20 rows agree with what Excel exported', () => {
  const results: SheetAgreement[] = [];
  const workbooks = existsSync(BASELINE)
    ? readdirSync(BASELINE)
        .filter((f) => f.endsWith('.sheetnames'))
        .map((f) => f.replace(/\.sheetnames$/, ''))
        .filter((f) => existsSync(path.join(SHEETJS, f)))
    : [];

  afterAll(() => {
    const agreed = results.filter((r) => r.agree).length;
    const pct = results.length ? (100 * agreed) / results.length : 0;
    const lines = results.filter((r) => !r.agree).map((r) => `  ✗ ${r.file} [${r.sheet}]: ${r.detail}`);
    process.stdout.write(
      `excel-2011-baseline agreement: ${agreed}/${results.length} sheets = ${pct.toFixed(1)}%\n${lines.join('\n')}\n`,
    );
  });

  it('finds the baseline', () => expect(workbooks.length).toBeGreaterThan(30));

  it.each(workbooks)('%s', async (name) => {
    const file = path.join(SHEETJS, name);
    const sheetNames = readFileSync(path.join(BASELINE, `${name}.sheetnames`), 'utf8')
      .split(/\r?\n/)
      .filter(Boolean);
    let fp;
    try {
      fp = await fingerprintFile(file);
    } catch (e) {
      // Password-protected workbooks have no readable sheets to compare; Excel needed the password.
      expect(e).toMatchObject({ name: 'UnreadableFileError', code: 'encrypted' });
      return;
    }
    for (const [n, sheet] of sheetNames.entries()) {
      const csvPath = path.join(BASELINE, `${name}.${n}.csv`);
      if (!existsSync(csvPath)) continue;
      const excel = Papa.parse<string[]>(windows1252(readFileSync(csvPath)), {
        delimiter: ',',
        skipEmptyLines: false,
      }).data;
      results.push({
        file: name,
        sheet,
        ...(await compareSheet(
          file,
          fp.tables.filter((t) => t.sheet === sheet),
          excel,
        )),
      });
    }
  });

  it('agrees on at least 95% of the sheets', () => {
    expect(results.length).toBeGreaterThan(80);
    expect(results.filter((r) => r.agree).length / results.length).toBeGreaterThanOrEqual(0.95);
  });
});

async function compareSheet(
  file: string,
  tables: TableFingerprint[],
  excel: string[][],
): Promise<{ agree: boolean; detail?: string }> {
  const firstContent = (cells: string[][]) => {
    let row = Infinity;
    let column = Infinity;
    cells.forEach((r, i) =>
      r.forEach((c, j) => {
        if (c.trim() === '') return;
        row = Math.min(row, i + 1);
        column = Math.min(column, j + 1);
      }),
    );
    return { row, column };
  };
  const excelStart = firstContent(excel);
  if (tables.length === 0) {
    return excelStart.row === Infinity ? { agree: true } : { agree: false, detail: 'no table found' };
  }
  const ranges = tables.map((t) => parseA1(t.range));
  // Excel exports the used range, which starts at A1 or at the first used cell: try both alignments.
  const ourStart = {
    row: Math.min(...ranges.map((r) => r.firstRow)),
    column: Math.min(...ranges.map((r) => r.firstColumn)),
  };
  const shifts = [{ row: 0, column: 0 }];
  if (excelStart.row !== Infinity) {
    shifts.push({ row: ourStart.row - excelStart.row, column: ourStart.column - excelStart.column });
  }
  let first: { agree: boolean; detail?: string } | null = null;
  for (const shift of shifts) {
    const excelCell = (row: number, column: number) =>
      (excel[row - 1 - shift.row]?.[column - 1 - shift.column] ?? '').trim();
    const result = await compareTables(file, tables, excelCell);
    if (result.agree) return result;
    first ??= result;
  }
  return first as { agree: boolean; detail?: string };
}

async function compareTables(
  file: string,
  tables: TableFingerprint[],
  excelCell: (row: number, column: number) => string,
): Promise<{ agree: boolean; detail?: string }> {
  for (const table of tables) {
    const { firstColumn: first, lastColumn } = parseA1(table.range);
    const at = (row: number, c: number) => `${colName(first + c)}${row}`;
    // The header row's raw cells, through the same row stream (a one-row "table" on the header).
    const headerRange = `${colName(first)}${table.headerRow}:${colName(lastColumn)}${table.headerRow}`;
    const header = { ...table, range: headerRange, dataStartRow: table.headerRow };
    for await (const { row, values } of streamTableRows(file, header)) {
      for (const [c, value] of values.entries()) {
        if (!agrees(value, excelCell(row, first + c))) {
          return {
            agree: false,
            detail: `header ${at(row, c)}: read ${JSON.stringify(value)}, Excel shows ${JSON.stringify(excelCell(row, first + c))}`,
          };
        }
      }
    }
    const compared: Array<{ row: number; values: unknown[] }> = [];
    for await (const r of streamTableRows(file, table)) {
      compared.push(r);
      if (compared.length === 20) break;
    }
    const lastRow = compared.length ? compared[compared.length - 1].row : table.headerRow;
    const seen = new Set(compared.map((r) => r.row));
    for (let row = table.dataStartRow ?? table.headerRow + 1; row <= lastRow; row++) {
      if (seen.has(row)) continue;
      for (let c = 0; c < table.columns.length; c++) {
        const shown = excelCell(row, first + c);
        if (shown !== '' && !/^#/.test(shown))
          return {
            agree: false,
            detail: `row ${row} skipped but Excel shows ${JSON.stringify(shown)} at ${at(row, c)}`,
          };
      }
    }
    for (const { row, values } of compared) {
      for (let c = 0; c < values.length; c++) {
        const shown = excelCell(row, first + c);
        if (!agrees(values[c], shown)) {
          return {
            agree: false,
            detail: `${at(row, c)}: read ${JSON.stringify(values[c])}, Excel shows ${JSON.stringify(shown)}`,
          };
        }
      }
    }
  }
  return { agree: true };
}

function parseA1(range: string): {
  firstColumn: number;
  firstRow: number;
  lastColumn: number;
  lastRow: number;
} {
  const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(range);
  if (!m) throw new Error(`bad range ${range}`);
  return {
    firstColumn: letters(m[1]),
    firstRow: Number(m[2]),
    lastColumn: letters(m[3]),
    lastRow: Number(m[4]),
  };
}

function letters(s: string): number {
  let n = 0;
  for (const ch of s) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

function colName(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Excel 2011 wrote its CSV in Windows-1252; Node's own decoder treats 0x80-0x9F as Latin-1. */
function windows1252(bytes: Buffer): string {
  const high =
    '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
    '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';
  return bytes.toString('latin1').replace(/[\x80-\x9f]/g, (c) => high[c.charCodeAt(0) - 0x80]);
}
