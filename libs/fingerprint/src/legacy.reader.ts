import { Worker } from 'node:worker_threads';
import { workerAnswer } from './worker.answer';
import type { WorkbookRisks } from '@shadowscan/domain';
import { classifyFormat, excelSerialToDate, isTemporal } from './number-format';
import type { SheetEvent } from './sheet.source';
import { type SheetCell, sheetCell } from './table.builder';

/** SheetJS recognised the file as password-protected. */
export class LegacyEncryptedError extends Error {
  override readonly name = 'LegacyEncryptedError';
}

/** SheetJS could not parse the file, or its thread ran out of memory. */
export class LegacyParseError extends Error {
  override readonly name = 'LegacyParseError';
}

/** [column (1-based), value, number format code or ''] */
type WireCell = [number, string | number | boolean, string];
interface WireSheet {
  name: string;
  hidden: number;
  rows: Array<[number, WireCell[], boolean]>;
  hiddenColumns: number[];
  merges: string[];
}
interface WireResult {
  ok: boolean;
  message?: string;
  sheets?: WireSheet[];
  date1904?: boolean;
  macros?: boolean;
  author?: string;
  lastModifiedBy?: string;
  formulas?: number;
  errorCells?: number;
}

/**
 * Runs in a worker thread: SheetJS parses synchronously and holds the whole workbook, so a hostile
 * file must not be able to block the scanner's event loop or exhaust its heap. The thread has its own
 * heap limit and is terminated on timeout.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
// SheetJS reports oddities it works around on the console; they would end up in the scanner's output.
console.log = console.warn = console.error = () => undefined;
try {
  const XLSX = require(workerData.xlsx);
  const wb = XLSX.read(readFileSync(workerData.path), {
    type: 'buffer', dense: true, cellDates: false, cellNF: true, cellFormula: true, cellHTML: false,
    cellText: false, sheetRows: workerData.sheetRows, bookVBA: true, WTF: false,
  });
  let formulas = 0, errorCells = 0;
  const sheets = wb.SheetNames.map((name, i) => {
    const ws = wb.Sheets[name] || {};
    const meta = (wb.Workbook && wb.Workbook.Sheets && wb.Workbook.Sheets[i]) || {};
    const data = ws['!data'] || [];
    const rowInfo = ws['!rows'] || [];
    const rows = [];
    for (let r = 0; r < data.length; r++) {
      const row = data[r];
      if (!row) continue;
      const cells = [];
      for (let c = 0; c < row.length; c++) {
        const cell = row[c];
        if (!cell) continue;
        if (cell.f) formulas++;
        if (cell.t === 'e') { errorCells++; continue; }
        if (cell.t === 'z' || cell.v === undefined || cell.v === null) continue;
        let v = cell.v;
        if (v instanceof Date) v = v.toISOString();
        cells.push([c + 1, v, typeof cell.z === 'string' ? cell.z : '']);
      }
      if (cells.length) rows.push([r + 1, cells, !!(rowInfo[r] && rowInfo[r].hidden)]);
    }
    const hiddenColumns = [];
    (ws['!cols'] || []).forEach((col, c) => { if (col && col.hidden) hiddenColumns.push(c + 1); });
    const merges = (ws['!merges'] || []).map((m) => XLSX.utils.encode_range(m));
    return { name, hidden: meta.Hidden || 0, rows, hiddenColumns, merges };
  });
  const props = wb.Props || {};
  parentPort.postMessage({
    ok: true, sheets, formulas, errorCells,
    date1904: !!(wb.Workbook && wb.Workbook.WBProps && wb.Workbook.WBProps.date1904),
    macros: !!wb.vbaraw, author: props.Author, lastModifiedBy: props.LastAuthor,
  });
} catch (e) {
  parentPort.postMessage({ ok: false, message: String((e && e.message) || e) });
}
`;

export interface LegacyReadResult {
  sheetOrder: string[];
  hiddenSheets: string[];
  formulas: number;
  risks: WorkbookRisks;
  sheets: Map<string, { hiddenColumns: number[]; merges: string[] }>;
}

/** Reads an .xls, .xlsb or .ods workbook through SheetJS (in a worker thread) as sheet and row events. */
export async function* readLegacyRows(
  path: string,
  options: { maxRows: number; heapMb: number; signal: AbortSignal },
  meta: LegacyReadResult,
): AsyncGenerator<SheetEvent> {
  const result = await parseInWorker(path, options);
  if (!result.ok || !result.sheets) {
    const message = result.message ?? 'unknown error';
    if (/password|encrypt/i.test(message)) throw new LegacyEncryptedError(message);
    throw new LegacyParseError(message);
  }
  const date1904 = result.date1904 === true;
  const risks = meta.risks;
  risks.macros = result.macros === true;
  risks.formulas = result.formulas ?? 0;
  risks.errorCells = result.errorCells ?? 0;
  risks.hiddenSheets = meta.hiddenSheets;
  risks.veryHiddenSheets = [];
  if (result.author) risks.author = result.author;
  if (result.lastModifiedBy) risks.lastModifiedBy = result.lastModifiedBy;
  meta.formulas = risks.formulas;
  for (const sheet of result.sheets) {
    meta.sheetOrder.push(sheet.name);
    if (sheet.hidden) meta.hiddenSheets.push(sheet.name);
    if (sheet.hidden === 2) risks.veryHiddenSheets.push(sheet.name);
    meta.sheets.set(sheet.name, { hiddenColumns: sheet.hiddenColumns, merges: sheet.merges });
    yield { kind: 'sheet', name: sheet.name, hidden: sheet.hidden > 0 };
    for (const [rowNumber, wire, hidden] of sheet.rows) {
      const cells: SheetCell[] = wire.map(([column, value, format]) =>
        legacyCell(column, value, format, date1904),
      );
      yield hidden ? { kind: 'row', rowNumber, cells, hidden } : { kind: 'row', rowNumber, cells };
    }
  }
}

function legacyCell(
  column: number,
  value: string | number | boolean,
  format: string,
  date1904: boolean,
): SheetCell {
  if (typeof value !== 'number') return sheetCell(column, value);
  const kind = format ? classifyFormat(format) : 'general';
  if (isTemporal(kind)) {
    const date = excelSerialToDate(value, date1904);
    if (date) return sheetCell(column, date, kind);
  }
  return sheetCell(column, value, kind === 'general' ? undefined : kind);
}

function parseInWorker(
  path: string,
  options: { maxRows: number; heapMb: number; signal: AbortSignal },
): Promise<WireResult> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, xlsx: require.resolve('@e965/xlsx'), sheetRows: options.maxRows },
    resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
  });
  return workerAnswer(worker, options.signal, {
    message: (message: WireResult) => message,
    error: (error) =>
      new LegacyParseError(/memory/i.test(error.message) ? `out of memory: ${error.message}` : error.message),
    exit: (code) => new LegacyParseError(`the reader thread stopped (exit code ${code})`),
  });
}
