import { stem } from './stem';

describe('stem', () => {
  it('conflates the forms of one word', () => {
    expect(stem('smoking')).toBe(stem('smoke'));
    expect(stem('customers')).toBe(stem('customer'));
  });

  it('conflates "-ic" and "-ical" adjectives, which stripping "-al" alone leaves apart', () => {
    expect(stem('economical')).toBe(stem('economic'));
    expect(stem('statistical')).toBe(stem('statistic'));
    expect(stem('clinical')).toBe(stem('clinic'));
  });

  it('conflates "-atic" adjectives with their noun and "-atory" with "-ation"', () => {
    expect(stem('systematic')).toBe(stem('system'));
    expect(stem('problematic')).toBe(stem('problem'));
    expect(stem('regulatory')).toBe(stem('regulation'));
  });

  it('conflates a Greek "-sis" singular with its "-ses" plural', () => {
    expect(stem('analysis')).toBe(stem('analyses'));
    expect(stem('diagnosis')).toBe(stem('diagnoses'));
    expect(stem('hypothesis')).toBe(stem('hypotheses'));
  });

  it('leaves short words and different words apart', () => {
    expect(stem('basis')).toBe('basis');
    expect(stem('status')).toBe('status');
    expect(stem('clinic')).not.toBe(stem('client'));
  });
});
