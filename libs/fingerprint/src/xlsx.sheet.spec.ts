import * as fc from 'fast-check';
import { hash32 } from '@shadowscan/domain';
import { rowEvents } from './cell.batch';
import { SharedStrings } from './shared-strings';
import {
  HASHED_NUMBER,
  ROW_FLAG,
  ScanStop,
  SHARED_INDEX,
  type SheetScanner,
  sheetScanner,
} from './sheet.scan';
import type { RowEvent } from './sheet.source';
import { checkHash } from './value.hash';
import { emptyExtras, readSharedStrings, readSheetRows, type WorkbookContext } from './xlsx.sheet';

const HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols><col min="3" max="3" hidden="1"/></cols><sheetData>';
const TAIL = '</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>';

/** Rows of every cell kind the reader knows, with what it must read from each. */
const ROWS = [
  '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Ünïcödé &amp; co</t></is></c></row>',
  '<row r="2"><c r="A2"><v>42</v></c><c r="B2" s="1"><v>45000</v></c><c r="C2" t="str"><f>A2*2</f><v>84 &lt;x&gt;</v></c></row>',
  '<row r="4" hidden="1"><c r="A4" t="b"><v>1</v></c><c r="B4" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C4"><v>-12.5</v></c></row>',
  '<row r="5"><c r="A5" t="d"><v>2024-03-01T00:00:00</v></c><c r="B5"/><c r="C5" t="s"><v>2</v></c></row>',
  '<row r="6"/>',
  '<row r="7"><c t="s"><v>1</v></c><c><v>7</v></c></row>',
];

const STRINGS =
  '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<si><t>Paris</t></si><si><t xml:space="preserve"> Lyon </t></si>' +
  '<si><r><t>Ber</t></r><r><rPr><b/></rPr><t>lin</t></r><rPh><t>ignored</t></rPh></si><si/>' +
  '<si><t>a_x000D_b &amp; ü</t></si><si><t/></si><si><t/><r><t>x</t></r></si><si><t>tail</t></si></sst>';

async function* cut(bytes: Buffer, points: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const p of points) {
    yield bytes.subarray(at, p);
    at = p;
  }
  yield bytes.subarray(at);
}

function cutPoints(length: number, cuts: number[]): number[] {
  return [...new Set(cuts.map((c) => c % (length + 1)))].sort((a, b) => a - b);
}

async function readAll(
  bytes: Buffer,
  points: number[],
  strings: SharedStrings,
  scanner: SheetScanner | null | undefined = undefined,
) {
  const book: WorkbookContext = {
    sharedStrings: strings,
    styleKinds: ['general', 'date'],
    date1904: false,
    scanner,
  };
  const extras = emptyExtras();
  const rows: RowEvent[] = [];
  for await (const batch of readSheetRows(cut(bytes, points), book, extras)) rows.push(...rowEvents(batch));
  return {
    rows: rows.map((r) => ({
      rowNumber: r.rowNumber,
      hidden: r.hidden ?? false,
      cells: r.cells.map((c) => [c.column, c.value instanceof Date ? c.value.toISOString() : c.value]),
    })),
    extras,
  };
}

describe('worksheet reader', () => {
  const sheet = Buffer.from(HEAD + ROWS.join('') + TAIL, 'utf8');

  it('reads values, types, hidden rows, formulas, errors, hidden columns and merges', async () => {
    const strings = await readSharedStrings(cut(Buffer.from(STRINGS), []), 100);
    const { rows, extras } = await readAll(sheet, [], strings);
    expect(rows).toEqual([
      {
        rowNumber: 1,
        hidden: false,
        cells: [
          [1, 'Paris'],
          [2, ' Lyon '],
          [3, 'Ünïcödé & co'],
        ],
      },
      {
        rowNumber: 2,
        hidden: false,
        cells: [
          [1, 42],
          [2, '2023-03-15T00:00:00.000Z'],
          [3, '84 <x>'],
        ],
      },
      {
        rowNumber: 4,
        hidden: true,
        cells: [
          [1, true],
          [3, -12.5],
        ],
      },
      {
        rowNumber: 5,
        hidden: false,
        cells: [
          [1, '2024-03-01T00:00:00.000Z'],
          [3, 'Berlin'],
        ],
      },
      { rowNumber: 6, hidden: false, cells: [] },
      {
        rowNumber: 7,
        hidden: false,
        cells: [
          [1, ' Lyon '],
          [2, 7],
        ],
      },
    ]);
    expect(extras).toEqual({
      hiddenColumns: [3],
      merges: ['A1:B1'],
      protected: false,
      formulas: 2,
      errorCells: 1,
    });
  });

  it('reads parts whose elements carry a namespace prefix (x:c, x:v) as it reads plain ones, however cut (property)', async () => {
    // Cut right after the XML declaration, the first chunk says nothing of the root's prefix yet.
    const prefix = (xml: string) =>
      Buffer.from(xml.replace(/<(\/?)([a-zA-Z]+)/g, '<$1x:$2').replace('xmlns=', 'xmlns:x='), 'utf8');
    const prefixed = prefix(sheet.toString('utf8'));
    const prefixedStrings = prefix(STRINGS);
    expect(prefixed.toString()).toContain('<x:c r="A2"><x:v>42</x:v></x:c>');
    const plainStrings = await readSharedStrings(cut(Buffer.from(STRINGS), []), 100);
    const whole = await readAll(sheet, [], plainStrings);
    const texts = (strings: SharedStrings) =>
      Array.from({ length: strings.length }, (_, i) => strings.get(i));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
        const strings = await readSharedStrings(
          cut(prefixedStrings, cutPoints(prefixedStrings.length, cuts)),
          100,
        );
        expect(texts(strings)).toEqual(texts(plainStrings));
        expect(await readAll(prefixed, cutPoints(prefixed.length, cuts), strings)).toEqual(whole);
      }),
      {
        numRuns: 200,
        examples: [[[prefixed.indexOf('<x:worksheet')]], [[prefixedStrings.indexOf('<x:sst')]]],
      },
    );
  });

  it('gives the same rows and counts however the inflated bytes are cut, even inside a character (property)', async () => {
    const strings = await readSharedStrings(cut(Buffer.from(STRINGS), []), 100);
    const whole = await readAll(sheet, [], strings);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
        const parts = await readAll(sheet, cutPoints(sheet.length, cuts), strings);
        expect(parts).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('reads shared strings the same however they are cut: plain, rich, phonetic, empty and escaped items (property)', async () => {
    const bytes = Buffer.from(STRINGS, 'utf8');
    // An empty <t/> followed by runs is one item, not two.
    const expected = ['Paris', ' Lyon ', 'Berlin', '', 'a\rb & ü', '', 'x', 'tail'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 10 }), async (cuts) => {
        const strings = await readSharedStrings(cut(bytes, cutPoints(bytes.length, cuts)), 100);
        expect(Array.from({ length: strings.length }, (_, i) => strings.get(i))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a part that ends inside its cell data', async () => {
    const truncated = Buffer.from(HEAD + ROWS[0] + ROWS[1].slice(0, 30), 'utf8');
    await expect(readAll(truncated, [], new SharedStrings())).rejects.toThrow(/ends inside its cell data/);
  });
});

/** The WebAssembly scanner, which `npm test` builds before it runs the tests. */
function builtScanner(): SheetScanner {
  const scanner = sheetScanner();
  if (!scanner) throw new Error('sheet-scan.wasm is not built: run `npm run build` (npm test does)');
  return scanner;
}

/** Every cell of every batch as the profiles see it: identity (hashes), tag, kind and value. */
async function readCells(
  bytes: Buffer,
  points: number[],
  strings: SharedStrings,
  scanner: SheetScanner | null,
) {
  const book: WorkbookContext = {
    sharedStrings: strings,
    styleKinds: ['general', 'date', 'currency', 'text'],
    date1904: false,
    scanner,
  };
  const extras = emptyExtras();
  const rows: unknown[] = [];
  for await (const batch of readSheetRows(cut(bytes, points), book, extras)) {
    batch.complete();
    for (let r = 0; r < batch.rows; r++) {
      const cells: unknown[] = [];
      for (let i = batch.rowStart(r); i < batch.rowEnd[r]; i++) {
        const value = batch.value(i);
        cells.push([
          batch.column[i],
          batch.tag[i],
          batch.kind[i],
          batch.hash[i],
          batch.check[i],
          batch.length[i],
          value instanceof Date ? value.toISOString() : value,
        ]);
      }
      rows.push([batch.rowNumber[r], batch.rowHidden[r], batch.rowDropped[r], cells]);
    }
  }
  return { rows, extras };
}

const quoted = (name: string, value: string, quote: string) => ` ${name}=${quote}${value}${quote}`;

/** Rows as writers write them, plain ones mostly, with every form the scanner leaves to the reader. */
function rowsArbitrary() {
  const quote = fc.constantFrom('"', '"', "'");
  const space = fc.constantFrom('', '', '', ' ', '\n', '\r\n  ');
  const letters = fc.constantFrom('A', 'B', 'C', 'Z', 'AA', 'ab', 'XFD', 'ZZZZZ', 'ZZZZZZ', '');
  const reference = fc.tuple(letters, fc.constantFrom('1', '2', '17', '', 'x'));
  const value = fc.constantFrom(
    '0',
    '1',
    '2',
    '3',
    '42',
    '-12.5',
    '0.1',
    '1234567890123456',
    '1.2345678901234567',
    '1E+3',
    '45000',
    '-0',
    '-0.0',
    '10.50',
    '0.000001',
    '0.0000001',
    '123456789012345',
    '-98765.4321',
    '.5',
    '5.',
    '-',
    '007',
    'abc',
    'a &amp; b',
    '2024-03-01T00:00:00',
    ' 5',
    '',
  );
  const cellAttributes = fc.tuple(
    fc.option(reference, { freq: 5 }),
    fc.option(fc.constantFrom('0', '1', '2', '3', '9', 'x', '', '12345678901'), { freq: 2 }),
    fc.option(fc.constantFrom('s', 'n', 'b', 'e', 'd', 'str', 'inlineStr', 'x', '', 'S'), { freq: 2 }),
    fc.option(fc.constantFrom('cm="1"', 'vm="2"', 'ph="1"', 'x="a>b"'), { freq: 6 }),
    quote,
    space,
  );
  const content = fc.oneof(
    { weight: 12, arbitrary: value.map((v) => `<v>${v}</v>`) },
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: value.map((v) => `<f>A1*2</f><v>${v}</v>`) },
    { weight: 1, arbitrary: fc.constant('<is><t>in line</t></is>') },
    { weight: 1, arbitrary: value.map((v) => ` <v>${v}</v>`) },
    { weight: 1, arbitrary: fc.constant('<v/>') },
  );
  const anyCell = fc
    .tuple(cellAttributes, fc.option(content, { freq: 8 }))
    .map(([[ref, style, type, other, q, ws], body]) => {
      let tag = '<c';
      if (ref) tag += quoted('r', ref[0] + ref[1], q);
      if (style !== null) tag += quoted('s', style, q);
      if (type !== null) tag += quoted('t', type, q);
      if (other) tag += ` ${other}`;
      return body === null ? `${tag}${ws}/>` : `${tag}${ws}>${body}</c>`;
    });
  // The form most writers use, which the scanner reads with word compares, and its near misses.
  const plainCell = fc
    .tuple(
      fc.constantFrom('A', 'B', 'K', 'Z', 'AB', 'XFD', 'ZZZZ', 'a', ''),
      fc.constantFrom('1', '2', '17', '1048576', '', 'x'),
      fc.option(fc.constantFrom('0', '1', '2', '3', '01', '9', '', '1234567890'), { freq: 2 }),
      fc.option(fc.constantFrom('s', 'n', 'b', 'e', 'd', 'x', 'str'), { freq: 2 }),
      value,
    )
    .map(([letters, digits, style, type, v]) => {
      let tag = `<c r="${letters}${digits}"`;
      if (style !== null) tag += ` s="${style}"`;
      if (type !== null) tag += ` t="${type}"`;
      return `${tag}><v>${v}</v></c>`;
    });
  const cell = fc.oneof({ weight: 3, arbitrary: plainCell }, { weight: 2, arbitrary: anyCell });
  const row = fc
    .tuple(
      fc.option(fc.constantFrom('1', '2', '3', '5', '8', '13', 'x', '', '12345678901'), { freq: 4 }),
      fc.option(fc.constantFrom('1', 'true', '0', 'false', ''), { freq: 3 }),
      fc.boolean(),
      quote,
      fc.array(fc.tuple(space, cell), { maxLength: 6 }),
      space,
      fc.integer({ min: 0, max: 19 }),
    )
    .map(([r, hidden, spans, q, cells, ws, shape]) => {
      let tag = '<row';
      if (r !== null) tag += quoted('r', r, q);
      if (spans) tag += ' spans="1:3" x14ac:dyDescent="0.25"';
      if (hidden !== null) tag += quoted('hidden', hidden, q);
      if (shape === 0) return `${tag}/>`;
      const end = shape === 1 ? '</row >' : '</row>';
      return `${tag}>${cells.map(([s, c]) => s + c).join('')}${ws}${end}`;
    });
  return fc
    .array(fc.tuple(fc.constantFrom('', '', '\n'), row), { maxLength: 12 })
    .map((rows) => rows.map(([s, r]) => s + r).join(''));
}

describe('worksheet reader with the WebAssembly scanner', () => {
  const strings = readSharedStrings(cut(Buffer.from(STRINGS), []), 100);

  it('reads the plain rows itself and stops at the first row it leaves to the reader', () => {
    const scanner = builtScanner();
    // C1 is self-closing: it has no value and takes no record, as the reader adds no cell for it.
    const plain =
      '<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45000</v></c><c r="C1"/></row>\n' +
      "<row r='2' hidden='1'><c r='B2' t='b'><v>1</v></c><c t=\"e\"></c></row><row/>";
    const formula = '<row r="9"><c r="A9"><f>1+1</f><v>2</v></c></row>';
    const bytes = scanner.place(Buffer.from(plain + formula + '</sheetData>'));
    expect(bytes).not.toBeNull();
    const records = scanner.scan(0, (bytes as Buffer).length);
    expect(scanner.stopCause).toBe(ScanStop.Unusual);
    expect(scanner.stoppedAt).toBe(plain.length);
    const read: number[][] = [];
    for (let k = 0; k < records; k++)
      read.push(
        Array.from(scanner.records.subarray(scanner.recordsAt + 4 * k, scanner.recordsAt + 4 * k + 2)),
      );
    expect(read).toEqual([
      [ROW_FLAG, 1],
      // A shared string whose index the scanner read.
      [1 | (SHARED_INDEX << 24), -1],
      // A number in its normal form: parsed and hashed by the scanner, as hashNumberBytes would.
      [2 | (HASHED_NUMBER << 24), 1],
      [ROW_FLAG | 1, 2],
      [2 | (4 << 24), -1],
      [3 | (5 << 24), -1],
      [ROW_FLAG, 0],
    ]);
    expect(scanner.records[scanner.indexesAt + 4 * 1]).toBe(0);
    expect(scanner.numbers[scanner.numbersAt + 2 * 2]).toBe(45000);
    expect(scanner.words[scanner.hashesAt + 4 * 2]).toBe(hash32('45000'));
    expect(scanner.words[scanner.hashesAt + 4 * 2 + 1]).toBe(checkHash('45000'));
  });

  it('reads plain shared string items itself and stops at the first one it leaves to the reader', () => {
    const scanner = builtScanner();
    const plain = '<si><t>Paris</t></si>\n<si/><si><t xml:space="preserve"> Lyon </t></si>';
    const bytes = scanner.place(Buffer.from(plain + '<si><t>a &amp; b</t></si></sst>')) as Buffer;
    const records = scanner.scanStrings(0, bytes.length);
    expect(scanner.stopCause).toBe(ScanStop.Unusual);
    expect(scanner.stoppedAt).toBe(plain.length);
    const texts: string[] = [];
    for (let k = 0; k < records; k++) {
      const o = scanner.recordsAt + 4 * k;
      texts.push(
        bytes.toString('utf8', scanner.records[o] - scanner.base, scanner.records[o + 1] - scanner.base),
      );
    }
    expect(texts).toEqual(['Paris', '', ' Lyon ']);
  });

  it('reads the shared strings the reader alone reads, however the bytes are cut (property)', async () => {
    const scanner = builtScanner();
    const item = fc.constantFrom(
      '<si><t>Paris</t></si>',
      '<si><t xml:space="preserve"> Lyon </t></si>',
      '<si><t>São Paulo 東京</t></si>',
      '<si><t>ACME Ltd</t></si>',
      '<si><t>a  b</t></si>',
      '<si><t>12.50</t></si>',
      '<si><t>tab\there</t></si>',
      '<si><t></t></si>',
      '<si/>',
      '<si><t/></si>',
      '<si><t>a_x000D_b</t></si>',
      '<si><t>a_b</t></si>',
      '<si><t>x &amp; y</t></si>',
      '<si><r><t>Ber</t></r><r><t>lin</t></r></si>',
      '<si><t>ph</t><rPh><t>ignored</t></rPh></si>',
      '<si count="1"><t>attr</t></si>',
      '<si><t>a</t> </si>',
      '\n',
      ' ',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (items, cuts) => {
          const bytes = Buffer.from(`<?xml version="1.0"?><sst xmlns="x">${items.join('')}</sst>`, 'utf8');
          const points = cutPoints(bytes.length, cuts);
          const texts = (strings: SharedStrings) =>
            Array.from({ length: strings.length }, (_, i) => strings.get(i));
          const scanned = await readSharedStrings(cut(bytes, points), 1000, new SharedStrings(), scanner);
          const read = await readSharedStrings(cut(bytes, points), 1000, new SharedStrings(), null);
          expect(texts(scanned)).toEqual(texts(read));
          expect(scanned.length).toBe(items.filter((i) => i.startsWith('<si')).length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the cells, identities, rows and counts the reader alone gives, however the bytes are cut (property)', async () => {
    const scanner = builtScanner();
    const sst = await strings;
    await fc.assert(
      fc.asyncProperty(rowsArbitrary(), fc.array(fc.nat(), { maxLength: 8 }), async (rows, cuts) => {
        const bytes = Buffer.from(HEAD + rows + TAIL, 'utf8');
        const points = cutPoints(bytes.length, cuts);
        const scanned = await readCells(bytes, points, sst, scanner);
        expect(scanned).toEqual(await readCells(bytes, points, sst, null));
      }),
      { numRuns: 400 },
    );
  });

  it('reads the fixture rows as the reader alone does', async () => {
    const sheet = Buffer.from(HEAD + ROWS.join('') + TAIL, 'utf8');
    const sst = await strings;
    expect(await readAll(sheet, [], sst, builtScanner())).toEqual(await readAll(sheet, [], sst, null));
  });
});
