import { UnreadableFileError, type SpreadsheetFormat } from '@shadowscan/domain';

/** The messages a user sees for each way a file can be unreadable: what happened, then what to do. */
export const unreadable = {
  notFound: (file: string) =>
    new UnreadableFileError('not_found', `${file} does not exist or is not a file; check the path.`),

  noPermission: (file: string) =>
    new UnreadableFileError(
      'not_found',
      `${file} cannot be opened (permission denied); give the scanner read access to it.`,
    ),

  notASpreadsheet: (file: string) =>
    new UnreadableFileError(
      'unsupported_format',
      `${file} is not a spreadsheet (expected .xlsx, .xlsm, .xls, .xlsb, .ods, .csv, .tsv or .txt); leave it out of the scan.`,
    ),

  unsupported: (file: string, format: SpreadsheetFormat) =>
    new UnreadableFileError(
      'unsupported_format',
      format === 'gsheet'
        ? `${file} is a link to a Google Sheet, not its contents; scan it through the Google Drive source or download it as .xlsx.`
        : `${file} is in ${format.toUpperCase()} format, which cannot be read; export it as .xlsx to include it.`,
    ),

  tooLarge: (file: string, size: number, max: number) =>
    new UnreadableFileError(
      'file_too_large',
      `${file} is ${formatBytes(size)}, over the ${formatBytes(max)} limit; raise the file size limit or split the workbook.`,
    ),

  expandsTooMuch: (file: string, expanded: number, max: number) =>
    new UnreadableFileError(
      'file_too_large',
      `${file} unzips to ${formatBytes(expanded)}, over the ${formatBytes(max)} limit (possibly a zip bomb); raise the file size limit if the workbook is genuine.`,
    ),

  tooManyEntries: (file: string, entries: number, max: number) =>
    new UnreadableFileError(
      'file_too_large',
      `${file} is an archive of ${entries.toLocaleString('en-US')} parts, over the ${max.toLocaleString('en-US')} limit (possibly a zip bomb); raise the zip entry limit if the workbook is genuine.`,
    ),

  compressionRatio: (file: string, part: string, ratio: number, max: number) =>
    new UnreadableFileError(
      'file_too_large',
      `${file} has a part (${part}) compressed ${Math.round(ratio)}:1, over the ${max}:1 limit (a zip bomb); raise the compression ratio limit if the workbook is genuine.`,
    ),

  legacyEncrypted: (file: string) =>
    new UnreadableFileError(
      'encrypted',
      `${file} is password-protected; remove the password or leave it out of the scan.`,
    ),

  tooManyCells: (file: string, max: number) =>
    new UnreadableFileError(
      'too_many_cells',
      `${file} has more than ${max.toLocaleString('en-US')} non-empty cells; raise the cell limit or split the workbook.`,
    ),

  timeout: (file: string, timeoutMs: number) =>
    new UnreadableFileError(
      'timeout',
      `${file} took longer than ${formatDuration(timeoutMs)} to read; raise the time limit or split the workbook.`,
    ),

  encrypted: (file: string) =>
    new UnreadableFileError(
      'encrypted',
      `${file} is password-protected (encrypted); remove the password or leave it out of the scan.`,
    ),

  oleWithXlsxName: (file: string) =>
    new UnreadableFileError(
      'corrupt',
      `${file} is an OLE file with an .xlsx name (probably an old .xls renamed); rename it to .xls or re-save it as .xlsx.`,
    ),

  notAZip: (file: string) =>
    new UnreadableFileError(
      'corrupt',
      `${file} is not a valid .xlsx file (the zip archive is truncated or damaged); re-save it from Excel or restore a good copy.`,
    ),

  damaged: (file: string, detail: string) =>
    new UnreadableFileError(
      'corrupt',
      `${file} is damaged and cannot be read (${oneLine(detail)}); re-save it from Excel or restore a good copy.`,
    ),

  notText: (file: string) =>
    new UnreadableFileError(
      'corrupt',
      `${file} is not a text file (it contains NUL bytes and no UTF-16 byte order mark); export it again as CSV (UTF-8).`,
    ),
};

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line || 'unknown error';
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
