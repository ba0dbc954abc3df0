import { MAX_COLUMNS } from './limits';
import type { CsvScanOutput } from './csv.scan';
import { type CellScalar, normaliseValue } from './normalise';
import type { NumberKind } from './number-format';
import type { RowEvent } from './sheet.source';
import { type SheetCell, sheetCell } from './table.builder';
import { Hashed, hashed, hashNorm } from './value.hash';

/** How a cell of a batch holds its value. */
export const enum CellTag {
  /** Dropped: its value normalised to '' (blank text). */
  Empty,
  /** ASCII text at `bytes[start, end)`, hashed by the reader. */
  Text,
  /** A shared string, index `start`, hashed by the reader. */
  Shared,
  /** A number in `num`, hashed by the reader. */
  Number,
  /** Anything else: the value is in `values`, normalised and hashed by `complete()`. */
  Value,
  /** A Date in `values`, hashed when added (addDate): a date column repeats a few values. */
  Date,
}

/** Number format kinds as small codes, 0 for none. */
export const NUMBER_KINDS: ReadonlyArray<NumberKind | undefined> = [
  undefined,
  'general',
  'number',
  'currency',
  'percent',
  'date',
  'datetime',
  'time',
  'text',
];

export function kindCode(kind: NumberKind | undefined): number {
  return kind === undefined ? 0 : NUMBER_KINDS.indexOf(kind);
}

/** A non-empty cell with its normal form: what the table finder decides on and the profiles count. */
export interface NormalisedCell {
  column: number;
  value: CellScalar;
  kind?: NumberKind;
  norm: string;
  /** hash32(norm), shared by the sketch and the content digest. */
  hash: number;
  /** checkHash(norm): with `hash`, the value's identity among a column's distinct values. */
  check: number;
}

export interface SharedStringSource {
  /** The string at `index`, decoded afresh (no cache: the profiles ask for each cell once). */
  textAt(index: number): string | undefined;
}

/**
 * Small to start with, and doubled as a chunk needs (a 256 KB chunk of sheet XML holds some 2,000 rows):
 * most spreadsheets are small, and a batch made at full size cost ~5 ms per sheet in allocation alone.
 */
const INITIAL_ROWS = 256;
const INITIAL_CELLS = 2048;

/**
 * Consecutive rows of one sheet, column-wise: typed arrays instead of an object per cell. Readers
 * write cells they could normalise and hash from the bytes (most of them) with their hash, and the
 * rest as values; the table finder and the column profiles work on the hashes and materialise a cell
 * (`cell(i)`) only where they need its text: headers, titles, new distinct values, samples.
 *
 * A reader reuses one batch: it is valid until the reader is asked for the next one.
 */
export class CellBatch {
  rows = 0;
  rowNumber = new Uint32Array(INITIAL_ROWS);
  rowHidden = new Uint8Array(INITIAL_ROWS);
  /** Cells of row r are [rowEnd[r - 1], rowEnd[r]). */
  rowEnd = new Uint32Array(INITIAL_ROWS);
  /** Per row, cells the reader saw past MAX_COLUMNS: counted against the limits, not kept. */
  rowDropped = new Uint32Array(INITIAL_ROWS);
  cells = 0;
  column = new Uint32Array(INITIAL_CELLS);
  tag = new Uint8Array(INITIAL_CELLS);
  kind = new Uint8Array(INITIAL_CELLS);
  hash = new Uint32Array(INITIAL_CELLS);
  check = new Uint32Array(INITIAL_CELLS);
  /** Length of the normal form, in characters. */
  length = new Uint32Array(INITIAL_CELLS);
  num = new Float64Array(INITIAL_CELLS);
  start = new Uint32Array(INITIAL_CELLS);
  end = new Uint32Array(INITIAL_CELLS);
  /**
   * Value cells' values, and their normal forms once complete() has them (kept dense: a holey array
   * written out of order turns into a dictionary).
   */
  values: CellScalar[] = new Array<CellScalar>(INITIAL_CELLS).fill(null);
  private norms: string[] = new Array<string>(INITIAL_CELLS).fill('');
  /** Where Text cells' bytes are. */
  bytes: Buffer = Buffer.alloc(0);
  strings: SharedStringSource | null = null;
  /** Value cells added since complete() last ran. */
  private valueCells = 0;
  /** Whether a cell since clear() is a number or has a number format: else `num` and `kind` say nothing. */
  numbered = false;
  /**
   * Whether a cell since clear() is Text (a CSV's): its `start` and `end` are positions in `bytes`, in
   * order, and so are those of the scanner's Value cells.
   */
  hasText = false;

  clear(): void {
    this.rows = 0;
    this.cells = 0;
    this.valueCells = 0;
    this.numbered = false;
    this.hasText = false;
  }

  startRow(rowNumber: number, hidden: boolean): void {
    if (this.rows === this.rowNumber.length) this.growRows();
    const r = this.rows++;
    this.rowNumber[r] = rowNumber;
    this.rowHidden[r] = hidden ? 1 : 0;
    this.rowEnd[r] = this.cells;
    this.rowDropped[r] = 0;
  }

  /** Drops the row being written when it turned out to hold nothing (a reader's false start). */
  cancelRow(): void {
    this.rows--;
    this.cells = this.rows === 0 ? 0 : this.rowEnd[this.rows - 1];
  }

  rowStart(r: number): number {
    return r === 0 ? 0 : this.rowEnd[r - 1];
  }

  /** Whether the next cell is kept; one past MAX_COLUMNS is only counted. */
  private next(column: number): number {
    if (column > MAX_COLUMNS) {
      this.rowDropped[this.rows - 1]++;
      return -1;
    }
    if (this.cells === this.column.length) this.growCells();
    const i = this.cells++;
    this.column[i] = column;
    this.rowEnd[this.rows - 1] = this.cells;
    return i;
  }

  /** A cell hashed by the reader (`hashed`): text at bytes[start, end), or a shared string. */
  addHashed(column: number, tag: CellTag.Text | CellTag.Shared, start: number, end: number): void {
    const i = this.next(column);
    if (i < 0) return;
    this.tag[i] = tag;
    this.kind[i] = 0;
    if (tag === CellTag.Text) this.hasText = true;
    this.setHash(i);
    this.start[i] = start;
    this.end[i] = end;
  }

  /** A number hashed by the reader (`hashed`). */
  addNumber(column: number, value: number, kind: number): void {
    const i = this.next(column);
    if (i < 0) return;
    this.tag[i] = CellTag.Number;
    this.kind[i] = kind;
    this.numbered = true;
    this.setHash(i);
    this.num[i] = value;
  }

  /** A cell for the string path: complete() normalises and hashes it. */
  addValue(column: number, value: CellScalar, kind = 0): void {
    const i = this.next(column);
    if (i < 0) return;
    this.tag[i] = CellTag.Value;
    this.kind[i] = kind;
    if (kind !== 0) this.numbered = true;
    this.values[i] = value;
    this.valueCells++;
  }

  /**
   * A valid Date: hashed here through a small cache of its normal form's hashes, for the dates of a
   * column repeat (a few hundred days over many rows), where the string path made and hashed its ISO
   * text cell by cell.
   */
  addDate(column: number, date: Date, kind: number): void {
    const i = this.next(column);
    if (i < 0) return;
    this.tag[i] = CellTag.Date;
    this.kind[i] = kind;
    if (kind !== 0) this.numbered = true;
    this.values[i] = date;
    hashDate(date);
    this.setHash(i);
  }

  /**
   * The records a WebAssembly scanner wrote column-wise (csv.scan.ts), numbered from `firstRowNumber`:
   * each array copied at once. Their Text cells lie in `bytes`, which must be the bytes scanned; the
   * cells left for the string path are decoded from them here.
   */
  appendScanned(out: CsvScanOutput, firstRowNumber: number): void {
    const { rows, cells } = out;
    while (this.rows + rows > this.rowNumber.length) this.growRows();
    while (this.cells + cells > this.column.length) this.growCells();
    const r = this.rows;
    const c = this.cells;
    for (let k = 0; k < rows; k++) this.rowNumber[r + k] = firstRowNumber + k;
    this.rowHidden.fill(0, r, r + rows);
    this.rowDropped.fill(0, r, r + rows);
    this.rowEnd.set(out.rowEnds.subarray(0, rows), r);
    this.column.set(out.columns.subarray(0, cells), c);
    this.tag.set(out.tags.subarray(0, cells), c);
    this.kind.fill(0, c, c + cells);
    this.hash.set(out.hashes.subarray(0, cells), c);
    this.check.set(out.checks.subarray(0, cells), c);
    this.length.set(out.lengths.subarray(0, cells), c);
    this.start.set(out.starts.subarray(0, cells), c);
    this.end.set(out.ends.subarray(0, cells), c);
    for (let v = 0; v < out.values; v++) {
      const i = out.valueCells[v];
      this.values[i] = this.bytes.toString('utf8', this.start[i], this.end[i]);
    }
    this.valueCells += out.values;
    if (cells > 0) this.hasText = true;
    this.rows += rows;
    this.cells += cells;
  }

  private setHash(i: number): void {
    this.hash[i] = hashed[Hashed.Hash];
    this.check[i] = hashed[Hashed.Check];
    this.length[i] = hashed[Hashed.Length];
  }

  /** Normalises and hashes the Value cells; those that are blank become Empty. */
  complete(): void {
    // Most batches of a byte reader have none: no pass over every cell to find them.
    if (this.valueCells === 0) return;
    this.valueCells = 0;
    for (let i = 0; i < this.cells; i++) {
      if (this.tag[i] !== CellTag.Value) continue;
      const norm = normaliseValue(this.values[i]);
      if (norm === '') {
        this.tag[i] = CellTag.Empty;
        continue;
      }
      hashNorm(norm);
      this.setHash(i);
      this.norms[i] = norm;
    }
  }

  /** The value of cell i, as the string path would have it. */
  value(i: number): CellScalar {
    switch (this.tag[i] as CellTag) {
      case CellTag.Text:
        return this.bytes.toString('latin1', this.start[i], this.end[i]);
      case CellTag.Shared:
        return this.strings?.textAt(this.start[i]) ?? null;
      case CellTag.Number:
        return this.num[i];
      default:
        return this.values[i] ?? null;
    }
  }

  /** The normal form of cell i. */
  norm(i: number): string {
    return this.tag[i] === CellTag.Value ? this.norms[i] : normaliseValue(this.value(i));
  }

  /** Cell i as an object, with its normal form. */
  cell(i: number): NormalisedCell {
    const value = this.value(i);
    const norm = this.tag[i] === CellTag.Value ? this.norms[i] : normaliseValue(value);
    return {
      column: this.column[i],
      value,
      kind: NUMBER_KINDS[this.kind[i]],
      norm,
      hash: this.hash[i],
      check: this.check[i],
    };
  }

  private growRows(): void {
    const size = this.rowNumber.length * 2;
    this.rowNumber = widen(this.rowNumber, new Uint32Array(size));
    this.rowHidden = widen(this.rowHidden, new Uint8Array(size));
    this.rowEnd = widen(this.rowEnd, new Uint32Array(size));
    this.rowDropped = widen(this.rowDropped, new Uint32Array(size));
  }

  private growCells(): void {
    const size = this.column.length * 2;
    this.column = widen(this.column, new Uint32Array(size));
    this.tag = widen(this.tag, new Uint8Array(size));
    this.kind = widen(this.kind, new Uint8Array(size));
    this.hash = widen(this.hash, new Uint32Array(size));
    this.check = widen(this.check, new Uint32Array(size));
    this.length = widen(this.length, new Uint32Array(size));
    this.num = widen(this.num, new Float64Array(size));
    this.start = widen(this.start, new Uint32Array(size));
    this.end = widen(this.end, new Uint32Array(size));
    const values = new Array<CellScalar>(size).fill(null);
    const norms = new Array<string>(size).fill('');
    for (let i = 0; i < this.cells; i++) {
      values[i] = this.values[i];
      norms[i] = this.norms[i];
    }
    this.values = values;
    this.norms = norms;
  }
}

const DATE_SLOTS = 1024;
/** Per slot, the time of the date whose hashes it holds (NaN: none), and those hashes. */
const dateTimes = new Float64Array(DATE_SLOTS).fill(NaN);
const dateHashes = new Uint32Array(DATE_SLOTS * 3);

/** Sets `hashed` as hashNorm(normaliseValue(date)) would, for a valid Date. */
function hashDate(date: Date): void {
  const time = date.getTime();
  // By day: a date column's values are mostly whole days, and neighbouring days take neighbouring slots.
  const slot = Math.floor(time / 86_400_000) & (DATE_SLOTS - 1);
  const at = slot * 3;
  if (dateTimes[slot] !== time) {
    hashNorm(normaliseValue(date));
    dateTimes[slot] = time;
    dateHashes[at] = hashed[Hashed.Hash];
    dateHashes[at + 1] = hashed[Hashed.Check];
    dateHashes[at + 2] = hashed[Hashed.Length];
    return;
  }
  hashed[Hashed.Hash] = dateHashes[at];
  hashed[Hashed.Check] = dateHashes[at + 1];
  hashed[Hashed.Length] = dateHashes[at + 2];
}

/** `to` (a larger array) holding `from`'s elements at the start: how the typed arrays here grow. */
export function widen<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** A batch as row events with a cell object each: for consumers that want values, not profiles. */
export function rowEvents(batch: CellBatch): RowEvent[] {
  const rows: RowEvent[] = [];
  for (let r = 0; r < batch.rows; r++) {
    const cells: SheetCell[] = [];
    for (let i = batch.rowStart(r); i < batch.rowEnd[r]; i++) {
      cells.push(sheetCell(batch.column[i], batch.value(i), NUMBER_KINDS[batch.kind[i]]));
    }
    const row: RowEvent = { kind: 'row', rowNumber: batch.rowNumber[r], cells };
    if (batch.rowHidden[r]) row.hidden = true;
    rows.push(row);
  }
  return rows;
}
