import * as fc from 'fast-check';
import { rowEvents } from './cell.batch';
import { SharedStrings } from './shared-strings';
import type { RowEvent } from './sheet.source';
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

async function readAll(bytes: Buffer, points: number[], strings: SharedStrings) {
  const book: WorkbookContext = {
    sharedStrings: strings,
    styleKinds: ['general', 'date'],
    date1904: false,
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
