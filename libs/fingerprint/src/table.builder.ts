import { createHash } from 'node:crypto';
import { type ColumnProfile, hash32, type TableFingerprint } from '@shadowscan/domain';
import { type CellBatch, CellTag, type NormalisedCell } from './cell.batch';
import { ColumnAccumulator, ContentDigest } from './column.profile';
import { WasmTable } from './column.wasm';
import { DEFAULT_LIMITS, MAX_COLUMNS } from './limits';
import type { NumberKind } from './number-format';
import { type CellScalar, columnLetters, displayText, normaliseHeader, normaliseValue } from './normalise';
import { checkHash } from './value.hash';

/** Bound once: a call through the library index's re-export getter costs more than the hash itself. */
const hashValue = hash32;

/** A non-empty cell as a reader hands it over; `column` is 1-based. */
export interface SheetCell {
  column: number;
  value: CellScalar;
  /** What the cell's number format says about a number (currency, percent, date...), when it has one. */
  kind?: NumberKind;
}

/**
 * Every reader makes its cells here, with the fields the table finder fills in (normal form and
 * hashes) already there: one shape for the JIT, completed in place instead of copied.
 */
export function sheetCell(column: number, value: CellScalar, kind?: NumberKind): SheetCell {
  const cell: NormalisedCell = { column, value, kind, norm: '', hash: 0, check: 0 };
  return cell;
}

/** Receives the rows of one sheet in order; `rowNumber` is 1-based and increasing. */
export interface SheetSink {
  addRow(rowNumber: number, cells: readonly SheetCell[], hidden?: boolean): void;
  addBatch(batch: CellBatch): void;
}

/** How many rows below a lone title cell the real header may start. */
const TITLE_LOOKAHEAD_ROWS = 5;
/** Lone cells kept after a blank gap while waiting to see whether a new table starts below them. */
const MAX_HELD_ROWS = 3;
/** A header cell is a label, not a paragraph. */
const MAX_HEADER_TEXT = 80;
const TOTALS = /^(?:grand )?(?:totals?|sum|subtotal|sub-total|gesamt|summe|somme)\b/i;

interface BufferedRow {
  rowNumber: number;
  cells: NormalisedCell[];
  hidden: boolean;
}

export interface TableOptions {
  valueSampleCap: number;
  distinctExactCap: number;
  distinctTypedCap: number;
  /** Whether the columns are counted in WebAssembly where they can be (column.wasm.ts); else JavaScript. */
  wasm: boolean;
}

/** One table being read: header decided, data rows streaming in. */
class OpenTable {
  firstColumn: number;
  lastColumn: number;
  readonly names: string[] = [];
  readonly accumulators: ColumnAccumulator[] = [];
  readonly digest = new ContentDigest();
  rowCount = 0;
  lastDataRow = 0;
  hiddenRows = 0;
  headerRows = 1;
  /** The first row after the header may still turn out to be its second line. */
  subHeaderPossible = true;
  totalsRow?: number;
  /** The columns' counting in WebAssembly while the table is open, where it can be (column.wasm.ts). */
  private counted: WasmTable | null = null;
  /** Its counts went into the accumulators (close()): they cannot take more rows. */
  private adopted = false;
  /**
   * Columns outside the header's that the table took in from its data rows (columns nobody named),
   * by column number: counted here in JavaScript. The table's columns are [left, right]; a column
   * outside [leftLimit, rightLimit] never joins it (addData).
   */
  private readonly unnamed = new Map<number, ColumnAccumulator>();
  left: number;
  right: number;
  leftLimit = 1;
  rightLimit = MAX_COLUMNS;

  constructor(
    readonly header: BufferedRow,
    readonly title: string | undefined,
    private readonly options: TableOptions,
    readonly firstRow = header.rowNumber,
  ) {
    this.firstColumn = header.cells.reduce((min, c) => Math.min(min, c.column), Infinity);
    this.lastColumn = header.cells.reduce((max, c) => Math.max(max, c.column), 0);
    this.left = this.firstColumn;
    this.right = this.lastColumn;
    const byColumn = new Map(header.cells.map((c) => [c.column, c.value]));
    const labels: Array<string | null> = [];
    for (let column = this.firstColumn; column <= this.lastColumn; column++) {
      const value = byColumn.get(column);
      labels.push(value === undefined ? null : displayText(value));
    }
    this.setNames(labels);
  }

  private setNames(labels: Array<string | null>): void {
    const taken = new Set<string>();
    this.names.length = 0;
    labels.forEach((label, i) => {
      this.names.push(uniqueName(label ?? `column_${columnLetters(this.firstColumn + i)}`, taken));
    });
    // Named before any data row (a second header line comes right after the first): counting starts now.
    this.counted?.close();
    while (this.accumulators.length < labels.length) this.accumulators.push(this.newAccumulator());
    this.counted = WasmTable.open(this.accumulators, this.options);
  }

  /** No more rows: the counts kept in WebAssembly go into the accumulators and the digest. */
  close(): void {
    if (!this.counted) return;
    this.digest.adopt(this.counted.digestState());
    this.counted.close();
    this.counted = null;
    this.adopted = true;
  }

  /** The accumulators keep no look-up of their values once counting in WebAssembly has ended. */
  private assertOpen(): void {
    if (this.adopted) throw new Error('rows added to a table after its counting ended');
  }

  get headerRow(): number {
    return this.header.rowNumber + this.headerRows - 1;
  }

  /**
   * A grouped header: the first line holds group labels over merged (blank) cells, the second the
   * column names, all text. Their names are joined: "Billing / City".
   */
  tryJoinSubHeader(row: BufferedRow): boolean {
    this.subHeaderPossible = false;
    if (row.rowNumber !== this.header.rowNumber + 1) return false;
    const top = this.header.cells;
    const sub = row.cells;
    if (sub.length <= top.length || sub.length < 2) return false;
    // The second line must cover the first one's span (it names every column of every group).
    if (sub[0].column > this.firstColumn) return false;
    if (!sub.every(isLabel) || !top.every(isLabel)) return false;
    // Some group label must sit over a blank cell that the second line names (a merged group).
    const topColumns = new Set(top.map((c) => c.column));
    const hasGroup = top.some(
      (c) => !topColumns.has(c.column + 1) && sub.some((s) => s.column === c.column + 1),
    );
    if (!hasGroup) return false;
    this.lastColumn = Math.max(this.lastColumn, sub[sub.length - 1].column);
    this.firstColumn = Math.min(this.firstColumn, sub[0].column);
    this.left = this.firstColumn;
    this.right = this.lastColumn;
    const subBy = new Map(sub.map((c) => [c.column, displayText(c.value)]));
    const topBy = new Map(top.map((c) => [c.column, displayText(c.value)]));
    const labels: Array<string | null> = [];
    let group: string | null = null;
    for (let column = this.firstColumn; column <= this.lastColumn; column++) {
      const own = topBy.get(column);
      const child = subBy.get(column);
      if (own !== undefined) group = own;
      else if (child === undefined) group = null;
      const parent = own ?? (child !== undefined ? group : null);
      if (parent && child && normaliseHeader(parent) !== normaliseHeader(child))
        labels.push(`${parent} / ${child}`);
      else labels.push(child ?? parent ?? null);
    }
    this.setNames(labels);
    this.headerRows = 2;
    return true;
  }

  /**
   * Adds a data row. A value right next to the table's columns (the header's, and those widened so
   * far) widens the table by a column with no name (column_A) rather than being lost, as Excel's
   * current region (Ctrl+A) takes it in; so does a run of values that reaches it. A value past a
   * blank column is a note beside the table: it is left out, and so is every column beyond it, for
   * good, so that a column is in the table for all of its rows or for none. A row with no value in
   * the table's columns is not one of its rows.
   */
  addData(row: BufferedRow): void {
    const { cells } = row;
    const { counted } = this;
    if (!counted) this.assertOpen();
    if (cells.length === 0) return;
    if (cells[0].column < this.left || cells[cells.length - 1].column > this.right) this.widen(cells);
    let inTable = false;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (cell.column < this.left || cell.column > this.right) continue;
      inTable = true;
      // Outside the header's columns, the offset in the row digest is negative on the left: the
      // digest still takes the row's cells in column order.
      const offset = cell.column - this.firstColumn;
      if (offset < 0 || cell.column > this.lastColumn) {
        (this.unnamed.get(cell.column) as ColumnAccumulator).add(cell);
        if (counted) counted.digestCell(offset, cell.hash);
        else this.digest.addCell(offset, cell.hash);
      } else if (counted) counted.addCell(offset, cell);
      else {
        this.accumulators[offset].add(cell);
        this.digest.addCell(offset, cell.hash);
      }
    }
    if (!inTable) return;
    if (counted) counted.endRow();
    else this.digest.endRow();
    this.rowCount++;
    if (row.hidden) this.hiddenRows++;
    this.lastDataRow = row.rowNumber;
  }

  /** addData's widening, for a row (in column order) with a value outside the table's columns. */
  private widen(cells: readonly NormalisedCell[]): void {
    // Leftwards from the table, then rightwards: each value either touches the table's edge or
    // ends the table on that side.
    for (let i = cells.length - 1; i >= 0; i--) {
      const { column } = cells[i];
      if (column >= this.left) continue;
      if (column === this.left - 1 && column >= this.leftLimit) {
        this.left = column;
        this.unnamed.set(column, this.newAccumulator());
      } else {
        this.leftLimit = Math.max(this.leftLimit, column + 1);
        break;
      }
    }
    for (let i = 0; i < cells.length; i++) {
      const { column } = cells[i];
      if (column <= this.right) continue;
      if (column === this.right + 1 && column <= this.rightLimit) {
        this.right = column;
        this.unnamed.set(column, this.newAccumulator());
      } else {
        this.rightLimit = Math.min(this.rightLimit, column - 1);
        break;
      }
    }
  }

  private newAccumulator(): ColumnAccumulator {
    const { distinctExactCap, distinctTypedCap, valueSampleCap } = this.options;
    return new ColumnAccumulator(distinctExactCap, distinctTypedCap, valueSampleCap);
  }

  /** Per column offset, where its cells start in `order` (addRunAt's counting sort). */
  private columnStarts = new Int32Array(0);

  /**
   * addData for the consecutive batch rows [r0, r1), whose cells are in column order: the digest
   * row by row, then each column's cells in one go, in row order. A column's distinct value table and
   * sketch stay in cache while its cells are added, instead of the columns taking turns at every row;
   * each column sees its values in the same order as row by row, so the profiles are the same.
   * The rows' cells lie within the table's columns, which may have grown beyond the header's (addData).
   */
  addRunAt(batch: CellBatch, r0: number, r1: number, order: Int32Array): void {
    const { counted } = this;
    if (counted) {
      counted.run(batch, r0, r1, this.firstColumn, this.lastColumn, this.left, this.right);
      this.rowCount += counted.rowsAdded;
      this.hiddenRows += counted.hiddenRowsAdded;
      if (counted.lastRowAdded >= 0) this.lastDataRow = batch.rowNumber[counted.lastRowAdded];
      if (this.unnamed.size > 0) this.addUnnamedAt(batch, r0, r1);
      return;
    }
    this.assertOpen();
    const { tag, column, hash, rowEnd } = batch;
    const { firstColumn, lastColumn, left, right, accumulators, digest, unnamed } = this;
    const width = lastColumn - firstColumn + 1;
    if (this.columnStarts.length < width + 1) this.columnStarts = new Int32Array(width + 1);
    // Per column offset, its cells in the run (counted here, made into start positions below).
    const starts = this.columnStarts;
    starts.fill(0, 0, width + 1);
    let cells = 0;
    for (let r = r0; r < r1; r++) {
      let inTable = false;
      for (let i = batch.rowStart(r); i < rowEnd[r]; i++) {
        if (tag[i] === CellTag.Empty) continue;
        if (column[i] < left || column[i] > right) continue;
        const offset = column[i] - firstColumn;
        digest.addCell(offset, hash[i]);
        inTable = true;
        if (offset < 0 || column[i] > lastColumn) {
          (unnamed.get(column[i]) as ColumnAccumulator).addAt(batch, i);
          continue;
        }
        starts[offset + 1]++;
        cells++;
      }
      if (!inTable) continue;
      digest.endRow();
      this.rowCount++;
      if (batch.rowHidden[r] === 1) this.hiddenRows++;
      this.lastDataRow = batch.rowNumber[r];
    }
    const first = batch.rowStart(r0);
    const last = rowEnd[r1 - 1];
    if (cells < 2 * width) {
      // Few cells for the table's width (a short run, a sparse or very wide table): sorting them by
      // column would cost more than it saves.
      for (let i = first; i < last; i++) {
        if (tag[i] === CellTag.Empty) continue;
        const offset = column[i] - firstColumn;
        if (offset >= 0 && column[i] <= lastColumn) accumulators[offset].addAt(batch, i);
      }
      return;
    }
    for (let offset = 1; offset <= width; offset++) starts[offset] += starts[offset - 1];
    // Placed by column, each column's cells in row order; starts[offset] ends at the next one's start.
    for (let i = first; i < last; i++) {
      if (tag[i] === CellTag.Empty) continue;
      const offset = column[i] - firstColumn;
      if (offset >= 0 && column[i] <= lastColumn) order[starts[offset]++] = i;
    }
    let from = 0;
    for (let offset = 0; offset < width; offset++) {
      const to = starts[offset];
      if (to > from) accumulators[offset].addRun(batch, order, from, to);
      from = to;
    }
  }

  /** addRunAt's cells in the unnamed columns, each column's in row order. */
  private addUnnamedAt(batch: CellBatch, r0: number, r1: number): void {
    const { tag, column } = batch;
    const { firstColumn, lastColumn, left, right, unnamed } = this;
    for (let i = batch.rowStart(r0); i < batch.rowEnd[r1 - 1]; i++) {
      if (tag[i] === CellTag.Empty) continue;
      const c = column[i];
      if ((c >= left && c < firstColumn) || (c > lastColumn && c <= right))
        (unnamed.get(c) as ColumnAccumulator).addAt(batch, i);
    }
  }

  /** Whether a row after a blank gap is the header of another table rather than more data. */
  looksLikeNewHeader(row: BufferedRow): boolean {
    if (row.cells.length < 2 || !row.cells.every(isLabel)) return false;
    this.counted?.sync();
    if (new Set(row.cells.map((c) => c.norm)).size !== row.cells.length) return false;
    // Labels reaching past this table's columns: another table's header.
    if (row.cells.some((c) => c.column < this.firstColumn || c.column > this.lastColumn)) return true;
    // Text where this table has numbers or dates: a header, not data.
    return row.cells.some((c) => {
      const acc = this.accumulators[c.column - this.firstColumn];
      if (!acc || acc.nonEmpty === 0) return false;
      const { type } = acc.type();
      return !['string', 'id', 'email', 'url', 'boolean', 'phone', 'empty'].includes(type);
    });
  }

  finish(sheet: string, valueSampleCap: number, hiddenColumns: ReadonlySet<number>): TableFingerprint {
    this.close();
    const { accumulators, names, unnamed, left, right } = this;
    const taken = new Set(names.map(normaliseHeader));
    const columns: ColumnProfile[] = [];
    for (let column = left; column <= right; column++) {
      const inHeader = column >= this.firstColumn && column <= this.lastColumn;
      const acc = inHeader
        ? accumulators[column - this.firstColumn]
        : (unnamed.get(column) as ColumnAccumulator);
      const name = inHeader
        ? names[column - this.firstColumn]
        : uniqueName(`column_${columnLetters(column)}`, taken);
      const profile = acc.profile({ name, index: columns.length, rowCount: this.rowCount, valueSampleCap });
      if (hiddenColumns.has(column)) profile.hidden = true;
      columns.push(profile);
    }
    const lastRow = this.rowCount === 0 ? this.headerRow : this.lastDataRow;
    const table: TableFingerprint = {
      sheet,
      range: `${columnLetters(left)}${this.firstRow}:${columnLetters(right)}${lastRow}`,
      headerRow: this.headerRow,
      dataStartRow: this.headerRow + 1,
      rowCount: this.rowCount,
      columns,
      schemaHash: schemaHash(columns),
      headerRows: this.headerRows,
      hiddenRows: this.hiddenRows,
      contentSignature: this.digest.digest(),
    };
    if (this.title) table.title = this.title;
    if (this.totalsRow !== undefined) table.totalsRow = this.totalsRow;
    return table;
  }
}

function isLabel(cell: NormalisedCell): boolean {
  if (typeof cell.value !== 'string') return false;
  const text = cell.norm;
  return text.length <= MAX_HEADER_TEXT && !/^[+-]?[\d.,\s%$€£]+$/.test(text);
}

/**
 * Whether a batch row can go straight into the table: it holds a non-empty cell, its cells are in
 * column order, none of them is one addData must look at (outside the table's columns so far, unless
 * past a note the table ends before), and it cannot be a totals row (text first, then only numbers),
 * which isTotalsRow must read.
 */
function isPlainDataRow(batch: CellBatch, from: number, to: number, table: OpenTable): boolean {
  let cells = 0;
  let previousColumn = 0;
  let textFirst = false;
  let numbersAfter = true;
  for (let i = from; i < to; i++) {
    const tag = batch.tag[i] as CellTag;
    if (tag === CellTag.Empty) continue;
    const column = batch.column[i];
    if (column <= previousColumn) return false;
    previousColumn = column;
    if (column < table.firstColumn || column > table.lastColumn) {
      // In a column the table took in (addData): counted, but no part of the totals test. Past a
      // note the table ends before: not the table's. Else addData decides.
      if (column >= table.left && column <= table.right) continue;
      if (column < table.leftLimit || column > table.rightLimit) continue;
      return false;
    }
    const value = tag === CellTag.Value || tag === CellTag.Date ? batch.values[i] : null;
    if (cells++ === 0)
      textFirst = tag === CellTag.Text || tag === CellTag.Shared || typeof value === 'string';
    else if (tag !== CellTag.Number && typeof value !== 'number') numbersAfter = false;
  }
  if (previousColumn === 0) return false;
  return !(cells >= 2 && textFirst && numbersAfter);
}

function isTotalsRow(row: BufferedRow, table: OpenTable): boolean {
  const cells = row.cells.filter((c) => c.column >= table.firstColumn && c.column <= table.lastColumn);
  if (cells.length < 2 || typeof cells[0].value !== 'string' || !TOTALS.test(cells[0].norm)) return false;
  return cells.slice(1).every((c) => typeof c.value === 'number');
}

/**
 * A table's first SHORT_RUNS_UNTIL rows go to its columns in runs of SHORT_RUN_ROWS rows, later ones in
 * runs as long as the batch allows (addRunAt). V8 optimises the profile code while a fresh process
 * reads its first rows. With one long run per batch, the first column's values alone shaped that code
 * (in the bench CSV, 2,500 all-distinct integer ids), and each later column's kind of value threw it
 * away again: 18 deoptimisations on the first read of the bench CSV, against 4 with short runs; that
 * read took 384 -> 349 ms (medians of 12 interleaved processes). Each column still sees its values in
 * row order, so the profiles are the same. With the counting in WebAssembly (column.wasm.ts) the events
 * come back to that code: one long run per batch from the first row measured no faster (306 -> 321 ms).
 */
const SHORT_RUN_ROWS = 64;
const SHORT_RUNS_UNTIL = 4_096;

/**
 * Finds the tables of one sheet as its rows stream by: a title above the header is skipped, a header
 * may span two rows, a blank gap followed by a new header starts another table, and a totals row ends
 * one. Only the rows needed to take these decisions are buffered.
 */
export class SheetTables implements SheetSink {
  private readonly done: OpenTable[] = [];
  private current: OpenTable | null = null;
  /** Rows before a header was chosen. */
  private first: BufferedRow | null = null;
  private pending: BufferedRow[] = [];
  /** Lone cells after a blank gap: a title of the next table, or more data. */
  private held: BufferedRow[] = [];
  private previousRow = 0;
  private readonly options: TableOptions;
  /** Scratch for addRunAt: a batch's cell indices ordered by column. */
  private order = new Int32Array(0);

  constructor(
    private readonly sheet: string,
    options: Partial<TableOptions> | number = {},
  ) {
    const given = typeof options === 'number' ? { valueSampleCap: options } : options;
    this.options = {
      valueSampleCap: given.valueSampleCap ?? DEFAULT_LIMITS.valueSampleCap,
      distinctExactCap: given.distinctExactCap ?? DEFAULT_LIMITS.distinctExactCap,
      distinctTypedCap: given.distinctTypedCap ?? DEFAULT_LIMITS.distinctTypedCap,
      wasm: given.wasm ?? true,
    };
  }

  addRow(rowNumber: number, cells: readonly SheetCell[], hidden = false): void {
    const row: BufferedRow = { rowNumber, cells: [], hidden };
    let sorted = true;
    let previousColumn = 0;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (cell.column > MAX_COLUMNS) continue;
      const norm = normaliseValue(cell.value);
      if (norm === '') continue;
      // Completed in place: the reader's cell is this row's from now on.
      const c = cell as NormalisedCell;
      c.norm = norm;
      c.hash = hashValue(norm);
      c.check = checkHash(norm);
      if (cell.column <= previousColumn) sorted = false;
      previousColumn = cell.column;
      row.cells.push(c);
    }
    if (row.cells.length === 0) return;
    if (!sorted) row.cells.sort((a, b) => a.column - b.column);
    this.route(row);
  }

  /**
   * The rows of a batch. A row that only adds data to the open table goes straight from the batch
   * into its columns; a row the table finder must look at (a header, a title, a row after a gap, a
   * possible totals row) is materialised and takes the same path as addRow.
   */
  addBatch(batch: CellBatch): void {
    batch.complete();
    if (this.order.length < batch.cells) this.order = new Int32Array(batch.cells);
    // Plain data rows are added in runs (addRunAt); a run ends before any row the finder looks at.
    let runStart = 0;
    let runEnd = 0;
    for (let r = 0; r < batch.rows; r++) {
      const from = batch.rowStart(r);
      const to = batch.rowEnd[r];
      const rowNumber = batch.rowNumber[r];
      const table = this.current;
      if (
        table &&
        this.held.length === 0 &&
        !table.subHeaderPossible &&
        rowNumber === this.previousRow + 1 &&
        isPlainDataRow(batch, from, to, table)
      ) {
        this.previousRow = rowNumber;
        if (runEnd !== r) runStart = r;
        runEnd = r + 1;
        if (runEnd - runStart >= SHORT_RUN_ROWS && table.rowCount < SHORT_RUNS_UNTIL) {
          table.addRunAt(batch, runStart, runEnd, this.order);
          runStart = runEnd = 0;
        }
        continue;
      }
      if (runEnd > runStart) (this.current as OpenTable).addRunAt(batch, runStart, runEnd, this.order);
      runStart = runEnd = 0;
      const row: BufferedRow = { rowNumber, cells: [], hidden: batch.rowHidden[r] === 1 };
      for (let i = from; i < to; i++) if (batch.tag[i] !== CellTag.Empty) row.cells.push(batch.cell(i));
      if (row.cells.length === 0) continue;
      row.cells.sort((a, b) => a.column - b.column);
      this.route(row);
    }
    if (runEnd > runStart) (this.current as OpenTable).addRunAt(batch, runStart, runEnd, this.order);
  }

  /** Where a non-empty row goes: the header detection, the open table, or a decision held over. */
  private route(row: BufferedRow): void {
    const { rowNumber } = row;
    const gap = rowNumber > this.previousRow + 1;
    this.previousRow = rowNumber;

    const table = this.current;
    if (!table) return this.detect(row);
    if (table.subHeaderPossible && table.rowCount === 0 && table.tryJoinSubHeader(row)) return;
    table.subHeaderPossible = false;

    if (this.held.length) {
      if (table.looksLikeNewHeader(row)) {
        const title = this.held.map((h) => displayText(h.cells[0].value)).join(' ');
        this.held = [];
        this.close();
        return this.startTable(row, title);
      }
      const held = this.held;
      this.held = [];
      for (const h of held) table.addData(h);
      return table.addData(row);
    }
    if (isTotalsRow(row, table)) {
      table.totalsRow = rowNumber;
      this.close();
      return;
    }
    if (gap && table.rowCount > 0 && table.looksLikeNewHeader(row)) {
      this.close();
      return this.detect(row);
    }
    if (gap && table.rowCount > 0 && row.cells.length === 1 && isLabel(row.cells[0])) {
      this.held.push(row);
      if (this.held.length > MAX_HELD_ROWS) {
        const held = this.held;
        this.held = [];
        for (const h of held) table.addData(h);
      }
      return;
    }
    table.addData(row);
  }

  /** Header detection: a row of two or more cells, possibly below a title within a few rows. */
  private detect(row: BufferedRow): void {
    if (!this.first) {
      if (row.cells.length !== 1) return this.startTable(row, undefined);
      this.first = row;
      return;
    }
    if (row.rowNumber > this.first.rowNumber + TITLE_LOOKAHEAD_ROWS) {
      if (row.cells.length >= 2 && row.cells.every(isLabel)) {
        // A lone line far above a real header: a note or title, not a one-column table.
        const title = displayText(this.first.cells[0].value);
        this.first = null;
        this.pending = [];
        return this.startTable(row, title);
      }
      const first = this.first;
      const pending = this.pending;
      this.first = null;
      this.pending = [];
      this.startTable(first, undefined);
      for (const r of [...pending, row]) this.route(r);
      return;
    }
    if (row.cells.length >= 2) {
      const title = [this.first, ...this.pending].map((r) => displayText(r.cells[0].value)).join(' ');
      this.first = null;
      this.pending = [];
      return this.startTable(row, title);
    }
    this.pending.push(row);
  }

  private startTable(header: BufferedRow, title: string | undefined): void {
    this.current = new OpenTable(header, title || undefined, this.options);
  }

  private close(): void {
    this.current?.close();
    if (this.current) this.done.push(this.current);
    this.current = null;
  }

  /**
   * The sheet's rows have all been added: the open table's counting ends, and its WebAssembly memory
   * goes back to the pool for the next sheet's tables (finish() would, but it waits for every sheet).
   */
  endRows(): void {
    this.current?.close();
  }

  /** The sheet's tables in order; none when the sheet had no non-empty cell. */
  finish(hiddenColumns: ReadonlySet<number> = new Set()): TableFingerprint[] {
    if (this.first) {
      const first = this.first;
      const pending = this.pending;
      this.first = null;
      this.pending = [];
      this.startTable(first, undefined);
      for (const r of pending) this.route(r);
    }
    // Lone lines after a gap at the end of the sheet are footnotes ("Source: ERP export"), not data.
    this.held = [];
    this.close();
    // A lone line with nothing under it, next to real tables, is a note or a footnote.
    const tables = this.done.filter(
      (t, _, all) => !(all.length > 1 && t.rowCount === 0 && t.names.length === 1),
    );
    return tables.map((t) => t.finish(this.sheet, this.options.valueSampleCap, hiddenColumns));
  }
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(normaliseHeader(name)); n++) name = `${base} (${n})`;
  taken.add(normaliseHeader(name));
  return name;
}

export function schemaHash(columns: readonly Pick<ColumnProfile, 'name' | 'type'>[]): string {
  const canonical = JSON.stringify(columns.map((c) => [normaliseHeader(c.name), c.type]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
