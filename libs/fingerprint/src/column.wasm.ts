import { MINHASH_SIZE } from '@shadowscan/domain';
import { type CellBatch, CellTag, type NormalisedCell, kindCode, NUMBER_KINDS } from './cell.batch';
import { type ColumnAccumulator, type CountedState, SHAPE_CODES } from './column.profile';
import { CHARACTER_CLASSES } from './column-type';
import { normaliseValue } from './normalise';
import type { NumberKind } from './number-format';
import type { TableOptions } from './table.builder';
import { wasmInstance } from './wasm.loader';

/**
 * The counting half of an open table's column profiles in WebAssembly (wasm/columns.ts): the row digest,
 * each value's look-up among its column's distinct values and their counts, the choice of values
 * sampled for classification, the MinHash sketch and the ranges. It does per cell what
 * ColumnAccumulator.addAt does, for every cell of a run at once; the cells whose text is needed (new
 * distinct values that are classified or kept, picked samples, the first samples) come back as events,
 * which the accumulators take (ColumnAccumulator.takeCounted); the module classifies the plain text
 * among them where it can (wasm/text-class.ts). When the table closes, the counts are copied into the
 * accumulators (adopt()) and the module's memory goes back to a pool.
 *
 * In JavaScript this was more than half of a fresh process's read of the bench CSV (with it stubbed out,
 * ~190 ms instead of ~400). A table whose columns do not fit in the module's memory, or a checkout
 * where the module is not built, is profiled by the JavaScript alone, with the same result.
 */

interface ColumnsExports {
  memory: { buffer: ArrayBuffer };
  layout(at: number, cells: number, rows: number): number;
  region(k: number): number;
  reset(): void;
  openTable(width: number): number;
  addColumn(table: number, offset: number, exactCap: number, typedCap: number, materialised: number): number;
  columnAt(table: number, offset: number): number;
  run(
    table: number,
    rows: number,
    firstCell: number,
    firstColumn: number,
    lastColumn: number,
    digestFirst: number,
    digestLast: number,
    numbered: number,
    byteFrom: number,
    byteCount: number,
  ): void;
  addOne(
    column: number,
    hash: number,
    check: number,
    tag: number,
    number: number,
    length: number,
    kind: number,
  ): void;
  digestAddCell(table: number, offset: number, hash: number): void;
  digestRowEnd(table: number): void;
  classifyBytes(length: number): number;
  classifiedShape(check: number): number;
  eventsWritten(): number;
  rowsAdded(): number;
  hiddenRowsAdded(): number;
  lastRowAdded(): number;
}

/** Where the input starts, above the module's own data; its room in cells and rows per run() call. */
const INPUT = 64 * 1024;
const CELLS = 64 * 1024;
const ROWS = 16 * 1024;
/** Per event: cell, column offset, slot, weight, flags, and the fits and shape hashes of text it classified. */
const EVENT_FIELDS = 8;
/** Room for the bytes of a run's text cells: a run whose text spans more leaves its samples to the JavaScript. */
const BYTES = 1 << 20;
/** An event's fits when the module did not classify its value. */
const NOT_CLASSIFIED = -1;

/** A column's state in the module's memory: byte offsets (wasm/columns.ts). */
const enum Field {
  NonEmpty = 0,
  Distinct = 4,
  Overflowed = 20,
  Counts = 40,
  Mins = 60,
  Sketched = 64,
  MinLength = 68,
  MaxLength = 72,
  KindSeen = 80,
  MinNumber = 88,
  MaxNumber = 96,
  KindCounts = 104,
  KindOrder = 104 + 16 * 4,
}
const DIGEST_A = 0;
const DIGEST_B = 4;
const DIGEST_ROWS = 8;

/** What region() of wasm/columns.ts is asked for. */
const enum Region {
  Number,
  Column,
  Hash,
  Check,
  Length,
  RowEnd,
  Events,
  Tag,
  Kind,
  RowHidden,
  Start,
  End,
  Bytes,
  ClassTables,
}

/** One instance of the module, with views of its input and events (its memory never grows). */
class ColumnsModule {
  readonly number: Float64Array;
  readonly column: Uint32Array;
  readonly hash: Uint32Array;
  readonly check: Uint32Array;
  readonly length: Uint32Array;
  readonly rowEnd: Uint32Array;
  readonly events: Int32Array;
  readonly tag: Uint8Array;
  readonly kind: Uint8Array;
  readonly rowHidden: Uint8Array;
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  readonly bytes: Uint8Array;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;

  constructor(readonly wasm: ColumnsExports) {
    const { buffer } = wasm.memory;
    const heap = wasm.layout(INPUT, CELLS, ROWS);
    if (heap >= buffer.byteLength) throw new Error(`columns.wasm: no heap left above its input (${heap})`);
    const at = (region: Region) => wasm.region(region);
    this.number = new Float64Array(buffer, at(Region.Number), CELLS);
    this.column = new Uint32Array(buffer, at(Region.Column), CELLS);
    this.hash = new Uint32Array(buffer, at(Region.Hash), CELLS);
    this.check = new Uint32Array(buffer, at(Region.Check), CELLS);
    this.length = new Uint32Array(buffer, at(Region.Length), CELLS);
    this.rowEnd = new Uint32Array(buffer, at(Region.RowEnd), ROWS);
    this.events = new Int32Array(buffer, at(Region.Events), CELLS * EVENT_FIELDS);
    this.tag = new Uint8Array(buffer, at(Region.Tag), CELLS);
    this.kind = new Uint8Array(buffer, at(Region.Kind), CELLS);
    this.rowHidden = new Uint8Array(buffer, at(Region.RowHidden), ROWS);
    this.start = new Uint32Array(buffer, at(Region.Start), CELLS);
    this.end = new Uint32Array(buffer, at(Region.End), CELLS);
    this.bytes = new Uint8Array(buffer, at(Region.Bytes), BYTES);
    // The character tables the module classifies text with: the JavaScript's own.
    const tables = at(Region.ClassTables);
    new Uint16Array(buffer, tables, 128).set(CHARACTER_CLASSES.has);
    new Uint16Array(buffer, tables + 256, 128).set(CHARACTER_CLASSES.only);
    new Uint8Array(buffer, tables + 512, 128).set(SHAPE_CODES);
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }
}

const pool: ColumnsModule[] = [];
/** Instances kept for reuse (one per table open at a time; a scan opens one at a time per file). */
const POOL_SIZE = 4;
/** Instances made in this thread, and those held by open tables. */
const modules = { created: 0, inUse: 0 };

/** How many instances this thread made and how many open tables hold one (for tests and diagnostics). */
export function columnsModules(): { created: number; inUse: number } {
  return { ...modules };
}

function acquire(): ColumnsModule | null {
  let module = pool.pop();
  if (!module) {
    const wasm = wasmInstance<ColumnsExports>('columns');
    if (!wasm) return null;
    module = new ColumnsModule(wasm);
    modules.created++;
  }
  modules.inUse++;
  return module;
}

function release(module: ColumnsModule): void {
  module.wasm.reset();
  modules.inUse--;
  if (pool.length < POOL_SIZE) pool.push(module);
}

/**
 * For the tests: what the module makes of a text cell's bytes, the type fits of their normal form (-1:
 * left to the JavaScript) and its shape's hashes; null where the module is not built.
 */
export function classifyInModule(
  text: Buffer,
): { fits: number; shapeHash: number; shapeCheck: number } | null {
  const module = acquire();
  if (!module) return null;
  try {
    module.bytes.set(text);
    const fits = module.wasm.classifyBytes(text.length);
    return {
      fits,
      shapeHash: module.wasm.classifiedShape(0) | 0,
      shapeCheck: module.wasm.classifiedShape(1) | 0,
    };
  } finally {
    release(module);
  }
}

/** What adopt() takes from the module for one column: see ColumnAccumulator. */
function countedState(module: ColumnsModule, column: number, typedCap: number): CountedState {
  const { u8, u32, i32, f64 } = module;
  const at = (field: Field) => (column + field) >>> 2;
  const distinct = u32[at(Field.Distinct)];
  const counts = u32[at(Field.Counts)] >>> 2;
  const mins = u32[at(Field.Mins)] >>> 2;
  const kinds: CountedState['kinds'] = [];
  for (let k = 0; k < u32[at(Field.KindSeen)]; k++) {
    const code = u8[column + Field.KindOrder + k];
    kinds.push([NUMBER_KINDS[code] as NumberKind, u32[at(Field.KindCounts) + code]]);
  }
  const minLength = i32[at(Field.MinLength)];
  return {
    nonEmpty: u32[at(Field.NonEmpty)],
    distinct,
    overflowed: u32[at(Field.Overflowed)] !== 0,
    counts: u32.slice(counts, counts + Math.min(distinct, typedCap)),
    mins: u32[at(Field.Sketched)] === 0 ? null : u32.slice(mins, mins + MINHASH_SIZE),
    minLength: minLength === 0x7fffffff ? Infinity : minLength,
    maxLength: minLength === 0x7fffffff ? -Infinity : i32[at(Field.MaxLength)],
    minNumber: f64[(column + Field.MinNumber) >>> 3],
    maxNumber: f64[(column + Field.MaxNumber) >>> 3],
    kinds,
  };
}

/** The counting of one open table in an instance of the module; see the top of this file. */
export class WasmTable {
  private readonly columns: number[] = [];
  /** What the last run() added. */
  rowsAdded = 0;
  hiddenRowsAdded = 0;
  /** The batch row of the last row added, or -1. */
  lastRowAdded = -1;

  private constructor(
    private module: ColumnsModule | null,
    private readonly table: number,
    private readonly accumulators: readonly ColumnAccumulator[],
    private readonly typedCap: number,
  ) {}

  /**
   * Counting for a table's accumulators (none has data yet) in WebAssembly; null where the module is
   * not built or their columns do not fit in its memory.
   */
  static open(accumulators: readonly ColumnAccumulator[], options: TableOptions): WasmTable | null {
    if (!options.wasm || accumulators.length === 0) return null;
    const module = acquire();
    if (!module) return null;
    const { distinctExactCap: exactCap, distinctTypedCap: typedCap, valueSampleCap: kept } = options;
    const materialised = Math.min(exactCap, Math.max(typedCap, kept));
    const fits = exactCap < 2 ** 26 && typedCap < 2 ** 31;
    const table = fits ? module.wasm.openTable(accumulators.length) : 0;
    let placed = table !== 0;
    for (let offset = 0; placed && offset < accumulators.length; offset++) {
      placed = module.wasm.addColumn(table, offset, exactCap, typedCap, materialised) !== 0;
    }
    if (!placed) {
      release(module);
      return null;
    }
    // Its own list: the caller's may grow (a second header line widens a table) before this closes.
    const counted = new WasmTable(module, table, accumulators.slice(), typedCap);
    for (let offset = 0; offset < accumulators.length; offset++) {
      counted.columns.push(module.wasm.columnAt(table, offset));
    }
    return counted;
  }

  /**
   * Adds the batch rows [r0, r1), plain data rows in column order, to the table (OpenTable.addRunAt):
   * copied into the module's input as many rows at a time as fit, counted there, then the events taken.
   * The cells of [firstColumn, lastColumn] are counted; a row is the table's, and in its digest, by
   * its cells in [rowFirst, rowLast] (which holds those): the others the caller counts.
   */
  run(
    batch: CellBatch,
    r0: number,
    r1: number,
    firstColumn: number,
    lastColumn: number,
    rowFirst = firstColumn,
    rowLast = lastColumn,
  ): void {
    const module = this.live();
    this.rowsAdded = 0;
    this.hiddenRowsAdded = 0;
    this.lastRowAdded = -1;
    for (let r = r0; r < r1;) {
      const first = batch.rowStart(r);
      let end = r1;
      if (end - r > ROWS || batch.rowEnd[end - 1] - first > CELLS) {
        end = r;
        while (end < r1 && end - r < ROWS && batch.rowEnd[end] - first <= CELLS) end++;
        // A row has at most MAX_COLUMNS cells, far fewer than CELLS.
        if (end === r) throw new Error(`column counting: a row of ${batch.rowEnd[r] - first} cells`);
      }
      const last = batch.rowEnd[end - 1];
      module.column.set(batch.column.subarray(first, last));
      module.tag.set(batch.tag.subarray(first, last));
      module.hash.set(batch.hash.subarray(first, last));
      module.check.set(batch.check.subarray(first, last));
      module.length.set(batch.length.subarray(first, last));
      // A batch of text alone (a CSV file's) has no numbers or formats to copy.
      if (batch.numbered) {
        module.kind.set(batch.kind.subarray(first, last));
        module.number.set(batch.num.subarray(first, last));
      }
      module.rowEnd.set(batch.rowEnd.subarray(r, end));
      module.rowHidden.set(batch.rowHidden.subarray(r, end));
      // Text cells' bytes, for the module to classify: a CSV's, whose cells lie in order. A cell the span
      // misses (one the JavaScript tokenizer made a value, with no position) is classified by the
      // JavaScript: the module checks every Text cell lies within the bytes it was given.
      let byteFrom = 0;
      let byteCount = 0;
      if (batch.hasText) {
        byteFrom = batch.start[first];
        byteCount = batch.end[last - 1] - byteFrom;
        if (byteCount > 0 && byteCount <= BYTES && byteFrom + byteCount <= batch.bytes.length) {
          module.start.set(batch.start.subarray(first, last));
          module.end.set(batch.end.subarray(first, last));
          module.bytes.set(batch.bytes.subarray(byteFrom, byteFrom + byteCount));
        } else byteCount = 0;
      }
      module.wasm.run(
        this.table,
        end - r,
        first,
        firstColumn,
        lastColumn,
        rowFirst,
        rowLast,
        batch.numbered ? 1 : 0,
        byteFrom,
        byteCount,
      );
      this.takeBatchEvents(batch, first);
      this.rowsAdded += module.wasm.rowsAdded();
      this.hiddenRowsAdded += module.wasm.hiddenRowsAdded();
      const lastRow = module.wasm.lastRowAdded();
      if (lastRow >= 0) this.lastRowAdded = r + lastRow;
      r = end;
    }
  }

  private takeBatchEvents(batch: CellBatch, first: number): void {
    const module = this.live();
    const { events } = module;
    const count = module.wasm.eventsWritten();
    for (let e = 0; e < count * EVENT_FIELDS; e += EVENT_FIELDS) {
      const i = first + events[e];
      const slot = events[e + 2];
      const weight = events[e + 3];
      const flags = events[e + 4];
      const fits = events[e + 5];
      if (fits !== NOT_CLASSIFIED && slot < 0 && flags === 0) {
        // A picked sample the module classified: its text is made only if its shape is new.
        this.accumulators[events[e + 1]].takeSampled(fits, events[e + 6], events[e + 7], weight, batch, i);
        continue;
      }
      const tag = batch.tag[i] as CellTag;
      const raw = batch.value(i);
      const norm = tag === CellTag.Value ? batch.norm(i) : normaliseValue(raw);
      // A sampled value that is text is classified from its normal form (ColumnAccumulator.sampleAt).
      const textual = slot < 0 && (tag === CellTag.Text || tag === CellTag.Shared);
      const value = textual && flags === 0 ? norm : raw;
      const kind = NUMBER_KINDS[batch.kind[i]];
      this.accumulators[events[e + 1]].takeCounted(
        value,
        textual ? norm : value,
        norm,
        kind,
        slot,
        weight,
        flags,
        false,
        fits,
        events[e + 6],
        events[e + 7],
      );
    }
  }

  /** A cell of a row the table finder looked at (OpenTable.addData), at column `offset`. */
  addCell(offset: number, cell: NormalisedCell): void {
    const module = this.live();
    const { value } = cell;
    const tag =
      typeof value === 'number' ? CellTag.Number : value instanceof Date ? CellTag.Date : CellTag.Text;
    module.wasm.digestAddCell(this.table, offset, cell.hash);
    module.wasm.addOne(
      this.columns[offset],
      cell.hash,
      cell.check,
      tag,
      typeof value === 'number' ? value : 0,
      cell.norm.length,
      kindCode(cell.kind),
    );
    if (module.wasm.eventsWritten() === 0) return;
    const { events } = module;
    this.accumulators[offset].takeCounted(
      value,
      value,
      cell.norm,
      cell.kind,
      events[2],
      events[3],
      events[4],
      true,
    );
  }

  /** A cell of the row that goes only into the row digest (its column is counted elsewhere). */
  digestCell(offset: number, hash: number): void {
    this.live().wasm.digestAddCell(this.table, offset, hash);
  }

  /** Ends a row of addCell()s. */
  endRow(): void {
    this.live().wasm.digestRowEnd(this.table);
  }

  /** Brings the accumulators' counts up to date (for a look at the table's types mid-read). */
  sync(): void {
    const module = this.live();
    this.accumulators.forEach((acc, offset) =>
      acc.adopt(countedState(module, this.columns[offset], this.typedCap)),
    );
  }

  /** The row digest's state: ContentDigest.adopt(). */
  digestState(): { a: number; b: number; rows: number } {
    const { u32 } = this.live();
    const at = this.table >>> 2;
    return { a: u32[at + DIGEST_A / 4], b: u32[at + DIGEST_B / 4], rows: u32[at + DIGEST_ROWS / 4] };
  }

  /** The table is closed: its counts go into the accumulators, the module back to the pool. */
  close(): void {
    if (!this.module) return;
    this.sync();
    release(this.module);
    this.module = null;
  }

  private live(): ColumnsModule {
    if (!this.module) throw new Error('column counting: the table was closed');
    return this.module;
  }
}
