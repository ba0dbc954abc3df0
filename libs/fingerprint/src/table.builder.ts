import { createHash } from 'node:crypto';
import type { ColumnProfile, ColumnType, TableFingerprint } from '@shadowscan/domain';
import { TypeTally, typeFits } from './column-type';
import { type CellScalar, columnLetters, displayText, normaliseHeader, normaliseValue } from './normalise';

/** A non-empty cell as a reader hands it over; `column` is 1-based. */
export interface SheetCell {
  column: number;
  value: CellScalar;
}

/** Receives the rows of one sheet in order; `rowNumber` is 1-based and increasing. */
export interface SheetSink {
  addRow(rowNumber: number, cells: readonly SheetCell[]): void;
}

/** How many rows below a lone title cell the real header may start. */
const TITLE_LOOKAHEAD_ROWS = 5;

/** Excel's own width limit; a wider CSV row would otherwise allocate a profile per column. */
export const MAX_COLUMNS = 16_384;

interface NormalisedCell {
  column: number;
  value: CellScalar;
  norm: string;
}

interface BufferedRow {
  rowNumber: number;
  cells: NormalisedCell[];
}

interface DistinctValue {
  fits: number;
  count: number;
}

class ColumnAccumulator {
  nonEmpty = 0;
  /** By normalised value, in first-seen order; each distinct value is classified once. */
  readonly distinct = new Map<string, DistinctValue>();

  add(cell: NormalisedCell): void {
    this.nonEmpty++;
    const seen = this.distinct.get(cell.norm);
    if (seen) seen.count++;
    else this.distinct.set(cell.norm, { fits: typeFits(cell.value, cell.norm), count: 1 });
  }

  type(): { type: ColumnType; typeShare: number } {
    const tally = new TypeTally();
    for (const { fits, count } of this.distinct.values()) tally.add(fits, count);
    return tally.result();
  }
}

/**
 * Turns the rows of one sheet into a table fingerprint, streaming: only the few rows needed to find
 * the header are buffered.
 */
export class TableBuilder implements SheetSink {
  private first: BufferedRow | null = null;
  private pending: BufferedRow[] = [];
  private header: BufferedRow | null = null;
  private firstColumn = 0;
  private lastColumn = 0;
  private names: string[] = [];
  private accumulators: ColumnAccumulator[] = [];
  private rowCount = 0;
  private lastDataRow = 0;

  constructor(
    private readonly sheet: string,
    private readonly valueSampleCap: number,
  ) {}

  addRow(rowNumber: number, cells: readonly SheetCell[]): void {
    const row: BufferedRow = { rowNumber, cells: [] };
    for (const cell of cells) {
      if (cell.column > MAX_COLUMNS) continue;
      const norm = normaliseValue(cell.value);
      if (norm !== '') row.cells.push({ column: cell.column, value: cell.value, norm });
    }
    if (row.cells.length === 0) return;

    if (this.header) return this.addData(row);
    if (!this.first) {
      this.first = row;
      if (row.cells.length !== 1) this.setHeader(row, []);
      return;
    }
    // Waiting to see whether the first row was a title above the real header.
    if (row.rowNumber > this.first.rowNumber + TITLE_LOOKAHEAD_ROWS) {
      this.setHeader(this.first, [...this.pending, row]);
    } else if (row.cells.length >= 2) {
      this.setHeader(row, []);
    } else {
      this.pending.push(row);
    }
  }

  /** The table, or null when the sheet had no non-empty cell. */
  finish(): TableFingerprint | null {
    if (!this.header) {
      if (!this.first) return null;
      this.setHeader(this.first, this.pending);
    }
    const header = this.header as BufferedRow;
    const columns: ColumnProfile[] = this.accumulators.map((acc, index) => {
      const { type, typeShare } = acc.type();
      const values: string[] = [];
      for (const v of acc.distinct.keys()) {
        if (values.length >= this.valueSampleCap) break;
        values.push(v);
      }
      return {
        name: this.names[index],
        index,
        type,
        typeShare,
        nullRatio: this.rowCount === 0 ? 0 : (this.rowCount - acc.nonEmpty) / this.rowCount,
        distinct: acc.distinct.size,
        values,
      };
    });
    const lastRow = this.rowCount === 0 ? header.rowNumber : this.lastDataRow;
    return {
      sheet: this.sheet,
      range: `${columnLetters(this.firstColumn)}${header.rowNumber}:${columnLetters(this.lastColumn)}${lastRow}`,
      headerRow: header.rowNumber,
      rowCount: this.rowCount,
      columns,
      schemaHash: schemaHash(columns),
    };
  }

  private setHeader(header: BufferedRow, dataRows: BufferedRow[]): void {
    this.header = header;
    this.first = null;
    this.pending = [];
    this.firstColumn = header.cells.reduce((min, c) => Math.min(min, c.column), Infinity);
    this.lastColumn = header.cells.reduce((max, c) => Math.max(max, c.column), 0);
    const byColumn = new Map(header.cells.map((c) => [c.column, c.value]));
    const taken = new Set<string>();
    for (let column = this.firstColumn; column <= this.lastColumn; column++) {
      const value = byColumn.get(column);
      const base = value === undefined ? `column_${columnLetters(column)}` : displayText(value);
      this.names.push(uniqueName(base, taken));
      this.accumulators.push(new ColumnAccumulator());
    }
    for (const row of dataRows) this.addData(row);
  }

  private addData(row: BufferedRow): void {
    let inTable = false;
    for (const cell of row.cells) {
      if (cell.column < this.firstColumn || cell.column > this.lastColumn) continue;
      this.accumulators[cell.column - this.firstColumn].add(cell);
      inTable = true;
    }
    if (!inTable) return;
    this.rowCount++;
    this.lastDataRow = row.rowNumber;
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
