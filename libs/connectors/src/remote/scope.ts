import picomatch from 'picomatch';
import { z } from 'zod';
import type { SpreadsheetFormat } from '@shadowscan/domain';
import { detectFormat } from '@shadowscan/fingerprint';

const FILE_TYPES = ['xlsx', 'xlsm', 'xls', 'xlsb', 'ods', 'csv', 'tsv', 'txt', 'gsheet'] as const;

/** What part of a remote source is scanned, shared by the SharePoint and Google Drive configs. */
export const scopeFields = {
  /** Globs on the human path (`Site/Library/Folder/name.xlsx`); a file must match one. Default: all. */
  include: z.array(z.string().min(1)).default([]),
  /** Globs on the human path; a match is skipped. Office lock files are always skipped. */
  exclude: z.array(z.string().min(1)).default([]),
  /** Spreadsheet types to scan (by extension; `gsheet` = native Google Sheets). Default: all. */
  fileTypes: z.array(z.enum(FILE_TYPES)).min(1).optional(),
  /** Requests in flight per tenant at most (throttling lowers it automatically). */
  maxConcurrency: z.number().int().min(1).max(64).default(16),
  /** Downloads run ahead of the analysis when files are opened in listing order (0: off). */
  readAhead: z.number().int().min(0).max(256).default(32),
  /** Bytes (by listed size) held in read-ahead downloads at most. */
  readAheadMb: z.number().int().min(1).max(100_000).default(256),
  /** Give up on one request after being throttled this long (the job retries later). */
  maxThrottleWaitMs: z.number().int().min(1_000).max(3_600_000).default(600_000),
  /** Catalog file the scans of this source use by default (as for local sources). */
  catalog: z.string().min(1).optional(),
};

export interface ScopeConfig {
  include: string[];
  exclude: string[];
  fileTypes?: Array<(typeof FILE_TYPES)[number]>;
}

export class Scope {
  private readonly included: (p: string) => boolean;
  private readonly excluded: (p: string) => boolean;
  private readonly types: ReadonlySet<SpreadsheetFormat> | null;

  constructor(cfg: ScopeConfig) {
    this.included = picomatch(cfg.include.length ? cfg.include : ['**'], { dot: true, nocase: true });
    this.excluded = picomatch(['**/~$*', '**/.~lock.*', ...cfg.exclude], { dot: true, nocase: true });
    this.types = cfg.fileTypes ? new Set(cfg.fileTypes) : null;
  }

  /** By name alone: is this a spreadsheet type we scan? (`gsheet` for native Google Sheets.) */
  wantsType(name: string, nativeSheet = false): boolean {
    const format = nativeSheet ? 'gsheet' : detectFormat(name);
    return format !== null && (this.types === null || this.types.has(format));
  }

  inScope = (path: string): boolean => this.included(path) && !this.excluded(path);
}
