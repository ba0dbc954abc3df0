import { MAX_COLUMNS } from './limits';
import { wasmInstance } from './wasm.loader';

/**
 * The WebAssembly scanner of UTF-8 CSV records (wasm/csv-scan.ts): it finds the fields of the plain
 * records that make up nearly every file and hashes them in the same pass, writing them column-wise, as
 * CellBatch holds them (CellBatch.appendScanned copies each array at once). A record it does not read
 * (a doubled quote, text after a closing quote) is left to CsvByteTokenizer's JavaScript. Compiled
 * WebAssembly runs at full speed from the first byte, where the JavaScript tokenizer of a fresh process
 * ran unoptimised through its first megabytes.
 */

/** Why scan() stopped; see wasm/csv-scan.ts. */
export const enum CsvScanStop {
  /** The bytes end inside the record there: wait for more. */
  Incomplete = 0,
  /** The JavaScript tokenizer reads the record there. */
  Unusual = 1,
  /** No room for the record there: copy what was written and call again. */
  Full = 2,
  /** Every record was read. */
  End = 3,
}

interface ScannerExports {
  memory: { buffer: ArrayBuffer };
  layout(out: number, cells: number, rows: number, maxColumns: number): number;
  scan(bytes: number, from: number, to: number, delimiter: number, last: number, firstCell: number): void;
  stoppedAt(): number;
  stopCause(): number;
  rowsRead(): number;
  cellsRead(): number;
  valuesRead(): number;
  endedWithCr(): number;
}

/** The output arrays start above the module's own (tiny) data. */
const OUT = 64 * 1024;
/** Room per scan() call: at least one record of MAX_COLUMNS fields. */
const CELL_CAPACITY = 64 * 1024;
const ROW_CAPACITY = 16 * 1024;
/** Where the bytes to scan are copied (above the output arrays). */
const IN = 2 * 1024 * 1024;

/** What one scan() wrote: views of the module's memory, valid until the next scan(). */
export interface CsvScanOutput {
  rows: number;
  cells: number;
  values: number;
  /** Per record, the batch index after its last cell. */
  rowEnds: Uint32Array;
  columns: Uint32Array;
  tags: Uint8Array;
  hashes: Uint32Array;
  checks: Uint32Array;
  lengths: Uint32Array;
  starts: Uint32Array;
  ends: Uint32Array;
  /** The batch indexes of the cells left for the string path (tag Value). */
  valueCells: Uint32Array;
}

export class CsvScanner {
  private readonly memory: Buffer;
  private placedLength = 0;
  readonly output: CsvScanOutput;

  constructor(private readonly wasm: ScannerExports) {
    const buffer = wasm.memory.buffer;
    this.memory = Buffer.from(buffer);
    const end = wasm.layout(OUT, CELL_CAPACITY, ROW_CAPACITY, MAX_COLUMNS);
    if (end > IN) throw new Error(`csv-scan: output arrays end at ${end}, past the input at ${IN}`);
    const cells = (at: number) => new Uint32Array(buffer, OUT + at * CELL_CAPACITY * 4, CELL_CAPACITY);
    this.output = {
      rows: 0,
      cells: 0,
      values: 0,
      columns: cells(0),
      hashes: cells(1),
      checks: cells(2),
      lengths: cells(3),
      starts: cells(4),
      ends: cells(5),
      valueCells: cells(6),
      rowEnds: new Uint32Array(buffer, OUT + 7 * CELL_CAPACITY * 4, ROW_CAPACITY),
      tags: new Uint8Array(buffer, OUT + 7 * CELL_CAPACITY * 4 + ROW_CAPACITY * 4, CELL_CAPACITY),
    };
  }

  /**
   * Copies `bytes` into the scanner's memory for the scans that follow; false when they do not fit (a
   * very long record carried over), and the JavaScript tokenizer reads them. The memory is fixed (see
   * scripts/build-wasm.js): growing it would slow every typed array in the process.
   */
  place(bytes: Buffer): boolean {
    // One byte more: the scan writes a line break after the bytes.
    if (IN + bytes.length + 1 > this.memory.length) return false;
    bytes.copy(this.memory, IN);
    this.placedLength = bytes.length;
    return true;
  }

  /**
   * Reads the records of the placed bytes from `from`, numbering cells from `firstCell` (the batch's
   * count); `last`: no bytes follow. Returns where it stopped; `output` and `stopCause` say what it did.
   */
  scan(from: number, delimiter: number, last: boolean, firstCell: number): number {
    const { wasm, output } = this;
    wasm.scan(IN, from, this.placedLength, delimiter, last ? 1 : 0, firstCell);
    output.rows = wasm.rowsRead();
    output.cells = wasm.cellsRead();
    output.values = wasm.valuesRead();
    return wasm.stoppedAt();
  }

  get stopCause(): CsvScanStop {
    return this.wasm.stopCause() as CsvScanStop;
  }

  /** Whether the last record read ended with a CR that is the placed bytes' last. */
  get endedWithCr(): boolean {
    return this.wasm.endedWithCr() !== 0;
  }
}

let loaded: CsvScanner | null | undefined;

/**
 * This thread's scanner, or null where the module is not built (a source checkout before `npm run
 * build`): CsvByteTokenizer then reads every record itself. One is enough: a tokenizer uses it only
 * within one synchronous push().
 */
export function csvScanner(): CsvScanner | null {
  if (loaded === undefined) {
    const exports = wasmInstance<ScannerExports>('csv-scan');
    // A module built without room for a chunk (see scripts/build-wasm.js) is not used.
    loaded = exports && exports.memory.buffer.byteLength >= IN + 1024 * 1024 ? new CsvScanner(exports) : null;
  }
  return loaded;
}
