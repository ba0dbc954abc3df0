import { DEFAULT_LIMITS, resolveLimits } from './limits';

describe('resolveLimits', () => {
  it('fills what is not given from the defaults, ignoring undefined', () => {
    expect(resolveLimits(undefined)).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxCells: 10, timeoutMs: undefined })).toEqual({
      ...DEFAULT_LIMITS,
      maxCells: 10,
    });
    expect(resolveLimits({ valueSampleCap: 0 }).valueSampleCap).toBe(0);
  });

  it('refuses limits that would disable a cap', () => {
    for (const bad of [
      { maxFileBytes: 0 },
      { timeoutMs: -1 },
      { maxCells: Number.NaN },
      { valueSampleCap: -1 },
    ]) {
      expect(() => resolveLimits(bad)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });
});
