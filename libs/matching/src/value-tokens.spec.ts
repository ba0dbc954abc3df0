import { CODE_VARIANT_FACTOR, codeVariant, ValueTokenIndex, valueTokens } from './value-tokens';

describe('valueTokens', () => {
  it('splits labels into normalised tokens and leaves numbers and dates out', () => {
    expect(valueTokens('Adjacent_normal')).toEqual(['adjacent', 'normal']);
    expect(valueTokens('Net 30 days')).toEqual(['net', '30', 'days']);
    expect(valueTokens('12.5')).toEqual([]);
    expect(valueTokens('2024-01-03')).toEqual([]);
  });
});

describe('codeVariant', () => {
  it('drops a qualifier letter from short codes, not from words', () => {
    expect(codeVariant('pt2')).toBe('t2');
    expect(codeVariant('pnx')).toBe('nx');
    expect(codeVariant('net')).toBeUndefined();
    expect(codeVariant('t2')).toBeUndefined();
  });
});

describe('ValueTokenIndex', () => {
  const index = new ValueTokenIndex();
  // 0: a grade, 1: staging codes, 2: payment terms, 3: tissue kinds; 4-99 share only "unknown",
  // which makes it a common word.
  index.add(0, ['G1', 'G2', 'G3', 'Unknown']);
  index.add(1, ['T1', 'T2', 'T3', 'Unknown']);
  index.add(2, ['Net 30', 'Net 60', 'Due on receipt']);
  index.add(3, ['Tumor', 'Normal', 'Unknown']);
  for (let f = 4; f < 100; f++) index.add(f, ['Unknown', `other ${f}`]);

  it('matches values that hold an allowed value with a qualifier', () => {
    const { scores } = index.search(['G2 Moderately differentiated', 'G1 Well differentiated']);
    expect(scores.get(0)).toBeGreaterThan(0.5);
    expect(scores.get(0)).toBeLessThan(1);
    expect(scores.has(1)).toBe(false);
  });

  it('matches prefixed codes for less than the code itself', () => {
    const prefixed = index.search(['pT2', 'pT3']).scores.get(1)!;
    const plain = index.search(['T2', 'T3']).scores.get(1)!;
    expect(plain).toBe(1);
    expect(prefixed).toBeGreaterThan(0.5);
    expect(prefixed).toBeLessThanOrEqual(CODE_VARIANT_FACTOR);
  });

  it('scores the field whose values the column speaks above one sharing a single common value', () => {
    const { scores, proposed } = index.search(['Tumor', 'Adjacent_normal', 'Unknown']);
    expect(scores.get(3)).toBeGreaterThan(0.7);
    expect(scores.get(3)!).toBeGreaterThan(scores.get(4) ?? 0);
    // "unknown" alone does not propose a field to blocking.
    expect(proposed.has(3)).toBe(true);
    expect(proposed.has(4)).toBe(false);
  });

  it('gives no evidence for a column of numbers with a few labels', () => {
    const { scores, checked } = index.search(['12', '15', '18', '21', 'unknown']);
    expect(checked).toBe(0);
    expect(scores.size).toBe(0);
  });
});
