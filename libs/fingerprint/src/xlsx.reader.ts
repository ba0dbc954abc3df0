import { open } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import * as ExcelJS from 'exceljs';
import { type CellScalar, toScalar } from './normalise';
import type { SheetCell, SheetSink } from './table.builder';
import { rangesInOrder, type ZipDirectory } from './zip-directory';

export interface WorkbookSink {
  /** Called once per worksheet, in the order the archive stores them. */
  startSheet(name: string): SheetSink;
  /** Called between rows so that long reads can be stopped. */
  checkpoint(): void;
}

export interface XlsxReadResult {
  /** Worksheet names in workbook (tab) order, when the workbook part was read. */
  sheetOrder: string[];
  hiddenSheets: string[];
  formulas: number;
}

/** The workbook archive holds no workbook part: not an Excel file, whatever its name. */
export class NotAWorkbookError extends Error {
  override readonly name = 'NotAWorkbookError';
}

const READER_OPTIONS = {
  sharedStrings: 'cache',
  hyperlinks: 'ignore',
  styles: 'cache',
  worksheets: 'emit',
} as const;

/**
 * exceljs parses a worksheet as it streams past only once it has seen the workbook relationships and
 * the shared strings; a worksheet that comes earlier (as Excel and exceljs itself store them) is
 * spooled, decompressed, to a temporary file that leaks if the read fails. The styles part decides
 * which numbers are dates, and the workbook part names the sheets and their visibility. So these
 * parts are streamed first, whatever their place in the archive.
 */
const LEADING_PARTS = [
  'xl/_rels/workbook.xml.rels',
  'xl/workbook.xml',
  'xl/styles.xml',
  'xl/sharedStrings.xml',
];

const CHUNK_BYTES = 64 * 1024;

/** The parts of exceljs's streaming reader that its type definitions leave out. */
interface WorkbookReaderInternals {
  model?: { sheets?: Array<{ name?: string; state?: string }> };
  properties?: { model?: { date1904?: boolean } };
  sharedStrings?: unknown[];
}

interface WorksheetReaderInternals {
  name: string;
  state?: string;
}

/**
 * exceljs pipes its input into an unzip stream it never exposes. That stream's errors (a damaged deflate
 * stream, say) do not reach the zip entry being read, which then waits forever; tapping `pipe` lets the
 * reader fail at once instead.
 */
class UnzipTap extends PassThrough {
  onPipe?: (destination: NodeJS.WritableStream) => void;

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    this.onPipe?.(destination);
    return super.pipe(destination, options);
  }
}

/**
 * Streams an .xlsx/.xlsm workbook row by row into `sink`. Rejects with the parser's error on damaged
 * input; on an abort of `signal` tears the streams down so that nothing keeps reading.
 */
export async function readXlsx(
  path: string,
  directory: ZipDirectory,
  size: number,
  sink: WorkbookSink,
  signal: AbortSignal,
): Promise<XlsxReadResult> {
  const archive = Readable.from(readRanges(path, rangesInOrder(directory, size, LEADING_PARTS)), {
    objectMode: false,
  });
  const input = new UnzipTap();
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  archive.on('error', (error) => fail(error));
  input.on('error', (error) => fail(error));
  input.onPipe = (unzip) => unzip.on('error', (error: unknown) => fail(error));
  archive.pipe(input);

  let finished = false;
  const teardown = () => {
    finished = true;
    archive.destroy();
    // Ending the input makes the unzip stream end too, so exceljs's pending reads settle.
    if (!input.writableEnded) input.end();
  };
  signal.addEventListener('abort', teardown, { once: true });

  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, READER_OPTIONS);
  // With the shared strings streamed first, a workbook that has none must not make exceljs wait for
  // them (and spool every sheet); exceljs replaces this with the real table when there is one.
  (reader as unknown as WorkbookReaderInternals).sharedStrings = [];
  const stopCheck = () => {
    if (finished) throw new Error('xlsx read stopped');
  };
  try {
    return await Promise.race([consume(reader, sink, stopCheck), failed]);
  } finally {
    signal.removeEventListener('abort', teardown);
    teardown();
  }
}

async function* readRanges(
  path: string,
  ranges: ReadonlyArray<{ start: number; end: number }>,
): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    for (const { start, end } of ranges) {
      for (let position = start; position < end;) {
        const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, end - position));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) return;
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    }
  } finally {
    await handle.close();
  }
}

async function consume(
  reader: ExcelJS.stream.xlsx.WorkbookReader,
  sink: WorkbookSink,
  stopCheck: () => void,
): Promise<XlsxReadResult> {
  const internals = reader as unknown as WorkbookReaderInternals;
  const hiddenSheets: string[] = [];
  let formulas = 0;
  for await (const worksheet of reader) {
    const meta = worksheet as unknown as WorksheetReaderInternals;
    if (meta.state === 'hidden' || meta.state === 'veryHidden') hiddenSheets.push(meta.name);
    const date1904 = internals.properties?.model?.date1904 === true;
    const sheet = sink.startSheet(meta.name);
    let previousRow = 0;
    for await (const row of worksheet) {
      stopCheck();
      sink.checkpoint();
      // A row without an r attribute is legal and means "the next row".
      const rowNumber =
        Number.isFinite(row.number) && row.number > previousRow ? row.number : previousRow + 1;
      previousRow = rowNumber;
      const cells: SheetCell[] = [];
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        const { value, formula } = cellScalar(cell, date1904);
        if (formula) formulas++;
        if (value !== null) cells.push({ column, value });
      });
      sheet.addRow(rowNumber, cells);
    }
  }
  if (!internals.model) throw new NotAWorkbookError('no workbook part');
  const sheetOrder = (internals.model.sheets ?? []).flatMap((s) => (s.name ? [s.name] : []));
  return { sheetOrder, hiddenSheets, formulas };
}

function cellScalar(cell: ExcelJS.Cell, date1904: boolean): { value: CellScalar; formula: boolean } {
  const raw: unknown = cell.value;
  if (raw === null || typeof raw !== 'object' || raw instanceof Date)
    return { value: toScalar(raw), formula: false };
  if ('formula' in raw || 'sharedFormula' in raw) {
    const result = toScalar((raw as { result?: unknown }).result);
    // The streaming reader converts date-formatted values to Dates, but not formula results.
    const value =
      typeof result === 'number' && isDateFormat(cell.numFmt) ? excelDate(result, date1904) : result;
    return { value, formula: true };
  }
  return { value: toScalar(raw), formula: false };
}

/** Same test exceljs applies to plain values: date/time tokens outside quotes, brackets and escapes. */
function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const bare = format
    .replace(/\[[^\]]*]/g, '')
    .replace(/"[^"]*"/g, '')
    .replace(/[\\_*]./g, '');
  return /[ymdhsb]/i.test(bare);
}

function excelDate(serial: number, date1904: boolean): Date | null {
  const date = new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
  return Number.isNaN(date.getTime()) ? null : date;
}
