import { stat } from 'node:fs/promises';
import {
  UnreadableFileError,
  type SpreadsheetFormat,
  type TableFingerprint,
  type WorkbookFingerprint,
  type WorkbookRisks,
} from '@shadowscan/domain';
import { NotTextError, readCsv } from './csv.reader';
import { probeFile } from './file.probe';
import { baseNameWithoutExtension, detectFormat } from './format';
import { type FingerprintLimits, MAX_EXPANSION_FACTOR, resolveLimits } from './limits';
import { ReadBudget } from './read-budget';
import { type SheetSink, TableBuilder } from './table.builder';
import { unreadable } from './unreadable';
import { NotAWorkbookError, readXlsx, type WorkbookSink } from './xlsx.reader';
import { InvalidZipError, readZipDirectory } from './zip-directory';

export interface FingerprintOptions {
  /** How the file is named in the result and in error messages (default: absPath). */
  displayName?: string;
  limits?: Partial<FingerprintLimits>;
}

const NOT_YET_READABLE: ReadonlySet<SpreadsheetFormat> = new Set(['xls', 'xlsb', 'ods', 'gsheet']);

/**
 * Reads a spreadsheet and describes every table in it. Throws UnreadableFileError (with a stable code)
 * for anything wrong with the file itself; other errors (I/O failures of the machine) are rethrown as is.
 */
export async function fingerprintFile(
  absPath: string,
  opts: FingerprintOptions = {},
): Promise<WorkbookFingerprint> {
  const limits = resolveLimits(opts.limits);
  const file = opts.displayName ?? absPath;
  // A downloaded copy may sit under a temporary name; the display name still says what it is.
  const named = detectFormat(absPath) ? absPath : file;
  const format = detectFormat(named);

  const size = await fileSize(absPath, file);
  if (!format) throw unreadable.notASpreadsheet(file);
  if (NOT_YET_READABLE.has(format)) throw unreadable.unsupported(file, format);
  if (size > limits.maxFileBytes) throw unreadable.tooLarge(file, size, limits.maxFileBytes);

  const budget = new ReadBudget(limits.timeoutMs, () => unreadable.timeout(file, limits.timeoutMs));
  try {
    return await budget.race(read({ absPath, file, named, format, size, limits, budget }));
  } catch (error) {
    throw asUnreadable(error, file);
  } finally {
    budget.dispose();
  }
}

interface ReadJob {
  absPath: string;
  file: string;
  named: string;
  format: SpreadsheetFormat;
  size: number;
  limits: FingerprintLimits;
  budget: ReadBudget;
}

async function read(job: ReadJob): Promise<WorkbookFingerprint> {
  const { absPath, file, format, size, budget } = job;
  const probe = await probeFile(absPath, budget.signal);
  const sheets = new SheetCollector(job);
  let risks: WorkbookRisks = {};

  if (format === 'xlsx' || format === 'xlsm') {
    if (probe.isCfb)
      throw probe.hasEncryptedPackage ? unreadable.encrypted(file) : unreadable.oleWithXlsxName(file);
    const directory = await readZipDirectory(absPath, size);
    const maxExpanded = job.limits.maxFileBytes * MAX_EXPANSION_FACTOR;
    if (directory.uncompressedBytes > maxExpanded) {
      throw unreadable.expandsTooMuch(file, directory.uncompressedBytes, maxExpanded);
    }
    const result = await readXlsx(absPath, directory, size, sheets, budget.signal);
    sheets.order(result.sheetOrder);
    risks = { hiddenSheets: result.hiddenSheets, formulas: result.formulas };
  } else {
    const sheet = sheets.startSheet(baseNameWithoutExtension(job.named));
    await readCsv(
      absPath,
      sheet,
      () => sheets.checkpoint(),
      budget.signal,
      format === 'tsv' ? '\t' : undefined,
    );
  }

  return { file, format, sha256: probe.sha256, size, tables: sheets.tables(), risks };
}

/** Owns the per-sheet table builders and the limits that apply across the whole workbook. */
class SheetCollector implements WorkbookSink {
  private readonly builders: TableBuilder[] = [];
  private readonly names: string[] = [];
  private cells = 0;
  private sheetOrder: string[] = [];

  constructor(private readonly job: ReadJob) {}

  startSheet(name: string): SheetSink {
    const builder = new TableBuilder(name, this.job.limits.valueSampleCap);
    this.builders.push(builder);
    this.names.push(name);
    return {
      addRow: (rowNumber, cells) => {
        this.cells += cells.length;
        if (this.cells > this.job.limits.maxCells) {
          const error = unreadable.tooManyCells(this.job.file, this.job.limits.maxCells);
          this.job.budget.stop(error);
          throw error;
        }
        builder.addRow(rowNumber, cells);
      },
    };
  }

  checkpoint(): void {
    this.job.budget.throwIfStopped();
  }

  order(sheetOrder: string[]): void {
    this.sheetOrder = sheetOrder;
  }

  tables(): TableFingerprint[] {
    const rank = (name: string) => {
      const i = this.sheetOrder.indexOf(name);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return this.builders
      .map((builder, i) => ({ table: builder.finish(), rank: rank(this.names[i]), i }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i)
      .flatMap(({ table }) => (table ? [table] : []));
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
function asUnreadable(error: unknown, file: string): Error {
  if (error instanceof UnreadableFileError) return error;
  if (error instanceof InvalidZipError) return unreadable.notAZip(file);
  if (error instanceof NotTextError) return unreadable.notText(file);
  if (error instanceof NotAWorkbookError) return unreadable.damaged(file, 'it holds no workbook part');
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
