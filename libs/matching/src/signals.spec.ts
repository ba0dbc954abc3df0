import { combineSignals, SIGNAL_WEIGHTS } from './combine';
import { typeCompatibility, valueContainment } from './signals';

describe('typeCompatibility', () => {
  it.each([
    ['email', 'email', 1],
    ['integer', 'decimal', 0.7],
    ['currency', 'decimal', 0.7],
    ['date', 'datetime', 0.7],
    ['string', 'id', 0.7],
    ['integer', 'id', 0.7],
    ['id', 'string', 0.7],
    ['string', 'email', 0.7],
    ['phone', 'string', 0.7],
    ['empty', 'date', 0.5],
    ['date', 'email', 0],
    ['boolean', 'date', 0],
    ['currency', 'date', 0],
  ] as const)('column %s vs field %s → %d', (column, field, expected) => {
    expect(typeCompatibility(column, field)).toBe(expected);
  });

  it('is absent, not neutral, when the field declares no type', () => {
    expect(typeCompatibility('date', undefined)).toBeUndefined();
  });
});

describe('valueContainment', () => {
  const field = new Set(['fr', 'de', 'es', 'it', 'nl', 'be', 'at', 'pt', 'ie', 'lu', 'se', 'dk']);

  it('is the share of column values known to the field', () => {
    expect(valueContainment(['fr', 'de', 'xx', 'yy'], field)).toEqual({ score: 0.5, confidence: 0.4 });
  });

  it('has full confidence once enough values were checked', () => {
    const e = valueContainment(['fr', 'de', 'es', 'it', 'nl', 'be', 'at', 'pt', 'ie', 'lu'], field);
    expect(e).toEqual({ score: 1, confidence: 1 });
  });

  it('is absent when either side has no values', () => {
    expect(valueContainment([], field)).toBeUndefined();
    expect(valueContainment(['fr'], undefined)).toBeUndefined();
    expect(valueContainment(['fr'], new Set())).toBeUndefined();
  });
});

describe('combineSignals', () => {
  it('is the weighted mean of the signals present', () => {
    const score = combineSignals({
      name: { score: 0.8, confidence: 1 },
      type: { score: 1, confidence: 1 },
      values: { score: 0.6, confidence: 1 },
    });
    const { name, type, values } = SIGNAL_WEIGHTS;
    expect(score).toBeCloseTo((name * 0.8 + type * 1 + values * 0.6) / (name + type + values), 10);
  });

  it('does not lower a score for missing evidence', () => {
    const name = { score: 0.9, confidence: 1 };
    expect(combineSignals({ name })).toBeCloseTo(0.9, 10);
    expect(combineSignals({ name, type: { score: 1, confidence: 1 } })).toBeGreaterThanOrEqual(0.9);
  });

  it('lets contradicting evidence lower a score', () => {
    const name = { score: 0.9, confidence: 1 };
    expect(combineSignals({ name, type: { score: 0, confidence: 1 } })).toBeLessThan(0.9);
    expect(combineSignals({ name, values: { score: 0, confidence: 1 } })).toBeLessThan(0.9);
  });

  it('caps a pair with neither a resembling name nor overlapping values at its name score', () => {
    expect(combineSignals({ name: { score: 0.2, confidence: 1 }, type: { score: 1, confidence: 1 } })).toBe(
      0.2,
    );
    // Two values (Y/N) overlapping prove too little to open the gate.
    expect(
      combineSignals({
        name: { score: 0, confidence: 0.2 },
        type: { score: 1, confidence: 1 },
        values: { score: 1, confidence: 0.2 },
      }),
    ).toBe(0);
  });

  it('lets strong value overlap carry a placeholder header', () => {
    const score = combineSignals({
      name: { score: 0, confidence: 0.2 },
      type: { score: 1, confidence: 1 },
      values: { score: 1, confidence: 1 },
    });
    expect(score).toBeGreaterThan(0.6);
  });
});
