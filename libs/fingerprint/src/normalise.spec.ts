import * as fc from 'fast-check';
import { detectFormat } from './format';
import { columnLetters, displayText, normaliseHeader, normaliseValue } from './normalise';

describe('normaliseValue', () => {
  it.each<[unknown, string]>([
    ['  Hello   World \t', 'hello world'],
    ['ÉCOLE', 'école'],
    ['42.50', '42.5'],
    [42.5, '42.5'],
    ['42.0', '42'],
    [42, '42'],
    ['+7', '7'],
    ['-0.00', '0'],
    [-0, '0'],
    ['100.10', '100.1'],
    [0.1 + 0.2, '0.3'],
    ['00042', '00042'],
    ['12345678901234567890.50', '12345678901234567890.5'],
    ['1,234.50', '1,234.50'],
    [true, 'true'],
    [false, 'false'],
    [new Date(Date.UTC(2024, 0, 2)), '2024-01-02'],
    [new Date(Date.UTC(2024, 0, 2, 10, 30)), '2024-01-02T10:30:00.000Z'],
    [new Date(Number.NaN), ''],
    [null, ''],
    [undefined, ''],
    ['', ''],
    ['   ', ''],
    [Number.NaN, ''],
    [{ richText: [{ text: 'Ac' }, { text: 'ME ' }] }, 'acme'],
    [{ formula: 'A1*2', result: 84 }, '84'],
    [{ sharedFormula: 'A1', result: 'Yes' }, 'yes'],
    [{ formula: 'NA()', result: { error: '#N/A' } }, ''],
    [{ text: 'Our Site', hyperlink: 'https://x.test' }, 'our site'],
    [{ error: '#DIV/0!' }, ''],
  ])('%p -> %p', (input, expected) => {
    expect(normaliseValue(input)).toBe(expected);
  });
});

describe('normaliseHeader', () => {
  it('lowercases, trims and collapses inner whitespace', () => {
    expect(normaliseHeader('  Customer \n  ID ')).toBe('customer id');
  });
});

describe('displayText', () => {
  it('keeps capitalisation but tidies whitespace', () => {
    expect(displayText('  Customer\nID ')).toBe('Customer ID');
    expect(displayText(2024)).toBe('2024');
  });
});

describe('detectFormat', () => {
  it.each<[string, string | null]>([
    ['report.XLSX', 'xlsx'],
    ['a/b/macro.xlsm', 'xlsm'],
    ['C:\\share\\old.Xls', 'xls'],
    ['data.csv', 'csv'],
    ['data.TSV', 'tsv'],
    ['notes.txt', 'txt'],
    ['book.ods', 'ods'],
    ['bin.xlsb', 'xlsb'],
    ['link.gsheet', 'gsheet'],
    ['letter.docx', null],
    ['README', null],
    ['.csv', null],
    ['trailing.', null],
    ['archive.xlsx.zip', null],
  ])('%s -> %s', (name, format) => {
    expect(detectFormat(name)).toBe(format);
  });
});

describe('columnLetters', () => {
  it.each([
    [1, 'A'],
    [26, 'Z'],
    [27, 'AA'],
    [52, 'AZ'],
    [703, 'AAA'],
    [16384, 'XFD'],
  ])('%d -> %s', (n, letters) => {
    expect(columnLetters(n)).toBe(letters);
  });
});

describe('numbers with more than 15 significant digits', () => {
  /** The definition: Excel keeps 15 significant digits. */
  const reference = (n: number) => {
    if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
    const plain = String(n);
    return plain.length <= 15 && !plain.includes('e') ? plain : String(Number(n.toPrecision(15)));
  };

  it('round to 15 digits, by the digits of their text where that is exact (property)', () => {
    const numbers = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc
        .tuple(fc.integer({ min: -9_999_999, max: 9_999_999 }), fc.integer({ min: 1, max: 999 }))
        .map(([a, b]) => (a * 1.37) / b),
      fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => 0.1 * a + 0.2 * b),
    );
    fc.assert(
      fc.property(numbers, (n) => expect(normaliseValue(n)).toBe(reference(n))),
      { numRuns: 10_000 },
    );
    for (const n of [0.1 + 0.2, 1234.56 + 1e-13, 99999.99999999999, 0.09999999999999999, -1e16 / 3]) {
      expect(normaliseValue(n)).toBe(reference(n));
    }
  });
});
