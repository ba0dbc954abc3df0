import { ShadowscanError } from '@shadowscan/domain';

export interface FingerprintLimits {
  maxFileBytes: number;
  maxCells: number;
  timeoutMs: number;
  valueSampleCap: number;
}

export const DEFAULT_LIMITS: FingerprintLimits = Object.freeze({
  maxFileBytes: 100 * 1024 * 1024,
  maxCells: 20_000_000,
  timeoutMs: 120_000,
  valueSampleCap: 5_000,
});

/**
 * How far a workbook may expand when unzipped, as a multiple of maxFileBytes. Sheets are spooled to
 * temporary files and shared strings are held in memory while reading, so an unbounded expansion (a zip
 * bomb) would fill the disk or exhaust the heap long before the timeout fires. Real workbooks compress
 * 5-30x; at the default limits this allows 1 GiB of XML, more than 20 million cells need anyway.
 */
export const MAX_EXPANSION_FACTOR = 10;

export function resolveLimits(overrides: Partial<FingerprintLimits> | undefined): FingerprintLimits {
  const limits: FingerprintLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof FingerprintLimits>) {
    const value = overrides?.[key];
    if (value === undefined) continue;
    const valid = Number.isFinite(value) && (key === 'valueSampleCap' ? value >= 0 : value > 0);
    if (!valid) {
      throw new ShadowscanError(
        'invalid_argument',
        `Fingerprint limit ${key} must be a ${key === 'valueSampleCap' ? 'non-negative' : 'positive'} number, got ${value}.`,
      );
    }
    limits[key] = value;
  }
  return limits;
}
