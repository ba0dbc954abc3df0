import * as fc from 'fast-check';
import { CellBatch, CellTag } from './cell.batch';
import { CsvByteTokenizer } from './csv.bytes';
import { type CsvScanner, csvScanner } from './csv.scan';
import { MAX_COLUMNS } from './limits';

function scanner(): CsvScanner {
  const loaded = csvScanner();
  if (!loaded) throw new Error('csv-scan.wasm is not built: run `npm run build` (npm test does)');
  return loaded;
}

/** Everything a batch says about its rows and cells, in plain values. */
function contents(batch: CellBatch): unknown[] {
  batch.complete();
  const rows: unknown[] = [];
  for (let r = 0; r < batch.rows; r++) {
    const cells: unknown[] = [];
    for (let i = batch.rowStart(r); i < batch.rowEnd[r]; i++) {
      const tag = batch.tag[i] as CellTag;
      cells.push([
        batch.column[i],
        tag === CellTag.Value ? 'value' : tag,
        batch.value(i),
        tag === CellTag.Empty ? 0 : batch.hash[i],
        tag === CellTag.Empty ? 0 : batch.check[i],
        tag === CellTag.Empty ? 0 : batch.length[i],
      ]);
    }
    rows.push([batch.rowNumber[r], batch.rowHidden[r], batch.rowDropped[r], cells]);
  }
  return rows;
}

/** `bytes` pushed cut at `cuts` into a tokenizer with or without the scanner; the batches' contents. */
function read(bytes: Buffer, cuts: number[], delimiter: number, wasm: CsvScanner | null): unknown[] {
  const tokenizer = new CsvByteTokenizer(delimiter, wasm);
  const batch = new CellBatch();
  const out: unknown[] = [];
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let at = 0;
  for (const [k, p] of [...points, bytes.length].entries()) {
    tokenizer.push(Buffer.from(bytes.subarray(at, p)), batch, k === points.length);
    at = p;
    out.push(...contents(batch));
    batch.clear();
  }
  return out;
}

/** Bytes of fields with every case the two must agree on: quotes, spaces, numbers, line breaks, UTF-8. */
const piece = fc.constantFrom(
  'a',
  'A',
  'B',
  'Zz',
  ' ',
  '  ',
  '"',
  '""',
  ',',
  ';',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '0',
  '7',
  '-',
  '+',
  '.',
  '1.50',
  '-0',
  '-0.0',
  '+12',
  '007',
  'é',
  '東',
  '\u0001',
  '\u007f',
);
const text = fc.array(piece, { maxLength: 60 }).map((p) => Buffer.from(p.join(''), 'utf8'));

describe('CSV WebAssembly scanner', () => {
  it('writes the rows, cells, hashes and values the JavaScript tokenizer writes, however the bytes are cut (property)', () => {
    const wasm = scanner();
    fc.assert(
      fc.property(
        text,
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.constantFrom(44, 59, 9),
        (bytes, cuts, d) => {
          expect(read(bytes, cuts, d, wasm)).toEqual(read(bytes, cuts, d, null));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads a large file in several calls when its records do not fit in one', () => {
    // 20,000 records of 5 fields: more than the scanner's room for records in one call.
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i},Name ${i % 97},"x${i}",${i / 4},-0`);
    const bytes = Buffer.from(lines.join('\r\n'));
    const wasm = read(bytes, [], 44, scanner());
    expect(wasm).toHaveLength(20_000);
    // As text: toEqual on 20,000 nested rows takes seconds.
    expect(JSON.stringify(wasm)).toBe(JSON.stringify(read(bytes, [], 44, null)));
  });

  it('leaves a record of more than MAX_COLUMNS fields to the JavaScript tokenizer, which counts the rest', () => {
    const wide = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    const bytes = Buffer.from(
      `a,b\n${wide(MAX_COLUMNS + 1)}\n${wide(MAX_COLUMNS)},,\n${wide(MAX_COLUMNS + 3)}\nc,d\n`,
    );
    const wasm = read(bytes, [], 44, scanner());
    expect(JSON.stringify(wasm)).toBe(JSON.stringify(read(bytes, [], 44, null)));
    expect(wasm.map((row) => (row as unknown[])[2])).toEqual([0, 1, 0, 3, 0]);
  });

  it('hashes a plain number in its canonical form, and leaves text with spaces to collapse to the string path', () => {
    const batch = new CellBatch();
    new CsvByteTokenizer(44, scanner()).push(Buffer.from('+1.50,a  b,"-0.0"\n'), batch, true);
    const plain = new CellBatch();
    new CsvByteTokenizer(44, scanner()).push(Buffer.from('1.5,x,0\n'), plain, true);
    expect([...batch.tag.subarray(0, 3)]).toEqual([CellTag.Text, CellTag.Value, CellTag.Text]);
    expect(batch.hash[0]).toBe(plain.hash[0]);
    expect(batch.length[0]).toBe(3);
    expect(batch.hash[2]).toBe(plain.hash[2]);
    expect(batch.values[1]).toBe('a  b');
  });
});
