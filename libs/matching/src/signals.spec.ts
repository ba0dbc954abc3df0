import { combineSignals, contestScores, matchProbability, SIGNAL_WEIGHTS } from './combine';
import { DEFAULT_MATCH_OPTIONS } from './match-options';
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
    expect(valueContainment(['fr', 'de', 'xx', 'yy'], field)).toEqual({
      score: 0.5,
      confidence: 0.4,
      support: 4,
    });
  });

  it('has full confidence once enough values were checked', () => {
    const e = valueContainment(['fr', 'de', 'es', 'it', 'nl', 'be', 'at', 'pt', 'ie', 'lu'], field);
    expect(e).toMatchObject({ score: 1, confidence: 1 });
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

  it('keeps a pair with neither a resembling name, a matching description nor overlapping values below the threshold', () => {
    const type = { score: 1, confidence: 1 };
    const weak = combineSignals({ name: { score: 0.2, confidence: 1 }, type });
    const weaker = combineSignals({ name: { score: 0.1, confidence: 1 }, type });
    expect(weak).toBeLessThan(DEFAULT_MATCH_OPTIONS.fieldThreshold);
    // Still ranked by its evidence, so that a data owner sees what came closest.
    expect(weak).toBeGreaterThan(weaker);
    // Two values (Y/N) overlapping prove too little to open the gate.
    const yn = combineSignals({
      name: { score: 0, confidence: 0.2 },
      type,
      values: { score: 1, confidence: 0.2 },
    });
    expect(yn).toBeLessThan(DEFAULT_MATCH_OPTIONS.fieldThreshold);
  });

  it('opens the gate on a description that names the column', () => {
    const evidence = { name: { score: 0, confidence: 1 }, type: { score: 1, confidence: 1 } };
    const without = combineSignals({ ...evidence, description: { score: 0.2, confidence: 1 } });
    const described = combineSignals({ ...evidence, description: { score: 1, confidence: 1 } });
    expect(described).toBeGreaterThan(2 * without);
  });

  it("lets many values nearly all the field's discount a header that names something else", () => {
    const evidence = { name: { score: 0, confidence: 1 }, type: { score: 1, confidence: 1 } };
    const many = combineSignals({ ...evidence, values: { score: 1, confidence: 1, support: 40 } });
    const few = combineSignals({ ...evidence, values: { score: 1, confidence: 0.4, support: 4 } });
    expect(many).toBeGreaterThanOrEqual(DEFAULT_MATCH_OPTIONS.fieldThreshold);
    expect(few).toBeLessThan(DEFAULT_MATCH_OPTIONS.fieldThreshold);
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

describe('matchProbability', () => {
  it('grows with the score and says how far to trust a best candidate', () => {
    const scores = [0.1, 0.3, 0.5, 0.65, 0.8, 0.95];
    const p = scores.map(matchProbability);
    expect(p).toEqual([...p].sort((a, b) => a - b));
    expect(matchProbability(0.3)).toBeLessThan(0.3);
    expect(matchProbability(0.95)).toBeGreaterThan(0.8);
  });
});

describe('contestScores', () => {
  // "Company name" and "Name" both nearest to `company_name`; "Name" also close to `contact_name`.
  const columns = [
    new Map([['company_name', 0.9]]),
    new Map([
      ['company_name', 0.62],
      ['contact_name', 0.6],
    ]),
  ];

  it('lowers a claim on a field that another column claims more strongly, never the strongest one', () => {
    const [company, name] = contestScores(columns, 0.2);
    expect(company.get('company_name')).toBe(0.9);
    expect(name.get('company_name')).toBeCloseTo(0.62 * 0.9, 10);
    expect(name.get('contact_name')).toBe(0.6);
    expect(name.get('contact_name')!).toBeGreaterThan(name.get('company_name')!);
  });

  it('leaves every score alone without a contest weight', () => {
    expect(contestScores(columns, 0)).toBe(columns);
  });
});
