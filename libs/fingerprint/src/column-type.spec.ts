import type { ColumnType } from '@shadowscan/domain';
import * as fc from 'fast-check';
import { ALL_CLASSES, textFits, TYPE_PRIORITY, TypeTally, typeFits } from './column-type';
import { type CellScalar, normaliseValue } from './normalise';

function infer(values: CellScalar[]): { type: ColumnType; typeShare: number } {
  const tally = new TypeTally();
  for (const v of values) {
    const norm = normaliseValue(v);
    if (norm !== '') tally.add(typeFits(v, norm));
  }
  return tally.result();
}

describe('column type inference', () => {
  it.each<[ColumnType, CellScalar[]]>([
    ['boolean', [true, false, true]],
    ['boolean', ['Yes', 'no', 'Y', 'N', 'TRUE']],
    ['integer', [1, 2, 3, '4', '-5', '1,234']],
    ['decimal', [1.5, '2.25', 3, '0.5']],
    ['decimal', ['12,5', '7,25', '1,5']],
    ['currency', ['$1,234.50', '€ 12', '1 234,50 EUR', '£7', 'USD 15.00']],
    ['percent', ['12%', '5.5%', '-3 %']],
    ['date', [new Date(Date.UTC(2024, 0, 2)), '2024-02-29', '31/12/2023', '12/31/2023', '1.2.2024']],
    ['datetime', [new Date(Date.UTC(2024, 0, 2, 10, 30)), '2024-01-02T10:30:00Z', '2024-01-03 08:00']],
    ['email', ['a@b.com', 'First.Last@example.co.uk']],
    ['url', ['https://example.com/x', 'http://a.io', 'www.example.org']],
    ['phone', ['+1 (555) 123-4567', '020 7946 0958', '+44-20-7946-0958']],
    ['id', ['CUST-00042', 'CUST-00043', 'AB12', 'X9-Y']],
    ['id', ['00042', '00043', '01000']],
    ['string', ['Acme', 'Beta Ltd', 'gamma']],
    ['empty', []],
  ])('%s for %p', (type, values) => {
    expect(infer(values).type).toBe(type);
  });

  it('tolerates up to 10% misfits and reports the share', () => {
    const values: CellScalar[] = [...Array.from({ length: 9 }, (_, i) => i), 'n/a'];
    expect(infer(values)).toEqual({ type: 'integer', typeShare: 0.9 });
    expect(infer([...values, 'unknown']).type).toBe('string');
  });

  it('lets a wider type absorb narrower values', () => {
    expect(infer([1, 2, 3, 4, 5.5, 6.5]).type).toBe('decimal');
    expect(infer(['$5', 10, '$7.50', 3]).type).toBe('currency');
    expect(infer([new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 1, 9))]).type).toBe('datetime');
    expect(infer(['CUST-1', 'CUST-2', '17', 'CUST-4']).type).toBe('id');
  });

  it('rejects impossible dates and ambiguous non-currency text', () => {
    expect(infer(['2024-02-30', '2023-13-01', '31/31/2024']).type).not.toMatch(/date/);
    expect(infer(['12 apples', '3 pears']).type).toBe('string');
  });
});

describe('textFits', () => {
  it('skips only the patterns that cannot match (property)', () => {
    const text = fc
      .array(
        fc.constantFrom(
          ..."0123456789abcemjnuy@.:/%-+,() $'€é\u00a0#_".split(''),
          'usd',
          'www.',
          'http://',
          'mar',
          'true',
        ),
        { maxLength: 10 },
      )
      .map((parts) => normaliseValue(parts.join('')))
      .filter((t) => t !== '');
    fc.assert(
      fc.property(text, (t) => expect(textFits(t)).toBe(textFits(t, ALL_CLASSES))),
      { numRuns: 5000 },
    );
    const numbers = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => normaliseValue(String(x))),
      fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }).map(String),
      fc.tuple(fc.integer(), fc.nat()).map(([a, b]) => normaliseValue(`${a}.${b}`)),
    );
    fc.assert(
      fc.property(numbers, (t) => expect(textFits(t)).toBe(textFits(t, ALL_CLASSES))),
      { numRuns: 5000 },
    );
    for (const t of [
      '0',
      '-0',
      '1234567',
      '-1234567',
      '123456789012345',
      '1234567890123456',
      '0.5',
      '-12.25',
      '12/03/2024',
      '2024-03-12',
      '12.03.2024',
      '12 march 2024',
      'mar 12, 2024',
      '2024-03-12t10:00',
    ]) {
      expect(textFits(t)).toBe(textFits(t, ALL_CLASSES));
      expect(textFits(t)).not.toBe(0);
    }
  });
});

describe('dates and numbers', () => {
  const bit = (type: ColumnType) => 1 << TYPE_PRIORITY.indexOf(type as (typeof TYPE_PRIORITY)[number]);

  it('takes a date as Date.UTC does, leap years and years 0-99 (read as 1900-1999) included', () => {
    const years = [
      ...Array.from({ length: 121 }, (_, y) => y),
      ...Array.from({ length: 701 }, (_, y) => 1800 + y),
      ...Array.from({ length: 10 }, (_, y) => 9990 + y),
    ];
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    for (const year of years) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const valid =
            month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          if (((textFits(text) & bit('date')) !== 0) !== valid) throw new Error(`${text}: expected ${valid}`);
        }
      }
    }
  });

  it('takes a positive integer of 7 to 15 digits for a possible phone number', () => {
    for (const n of [999_999, 1_000_000, 999_999_999_999_999, 1e15, -1_000_000, 1_000_000.5, 2 ** 53, 0]) {
      const digits = String(Math.abs(n)).length;
      const expected = Number.isInteger(n) && n > 0 && digits >= 7 && digits <= 15;
      expect([n, (typeFits(n, normaliseValue(n)) & bit('phone')) !== 0]).toEqual([n, expected]);
    }
  });
});
