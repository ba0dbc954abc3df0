import { distributionSimilarity, formatSimilarity, valueFormat, valueShape } from './value-profile';

describe('valueFormat', () => {
  it('reduces a value to its shape', () => {
    expect(valueFormat('inv-2024-00012')).toBe('a-9-9');
    expect(valueFormat('c-00042')).toBe('a-9');
    expect(valueFormat('jane@example.org')).toBe('a@a.a');
    expect(valueFormat('12.50')).toBe('9.9');
  });

  it('does not give long text one shape per value', () => {
    expect(valueFormat('please call back after the board meeting next week')).toBe(
      valueFormat('one two three four five'),
    );
  });
});

describe('formatSimilarity', () => {
  it('is 1 for values of the same shapes and 0 for values of unrelated shapes', () => {
    const invoices = valueShape(['INV-2024-00001', 'INV-2024-00002', 'INV-2025-00003'])!;
    const others = valueShape(['INV-2023-10001', 'INV-2023-10002'])!;
    const emails = valueShape(['a@x.org', 'b@y.com'])!;
    expect(formatSimilarity(invoices, others)).toBeCloseTo(1, 10);
    expect(formatSimilarity(invoices, emails)).toBe(0);
  });
});

describe('distributionSimilarity', () => {
  const ages = valueShape(['23', '35', '41', '52', '67', '29', '44'])!;
  const otherAges = valueShape(['31', '38', '45', '58', '62', '27'])!;
  const amounts = valueShape(['12000', '45000', '8300', '99000', '61000'])!;

  it('is high for numbers spread alike and low for numbers of another magnitude', () => {
    expect(distributionSimilarity(ages, otherAges)!).toBeGreaterThan(0.7);
    expect(distributionSimilarity(ages, amounts)!).toBeLessThan(0.1);
  });

  it('compares dates with dates', () => {
    const a = valueShape(['2024-01-03', '2024-02-11', '2024-03-30', '2024-05-01'])!;
    const b = valueShape(['2024-01-15', '2024-02-01', '2024-04-02', '2024-06-20'])!;
    const old = valueShape(['1961-01-15', '1972-02-01', '1958-04-02', '1980-06-20'])!;
    expect(distributionSimilarity(a, b)!).toBeGreaterThan(distributionSimilarity(a, old)!);
  });

  it('is no evidence when either side is not numbers or dates of the same kind', () => {
    const text = valueShape(['red', 'green', 'blue'])!;
    const dates = valueShape(['2024-01-03', '2024-02-11', '2024-03-30'])!;
    expect(distributionSimilarity(ages, text)).toBeUndefined();
    expect(distributionSimilarity(ages, dates)).toBeUndefined();
  });
});
