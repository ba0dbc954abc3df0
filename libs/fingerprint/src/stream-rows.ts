import type { TableFingerprint } from '@shadowscan/domain';
import { asUnreadable, prepareFile } from './fingerprint';
import type { FingerprintLimits } from './limits';
import { CellTag } from './cell.batch';
import { isBlank } from './normalise';
import { emptyMeta, readSheetEvents } from './sheet.source';
import { unreadable } from './unreadable';

export interface StreamTableRowsOptions {
  /** How the file is named in error messages (default: absPath); its extension may tell the format. */
  displayName?: string;
  limits?: Partial<FingerprintLimits>;
}

export interface TableRow {
  /** 1-based row number in the sheet. */
  row: number;
  /** One raw value per table column: number, Date, string, boolean, or null when the cell is empty. */
  values: unknown[];
}

export type TableLocation = Pick<TableFingerprint, 'sheet' | 'range' | 'headerRow'> &
  Partial<Pick<TableFingerprint, 'dataStartRow'>>;

const RANGE = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/;

/** "A3:F120" -> columns 1..6, rows 3..120. */
export function parseRange(range: string): {
  firstColumn: number;
  lastColumn: number;
  firstRow: number;
  lastRow: number;
} {
  const m = RANGE.exec(range);
  if (!m) throw new RangeError(`not an A1 range: ${range}`);
  return { firstColumn: columnNumber(m[1]), firstRow: +m[2], lastColumn: columnNumber(m[3]), lastRow: +m[4] };
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * Yields, in order, every data row of a table that fingerprintFile found: the rows it counted (rows
 * with a non-empty cell inside the table's columns, below the header, down to the end of its range),
 * with one raw value per column. Streams: memory stays flat however long the table, and reading stops
 * when the consumer leaves the loop. Throws UnreadableFileError as fingerprintFile does; the time
 * limit counts only the time spent reading, not the consumer's.
 */
export async function* streamTableRows(
  absPath: string,
  table: TableLocation,
  opts: StreamTableRowsOptions = {},
): AsyncIterable<TableRow> {
  const prepared = await prepareFile(absPath, opts).catch((error: unknown) => {
    throw asUnreadable(error, opts.displayName ?? absPath);
  });
  const { file, limits } = prepared;
  const { firstColumn, lastColumn, lastRow } = parseRange(table.range);
  const firstDataRow = table.dataStartRow ?? table.headerRow + 1;
  const width = lastColumn - firstColumn + 1;

  const controller = new AbortController();
  const watch = new ReadingClock(limits.timeoutMs, () =>
    controller.abort(unreadable.timeout(file, limits.timeoutMs)),
  );
  const events = readSheetEvents({ ...prepared, signal: controller.signal }, emptyMeta());
  let inSheet = false;
  let sheetSeen = false;
  try {
    for (;;) {
      watch.start();
      const step = await raceAbort(events.next(), controller.signal).catch((error: unknown) => {
        throw asUnreadable(error, file);
      });
      watch.stop();
      if (step.done) break;
      const event = step.value;
      if (event.kind === 'sheet') {
        // Sheet names are unique in a workbook; once past the table's sheet there is nothing more to read.
        if (sheetSeen) break;
        inSheet = event.name === table.sheet;
        sheetSeen = inSheet;
        continue;
      }
      if (!inSheet) continue;
      let past = false;
      if (event.kind === 'batch') {
        // Read where the cells lie, without an object per cell: a batch is valid until the next
        // event is asked for, which is only after this loop.
        const batch = event.batch;
        for (let r = 0; r < batch.rows; r++) {
          const rowNumber = batch.rowNumber[r];
          if (rowNumber < firstDataRow) continue;
          if (rowNumber > lastRow) {
            past = true;
            break;
          }
          let values: unknown[] | null = null;
          for (let i = batch.rowStart(r); i < batch.rowEnd[r]; i++) {
            const column = batch.column[i];
            if (column < firstColumn || column > lastColumn) continue;
            const tag = batch.tag[i] as CellTag;
            if (tag === CellTag.Empty) continue;
            const value = batch.value(i);
            // Text, shared strings and numbers a reader hashed are never blank; other values may be.
            if (tag === CellTag.Value && isBlank(value)) continue;
            values ??= new Array<unknown>(width).fill(null);
            values[column - firstColumn] = value;
          }
          if (values) yield { row: rowNumber, values };
        }
        if (past) break;
        continue;
      }
      const rows = event.kind === 'rows' ? event.rows : [event];
      for (const row of rows) {
        if (row.rowNumber < firstDataRow) continue;
        if (row.rowNumber > lastRow) {
          past = true;
          break;
        }
        let values: unknown[] | null = null;
        for (const cell of row.cells) {
          if (cell.column < firstColumn || cell.column > lastColumn) continue;
          if (isBlank(cell.value)) continue;
          values ??= new Array<unknown>(width).fill(null);
          values[cell.column - firstColumn] = cell.value;
        }
        if (values) yield { row: row.rowNumber, values };
      }
      if (past) break;
    }
  } finally {
    watch.dispose();
    controller.abort(new Error('row stream closed'));
    // Closes the files and streams of the reader.
    await events.return(undefined).catch(() => undefined);
  }
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Counts the time spent inside the reader only: a consumer that looks rows up in a database between
 * two rows must not make a healthy file time out. One coarse timer, not one per row.
 */
class ReadingClock {
  private spent = 0;
  private since: number | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly budgetMs: number,
    onOver: () => void,
  ) {
    this.timer = setInterval(
      () => {
        if (this.elapsed() > this.budgetMs) onOver();
      },
      Math.min(1000, Math.max(10, budgetMs / 4)),
    );
    this.timer.unref();
  }

  start(): void {
    this.since = Date.now();
  }

  stop(): void {
    if (this.since !== null) this.spent += Date.now() - this.since;
    this.since = null;
  }

  private elapsed(): number {
    return this.spent + (this.since === null ? 0 : Date.now() - this.since);
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
