import { open } from 'node:fs/promises';
import type { SpreadsheetFormat, WorkbookRisks } from '@shadowscan/domain';
import type { CellBatch } from './cell.batch';
import { readCsvRows } from './csv.reader';
import type { ChunkDigest } from './file.chunks';
import { probeFile } from './file.probe';
import { baseNameWithoutExtension } from './format';
import { readLegacyRows } from './legacy.reader';
import { decompressedCap, type FingerprintLimits } from './limits';
import type { SheetCell } from './table.builder';
import { unreadable } from './unreadable';
import { readXlsxRows } from './xlsx.reader';
import { readZipDirectory } from './zip-directory';
import { InflateBudget } from './zip-entry';

export interface SheetStartEvent {
  kind: 'sheet';
  name: string;
  hidden?: boolean;
}

/** A row with at least one cell or none; `rowNumber` is 1-based and increasing within a sheet. */
export interface RowEvent {
  kind: 'row';
  rowNumber: number;
  cells: SheetCell[];
  hidden?: boolean;
}

/** Consecutive rows of the current sheet, handed over together so that they cross the generators once. */
export interface RowsEvent {
  kind: 'rows';
  rows: RowEvent[];
}

/** Rows of the current sheet, column-wise; valid until the next event is asked for. */
export interface BatchEvent {
  kind: 'batch';
  batch: CellBatch;
}

export type SheetEvent = SheetStartEvent | RowEvent | RowsEvent | BatchEvent;

export interface SourceJob {
  absPath: string;
  /** The name used in messages. */
  file: string;
  /** The name whose extension tells the format. */
  named: string;
  format: SpreadsheetFormat;
  size: number;
  limits: FingerprintLimits;
  signal: AbortSignal;
  /**
   * false: every cell takes the string path (normalised and hashed as text), as the byte-level fast
   * paths must agree with it; for tests that check they do.
   */
  byteHashing?: boolean;
  /** false: the JavaScript readers read every worksheet row and CSV record, without the WebAssembly scanners. */
  wasm?: boolean;
  /** For delimited text (readsInOrder): takes every byte the reader reads, in file order. */
  digest?: ChunkDigest;
}

export interface SourceMeta {
  /** Sheet names in workbook (tab) order, when the format has a workbook part. */
  sheetOrder: string[];
  hiddenSheets: string[];
  formulas: number;
  risks: WorkbookRisks;
  /** Per sheet: hidden columns (1-based) and merged ranges. */
  sheets: Map<string, { hiddenColumns: number[]; merges: string[] }>;
}

export function emptyMeta(): SourceMeta {
  return { sheetOrder: [], hiddenSheets: [], formulas: 0, risks: {}, sheets: new Map() };
}

/** Formats read as a zip package (readXlsxRows); LEGACY ones through SheetJS; the others are delimited text. */
const PACKAGES: ReadonlySet<SpreadsheetFormat> = new Set(['xlsx', 'xlsm', 'gsheet']);
const LEGACY: ReadonlySet<SpreadsheetFormat> = new Set(['xls', 'xlsb', 'ods']);
/** Parts bigger than this must compress less than maxCompressionRatio. */
const RATIO_CHECK_BYTES = 1024 * 1024;

const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from('PK\u0003\u0004', 'latin1');

/**
 * Every sheet and row of a spreadsheet, in file order, whatever its format: the one reading path that
 * fingerprinting and row streaming share, so that both see the same rows. Throws UnreadableFileError
 * for what is wrong with the file; `meta` is complete once the iteration ends.
 */
export async function* readSheetEvents(job: SourceJob, meta: SourceMeta): AsyncGenerator<SheetEvent> {
  const { absPath, file, format, size } = job;
  if (format === 'gsheet') {
    // A native Google Sheet reaches us as the connector's xlsx export; a Drive for desktop `.gsheet`
    // file is only a link (JSON) to the sheet, with no cells in it.
    if (!(await startsWith(absPath, ZIP_MAGIC))) throw unreadable.unsupported(file, format);
  }
  if (PACKAGES.has(format)) {
    if (await startsWith(absPath, CFB_MAGIC)) {
      const probe = await probeFile(absPath, job.signal);
      throw probe.hasEncryptedPackage ? unreadable.encrypted(file) : unreadable.oleWithXlsxName(file);
    }
    const directory = await readZipDirectory(absPath, size);
    const { limits } = job;
    if (directory.entries.length > limits.maxZipEntries) {
      throw unreadable.tooManyEntries(file, directory.entries.length, limits.maxZipEntries);
    }
    const maxExpanded = decompressedCap(limits);
    if (directory.uncompressedBytes > maxExpanded) {
      throw unreadable.expandsTooMuch(file, directory.uncompressedBytes, maxExpanded);
    }
    for (const entry of directory.entries) {
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (entry.uncompressedSize > RATIO_CHECK_BYTES && ratio > limits.maxCompressionRatio) {
        throw unreadable.compressionRatio(file, entry.name, ratio, limits.maxCompressionRatio);
      }
    }
    const inflate = new InflateBudget(maxExpanded);
    yield* readXlsxRows(absPath, directory, inflate, job.signal, meta, {
      byteHashing: job.byteHashing ?? true,
      wasm: job.wasm ?? true,
    });
    return;
  }
  if (LEGACY.has(format)) {
    yield* readLegacyRows(absPath, { maxRows: 0, heapMb: job.limits.legacyHeapMb, signal: job.signal }, meta);
    return;
  }
  yield { kind: 'sheet', name: baseNameWithoutExtension(job.named) };
  yield* readCsvRows(absPath, {
    signal: job.signal,
    delimiter: format === 'tsv' ? '\t' : undefined,
    byteHashing: job.byteHashing,
    wasm: job.wasm,
    digest: job.digest,
  });
}

/**
 * Whether readSheetEvents reads a file of this format once, from its first byte to its last, in order:
 * delimited text, which readCsvRows reads.
 */
export function readsInOrder(format: SpreadsheetFormat): boolean {
  return !PACKAGES.has(format) && !LEGACY.has(format);
}

async function startsWith(path: string, magic: Buffer): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(magic.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(magic);
  } finally {
    await handle.close();
  }
}
