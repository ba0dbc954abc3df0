import { comparatorFor, parseDates, parseNumber } from './compare';

describe('parseNumber', () => {
  it.each([
    ['31005,43', 31005.43],
    ['1.234,50', 1234.5],
    ['1,234.50', 1234.5],
    ['1,234', 1234],
    ['€ 12', 12],
    ['(12.5)', -12.5],
    ['12%', 0.12],
    [42, 42],
  ])('%s → %s', (input, expected) => expect(parseNumber(input)).toBeCloseTo(expected as number, 9));

  it('refuses text that is not a number', () => {
    expect(parseNumber('12 apples and 3 pears')).toBeNull();
    expect(parseNumber('1.2.3')).toBeNull();
  });
});

describe('parseDates', () => {
  it('reads ISO, European and Excel serial dates', () => {
    expect(parseDates('2026-04-01')).toEqual(['2026-04-01']);
    expect(parseDates('01.04.2026')).toEqual(expect.arrayContaining(['2026-04-01']));
    expect(parseDates('25/12/2026')).toEqual(['2026-12-25']);
    expect(parseDates(46113)).toEqual(['2026-04-01']);
    expect(parseDates(new Date(Date.UTC(2026, 3, 1)))).toEqual(['2026-04-01']);
  });
});

describe('comparators', () => {
  it('treats the same amount in another notation as equal, and a different amount as a conflict', () => {
    const same = comparatorFor('currency');
    expect(same('31005,43', '31005.43')).toBe(true);
    expect(same(85000, '75000')).toBe(false);
  });

  it('compares dates by calendar day whatever the notation', () => {
    const same = comparatorFor('date');
    expect(same('01.04.2026', '2026-04-01')).toBe(true);
    expect(same('02.04.2026', '2026-04-01')).toBe(false);
  });

  it('compares phone numbers by their digits, with or without the country code', () => {
    const same = comparatorFor('phone');
    expect(same('020 7946 0179', '+44 20 7946 0179')).toBe(true);
    expect(same('+44 20 7946 0179', '+44 20 7946 0827')).toBe(false);
  });

  it('compares text ignoring case and spacing, but not content', () => {
    const same = comparatorFor('string');
    expect(same('  Mid-Market ', 'mid-market')).toBe(true);
    expect(same('Mid-Market', 'Enterprise')).toBe(false);
  });

  it('compares booleans in their many spellings', () => {
    expect(comparatorFor('boolean')('Yes', true)).toBe(true);
    expect(comparatorFor('boolean')('N', true)).toBe(false);
  });
});
