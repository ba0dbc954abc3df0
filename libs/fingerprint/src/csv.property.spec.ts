import * as fc from 'fast-check';
import * as Papa from 'papaparse';
import { fingerprintFile } from './index';
import { normaliseHeader, normaliseValue } from './normalise';
import { useTempDir, writeBytes } from './testing.fixtures';

const tmp = useTempDir();

const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Cells may hold quotes, newlines and the file's own delimiter (which papaparse quotes), but not the
 * other candidate delimiters: a column of "a;b" values in a comma file is genuinely ambiguous.
 */
function cell(delimiter: string) {
  const others = DELIMITERS.filter((d) => d !== delimiter);
  const chars = fc.constantFrom(
    'a',
    'B',
    'z',
    '7',
    '0',
    ' ',
    '"',
    '\n',
    '\r\n',
    delimiter,
    'é',
    '-',
    '.',
    "'",
  );
  return fc
    .array(chars, { maxLength: 8 })
    .map((parts) => parts.join(''))
    .filter((s) => !others.some((d) => s.includes(d)));
}

/** A header cell: never blank, never a repeat of another header once normalised. */
function headerCell(delimiter: string) {
  return cell(delimiter).filter((s) => normaliseHeader(s) !== '');
}

function table(delimiter: string) {
  return fc.integer({ min: 2, max: 5 }).chain((width) =>
    fc.record({
      header: fc.uniqueArray(headerCell(delimiter), {
        minLength: width,
        maxLength: width,
        selector: (s) => normaliseHeader(s),
      }),
      rows: fc.array(
        fc
          .array(cell(delimiter), { minLength: width, maxLength: width })
          // Fully empty rows are skipped by design; the expectations below would need to skip them too.
          .filter((row) => row.some((v) => normaliseValue(v) !== '')),
        { maxLength: 25 },
      ),
    }),
  );
}

describe('CSV round trip (property)', () => {
  it('reads back header names, row count and distinct counts of any table papaparse writes', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...DELIMITERS)
          .chain((delimiter) => fc.tuple(fc.constant(delimiter), table(delimiter))),
        fc.constantFrom('\n', '\r\n'),
        async ([delimiter, { header, rows }], newline) => {
          const path = tmp.path(`round-trip-${n++}.csv`);
          await writeBytes(path, Papa.unparse({ fields: header, data: rows }, { delimiter, newline }));
          const fp = await fingerprintFile(path);

          expect(fp.tables).toHaveLength(1);
          const [t] = fp.tables;
          expect(t.headerRow).toBe(1);
          expect(t.columns.map((c) => normaliseHeader(c.name))).toEqual(header.map(normaliseHeader));
          expect(t.rowCount).toBe(rows.length);
          header.forEach((_, i) => {
            const values = rows.map((r) => normaliseValue(r[i])).filter((v) => v !== '');
            expect(t.columns[i].distinct).toBe(new Set(values).size);
            expect(t.columns[i].nullRatio).toBeCloseTo(rows.length ? 1 - values.length / rows.length : 0);
          });
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
