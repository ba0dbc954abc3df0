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
  /**
   * MinHash signature (libs/domain minhash.ts) of every normalised non-empty value, for overlap
   * estimates beyond the value sample; empty when the column is empty.
   */
  minhash?: number[];
  /** True when `distinct` is estimated (more distinct values than the exact-count cap). */
  distinctEstimated?: boolean;
  /** Most common value shapes (`AA-9999`: letters A, digits 9), with their share of non-empty values. */
  formats?: Array<{ pattern: string; share: number }>;
  /** A few values as shown; masked (`j•••@a•••.c••`) when the type is sensitive (email, phone, id). */
  samples?: string[];
  samplesMasked?: boolean;
  /** Shortest and longest value, in characters. */
  length?: { min: number; max: number };
  /** Smallest and largest number. */
  numeric?: { min: number; max: number };
  /** Earliest and latest date (ISO 8601). */
  dates?: { min: string; max: string };
  /** What most cells' Excel number format says (currency, percent, date, ...), when they have one. */
  numberFormat?: string;
  /** The column is hidden in the workbook. */
  hidden?: boolean;
}

export interface TableFingerprint {
  sheet: string;
  /** A1 range of header + data, e.g. "A3:F120". */
  range: string;
  /** 1-based row number of the header row in the sheet (the last one when the header spans rows). */
  headerRow: number;
  /** 1-based row number where the data may start (the row after the header); absent in older fingerprints. */
  dataStartRow?: number;
  rowCount: number;
  columns: ColumnProfile[];
  /** Stable hash of the normalised header names and types. */
  schemaHash: string;
  /** Rows the header spans (2 for a grouped header whose names are joined "Billing / City"). */
  headerRows?: number;
  /** A title line found above the header ("Customer export, March"). */
  title?: string;
  /** Row number of a totals row right below the data (not counted as data). */
  totalsRow?: number;
  /** Data rows hidden in the workbook. */
  hiddenRows?: number;
  /** The sheet is hidden (or very hidden). */
  hiddenSheet?: boolean;
  /**
   * Order-independent digest of the normalised rows (row count, then two 32-bit sums of row hashes):
   * equal for two copies of a table, even re-sorted.
   */
  contentSignature?: string;
}

/** What end-user-computing controls look at; absent fields mean "not applicable to this format". */
export interface WorkbookRisks {
  /** Hidden and very hidden sheets. */
  hiddenSheets?: string[];
  /** Sheets only VBA can unhide (also in hiddenSheets). */
  veryHiddenSheets?: string[];
  /** Cells with a formula. */
  formulas?: number;
  /** Cells showing an error (#N/A, #REF!, ...). */
  errorCells?: number;
  /** Links to other workbooks. */
  externalLinks?: number;
  /** A VBA project (macros) is embedded. */
  macros?: boolean;
  /** Data connections and query tables (Power Query, ODBC, web queries). */
  dataConnections?: number;
  pivotCaches?: number;
  /** Sheets with sheet protection on. */
  protectedSheets?: string[];
  /** Workbook structure protection. */
  workbookProtected?: boolean;
  /** Rows and non-empty cells read, over all sheets. */
  rows?: number;
  cells?: number;
  /** Document properties. */
  author?: string;
  lastModifiedBy?: string;
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
