import type { SpreadsheetFormat } from '@shadowscan/domain';

const FORMATS: ReadonlySet<string> = new Set<SpreadsheetFormat>([
  'xlsx',
  'xlsm',
  'xls',
  'xlsb',
  'ods',
  'csv',
  'tsv',
  'txt',
  'gsheet',
]);

/** The spreadsheet format a file name announces, or null when it is not a spreadsheet. */
export function detectFormat(fileName: string): SpreadsheetFormat | null {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return null;
  const ext = base.slice(dot + 1).toLowerCase();
  return FORMATS.has(ext) ? (ext as SpreadsheetFormat) : null;
}

/** The file name without folders and extension: the sheet name of a CSV file. */
export function baseNameWithoutExtension(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
