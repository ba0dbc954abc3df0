import { ShadowscanError } from '@shadowscan/domain';

/** Caps for reading untrusted files; a file over one becomes unreadable with a specific code. */
export interface FingerprintLimits {
  maxFileBytes: number;
  maxCells: number;
  timeoutMs: number;
  valueSampleCap: number;
  /** Bytes a workbook may inflate to, all parts together (also capped at 10x maxFileBytes). */
  maxDecompressedBytes: number;
  /** Entries in a workbook's zip archive. */
  maxZipEntries: number;
  /** Inflated/compressed size of any one part bigger than 1 MiB: far above any real workbook's. */
  maxCompressionRatio: number;
  /** Distinct values counted exactly per column; beyond it the count is estimated. */
  distinctExactCap: number;
  /**
   * Distinct values per column classified one by one (type and value shape). Later values are
   * classified as a sample, one in 4 at first and fewer as the column grows, and their shares are
   * estimated from it: a large column costs a bounded number of classifications.
   */
  distinctTypedCap: number;
  /** Legacy .xls/.xlsb/.ods files are parsed whole, in a separate thread with this much heap. */
  legacyHeapMb: number;
}

export const DEFAULT_LIMITS: FingerprintLimits = Object.freeze({
  maxFileBytes: 100 * 1024 * 1024,
  maxCells: 20_000_000,
  timeoutMs: 120_000,
  valueSampleCap: 5_000,
  maxDecompressedBytes: 1024 * 1024 * 1024,
  maxZipEntries: 10_000,
  maxCompressionRatio: 1_000,
  distinctExactCap: 20_000,
  distinctTypedCap: 4_096,
  legacyHeapMb: 512,
});

/**
 * How far a workbook may expand when unzipped, as a multiple of maxFileBytes. Shared strings are held
 * in memory while reading, so an unbounded expansion (a zip bomb) would exhaust the heap long before
 * the timeout fires. Real workbooks compress 5-30x; at the default limits this allows 1 GiB of XML.
 */
export const MAX_EXPANSION_FACTOR = 10;

/** Excel's own width limit; a wider CSV row would otherwise allocate a profile per column. */
export const MAX_COLUMNS = 16_384;

const MAY_BE_ZERO: ReadonlySet<keyof FingerprintLimits> = new Set(['valueSampleCap']);

export function resolveLimits(overrides: Partial<FingerprintLimits> | undefined): FingerprintLimits {
  const limits: FingerprintLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof FingerprintLimits>) {
    const value = overrides?.[key];
    if (value === undefined) continue;
    const zeroOk = MAY_BE_ZERO.has(key);
    const valid = Number.isFinite(value) && (zeroOk ? value >= 0 : value > 0);
    if (!valid) {
      throw new ShadowscanError(
        'invalid_argument',
        `Fingerprint limit ${key} must be a ${zeroOk ? 'non-negative' : 'positive'} number, got ${value}.`,
      );
    }
    limits[key] = value;
  }
  return limits;
}

/** The inflated bytes a workbook of this size may produce. */
export function decompressedCap(limits: FingerprintLimits): number {
  return Math.min(limits.maxDecompressedBytes, limits.maxFileBytes * MAX_EXPANSION_FACTOR);
}
