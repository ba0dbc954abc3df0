import type { SpreadsheetFormat } from './file';

export type ColumnType =
  | 'integer'
  | 'decimal'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'email'
  | 'phone'
  | 'url'
  | 'id'
  | 'string'
  | 'empty';

export interface ColumnProfile {
  name: string;
  /** 0-based position in the table. */
  index: number;
  type: ColumnType;
  /** Share of non-empty values that fit `type` (0..1). */
  typeShare: number;
  nullRatio: number;
  /** Distinct non-empty values (exact). */
  distinct: number;
  /**
   * Normalised distinct values, capped (see FingerprintLimits.valueSampleCap), used for value
   * overlap and key look-ups. Kept in memory and in the store; never logged; masked in reports.
   */
  values: string[];
}

export interface TableFingerprint {
  sheet: string;
  /** A1 range of header + data, e.g. "A3:F120". */
  range: string;
  /** 1-based row number of the header row in the sheet. */
  headerRow: number;
  rowCount: number;
  columns: ColumnProfile[];
  /** Stable hash of the normalised header names and types. */
  schemaHash: string;
}

export interface WorkbookRisks {
  hiddenSheets?: string[];
  formulas?: number;
}

export interface WorkbookFingerprint {
  /** As given (CLI) or relative to the source root (scans). */
  file: string;
  format: SpreadsheetFormat;
  sha256: string;
  size: number;
  tables: TableFingerprint[];
  risks: WorkbookRisks;
}
