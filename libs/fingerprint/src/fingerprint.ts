import { stat } from 'node:fs/promises';
import {
  UnreadableFileError,
  type SpreadsheetFormat,
  type TableFingerprint,
  type WorkbookFingerprint,
  type WorkbookRisks,
} from '@shadowscan/domain';
import { RecordTooLongError } from './csv.tokenizer';
import { ChunkDigest } from './file.chunks';
import { fileDigest } from './file.probe';
import { detectFormat } from './format';
import { type FingerprintLimits, resolveLimits } from './limits';
import { ReadBudget } from './read-budget';
import { emptyMeta, readSheetEvents, readsInOrder, type SourceMeta } from './sheet.source';
import { type SheetSink, SheetTables } from './table.builder';
import { NotTextError } from './text.decoding';
import { unreadable } from './unreadable';
import { LegacyEncryptedError } from './legacy.reader';
import { NotAWorkbookError } from './xlsx.reader';
import { InvalidZipError } from './zip-directory';
import { ExpansionError } from './zip-entry';

export interface FingerprintOptions {
  /** How the file is named in the result and in error messages (default: absPath). */
  displayName?: string;
  limits?: Partial<FingerprintLimits>;
}

/** What every read of a file needs to know before opening it. */
export interface PreparedFile {
  absPath: string;
  file: string;
  named: string;
  format: SpreadsheetFormat;
  size: number;
  limits: FingerprintLimits;
}

/** The checks that come before any byte is parsed: name, format, existence, size. */
export async function prepareFile(absPath: string, opts: FingerprintOptions): Promise<PreparedFile> {
  const limits = resolveLimits(opts.limits);
  const file = opts.displayName ?? absPath;
  // A downloaded copy may sit under a temporary name; the display name still says what it is.
  const named = detectFormat(absPath) ? absPath : file;
  const format = detectFormat(named);

  const size = await fileSize(absPath, file);
  if (!format) throw unreadable.notASpreadsheet(file);
  if (size > limits.maxFileBytes) throw unreadable.tooLarge(file, size, limits.maxFileBytes);
  return { absPath, file, named, format, size, limits };
}

/**
 * Reads a spreadsheet and describes every table in it. Throws UnreadableFileError (with a stable code)
 * for anything wrong with the file itself; other errors (I/O failures of the machine) are rethrown as is.
 */
export async function fingerprintFile(
  absPath: string,
  opts: FingerprintOptions = {},
): Promise<WorkbookFingerprint> {
  return fingerprintWith(absPath, opts, { byteHashing: true });
}

/**
 * fingerprintFile with the choice of reading path: with `byteHashing: false` every cell takes the
 * string path, which the byte-level fast paths must agree with exactly, and with `wasm: false` the
 * JavaScript readers read every worksheet row and CSV record and count every column, which the
 * WebAssembly scanners and column counting must agree with (tests compare them).
 */
export async function fingerprintWith(
  absPath: string,
  opts: FingerprintOptions,
  reading: { byteHashing: boolean; wasm?: boolean },
): Promise<WorkbookFingerprint> {
  const prepared = await prepareFile(absPath, opts);
  const { file, limits } = prepared;
  const budget = new ReadBudget(limits.timeoutMs, () => unreadable.timeout(file, limits.timeoutMs));
  try {
    return await budget.race(read({ ...prepared, ...reading, budget }));
  } catch (error) {
    throw asUnreadable(error, file);
  } finally {
    budget.dispose();
  }
}

interface ReadJob extends PreparedFile {
  budget: ReadBudget;
  byteHashing: boolean;
  wasm?: boolean;
}

async function read(job: ReadJob): Promise<WorkbookFingerprint> {
  const { absPath, file, format, size, budget } = job;
  // A CSV's reader reads it once, start to end: the digest is taken from the bytes it reads, so the file
  // is read once, not twice, and no thread is started for it. Measured on the bench CSV (20 MB): a fresh
  // process's first read 467 -> 422 ms of CPU, 344 -> 335 ms; a steady read the same CPU but 6-12 ms
  // longer, the hashing now on this thread. Other files are hashed alongside the read (fileDigest),
  // which stops the digest when it stops.
  const done = new AbortController();
  const digestSignal = AbortSignal.any([budget.signal, done.signal]);
  const inOrder = readsInOrder(format) ? new ChunkDigest() : undefined;
  const digest = inOrder ? null : fileDigest(absPath, size, digestSignal);
  // Awaited below; a read that fails first must not leave it to surface as an unhandled rejection.
  digest?.catch(() => undefined);
  try {
    const sheets = new SheetCollector(job);
    const meta = emptyMeta();
    let sheet: SheetSink | null = null;
    for await (const event of readSheetEvents({ ...job, signal: budget.signal, digest: inOrder }, meta)) {
      budget.throwIfStopped();
      if (event.kind === 'sheet') sheet = sheets.startSheet(event.name, event.hidden);
      else if (event.kind === 'row') sheet?.addRow(event.rowNumber, event.cells, event.hidden);
      else if (event.kind === 'batch') sheet?.addBatch(event.batch);
      else if (sheet) for (const row of event.rows) sheet.addRow(row.rowNumber, row.cells, row.hidden);
    }
    const risks: WorkbookRisks = { ...meta.risks, rows: sheets.rowCount, cells: sheets.cellCount };
    const tables = sheets.tables(meta);
    // The reader's digest is whole unless the file changed size under it: then the file is read again.
    const sha256 = inOrder?.sha256(size) ?? (await (digest ?? fileDigest(absPath, size, digestSignal)));
    return { file, format, sha256, size, tables, risks };
  } finally {
    done.abort(new Error('the read has ended'));
  }
}

/** Owns the per-sheet table finders and the limits that apply across the whole workbook. */
class SheetCollector {
  private readonly sheets: Array<{ name: string; hidden: boolean; tables: SheetTables }> = [];
  private cells = 0;
  private rows = 0;

  constructor(private readonly job: ReadJob) {}

  startSheet(name: string, hidden = false): SheetSink {
    // Sheets are read one after the other: the one before has had all its rows.
    this.sheets.at(-1)?.tables.endRows();
    const tables = new SheetTables(name, {
      valueSampleCap: this.job.limits.valueSampleCap,
      distinctExactCap: this.job.limits.distinctExactCap,
      distinctTypedCap: this.job.limits.distinctTypedCap,
      wasm: this.job.wasm !== false,
    });
    this.sheets.push({ name, hidden, tables });
    return {
      addRow: (rowNumber, cells, hiddenRow) => {
        this.count(cells.length ? 1 : 0, cells.length);
        tables.addRow(rowNumber, cells, hiddenRow);
      },
      addBatch: (batch) => {
        let rows = 0;
        let cells = 0;
        for (let r = 0; r < batch.rows; r++) {
          const inRow = batch.rowEnd[r] - batch.rowStart(r) + batch.rowDropped[r];
          cells += inRow;
          if (inRow) rows++;
        }
        this.count(rows, cells);
        tables.addBatch(batch);
      },
    };
  }

  /** Counts what a sheet read, and stops the read at the cell limit. */
  private count(rows: number, cells: number): void {
    this.rows += rows;
    this.cells += cells;
    if (this.cells > this.job.limits.maxCells) {
      const error = unreadable.tooManyCells(this.job.file, this.job.limits.maxCells);
      this.job.budget.stop(error);
      throw error;
    }
  }

  get rowCount(): number {
    return this.rows;
  }

  get cellCount(): number {
    return this.cells;
  }

  /** Every table, sheets in tab order when the workbook says it, else in reading order. */
  tables(meta: SourceMeta): TableFingerprint[] {
    const rank = (name: string) => {
      const i = meta.sheetOrder.indexOf(name);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return this.sheets
      .map((sheet, i) => ({ sheet, rank: rank(sheet.name), i }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .flatMap(({ sheet }) => {
        const hiddenColumns = new Set(meta.sheets.get(sheet.name)?.hiddenColumns ?? []);
        return sheet.tables
          .finish(hiddenColumns)
          .map((t) => (sheet.hidden ? { ...t, hiddenSheet: true } : t));
      });
  }
}

async function fileSize(absPath: string, file: string): Promise<number> {
  try {
    const stats = await stat(absPath);
    if (!stats.isFile()) throw unreadable.notFound(file);
    return stats.size;
  } catch (error) {
    throw asUnreadable(error, file);
  }
}

/**
 * Sorts failures into "this file is unreadable" (a stable code) and everything else. A system error
 * other than a missing or forbidden file (EIO, EMFILE, ENOSPC) says nothing about the file, so it is
 * rethrown for the caller to retry.
 */
export function asUnreadable(error: unknown, file: string): Error {
  if (error instanceof UnreadableFileError) return error;
  if (error instanceof InvalidZipError) return unreadable.notAZip(file);
  if (error instanceof NotTextError) return unreadable.notText(file);
  if (error instanceof RecordTooLongError)
    return unreadable.damaged(file, `${error.message}; a quote is probably never closed`);
  if (error instanceof NotAWorkbookError) return unreadable.damaged(file, 'it holds no workbook part');
  if (error instanceof ExpansionError) return unreadable.expandsTooMuch(file, error.expanded, error.limit);
  if (error instanceof LegacyEncryptedError) return unreadable.legacyEncrypted(file);
  if (isSystemError(error)) {
    switch (error.code) {
      case 'ENOENT':
      case 'ENOTDIR':
      case 'EISDIR':
        return unreadable.notFound(file);
      case 'EACCES':
      case 'EPERM':
        return unreadable.noPermission(file);
      default:
        return error;
    }
  }
  return unreadable.damaged(file, messageOf(error));
}

// Duck-typed rather than instanceof: errors from Node's core may come from another realm (Jest's vm).
function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  const e = error as Partial<NodeJS.ErrnoException> | null;
  return typeof e === 'object' && e !== null && typeof e.syscall === 'string' && typeof e.code === 'string';
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
