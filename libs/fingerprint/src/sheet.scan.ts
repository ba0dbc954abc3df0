import { wasmInstance } from './wasm.loader';

/**
 * The WebAssembly scanner of worksheet rows (wasm/sheet-scan.ts): it reads the plain rows and cells
 * that make up nearly all of a sheet (an XML scan of ~35 bytes per cell, the reader's largest single
 * cost) into records that readSheetRows turns into cells; any row it does not read is left to the
 * JavaScript reader. Compiled WebAssembly runs at full speed from the first byte, where the JavaScript
 * scanner of a fresh process runs unoptimised for its first few megabytes.
 */

/** Why scan() stopped; see wasm/sheet-scan.ts. */
export const enum ScanStop {
  /** The bytes ran out inside a row: wait for more. */
  Incomplete = 0,
  /** A row it does not read starts there: the JavaScript reader reads it. */
  Unusual = 1,
  /** Something other than a row starts there. */
  NotARow = 2,
  /** No room for more records: call again from there. */
  Full = 3,
}

interface ScannerExports {
  memory: { buffer: ArrayBuffer };
  scan(pos: number, end: number, out: number, capacity: number): void;
  scanStrings(pos: number, end: number, out: number, capacity: number): void;
  stoppedAt(): number;
  stopCause(): number;
  recordCount(): number;
}

/** Records, 4 x i32 each, above the module's own (tiny) data; then 16 bytes per record for hashed numbers. */
const OUT = 64 * 1024;
const RECORD_CAPACITY = 16 * 1024;
const SIDE = OUT + RECORD_CAPACITY * 16;
/** Where the bytes to scan are copied. */
const IN = SIDE + RECORD_CAPACITY * 16;

/** Set in the first field of a row's record (a cell's holds its column and type). */
export const ROW_FLAG = 0x40000000;

/**
 * A cell record's type for a number the scanner parsed and hashed, as value.hash.ts's hashNumberBytes
 * does: record k's value is `numbers[numbersAt + 2k]` and its hashes `words[hashesAt + 4k]` and the word
 * after; the text's length (valueEnd - valueStart) is its normal form's.
 */
export const HASHED_NUMBER = 8;

/** A cell record's type for a shared string whose index the scanner read: `records[indexesAt + 4k]`. */
export const SHARED_INDEX = 9;

export class SheetScanner {
  private readonly bytes: Buffer;
  /** The memory as i32s; records start at recordsAt. */
  readonly records: Int32Array;
  readonly recordsAt = OUT >> 2;
  /** Where placed bytes start in the memory: record positions minus this are positions in them. */
  readonly base = IN;
  /** The memory as f64s and as u32s, for hashed numbers (see HASHED_NUMBER). */
  readonly numbers: Float64Array;
  readonly numbersAt = SIDE >> 3;
  readonly words: Uint32Array;
  readonly hashesAt = (SIDE + 8) >> 2;
  readonly indexesAt = SIDE >> 2;

  constructor(private readonly wasm: ScannerExports) {
    this.bytes = Buffer.from(wasm.memory.buffer);
    this.records = new Int32Array(wasm.memory.buffer);
    this.numbers = new Float64Array(wasm.memory.buffer);
    this.words = new Uint32Array(wasm.memory.buffer);
  }

  /**
   * `bytes` copied into the scanner's memory, as a view that is valid until the next place(); null
   * when they do not fit (a chunk with a very long row left over), for the JavaScript reader. The
   * memory is fixed (see scripts/build-wasm.js): growing it would slow every typed array in the process.
   */
  place(bytes: Buffer): Buffer | null {
    if (IN + bytes.length > this.bytes.length) return null;
    bytes.copy(this.bytes, IN);
    return this.bytes.subarray(IN, IN + bytes.length);
  }

  /** Scans whole rows of the placed bytes [pos, end); returns the records written. */
  scan(pos: number, end: number): number {
    this.wasm.scan(IN + pos, IN + end, OUT, RECORD_CAPACITY);
    return this.wasm.recordCount();
  }

  /**
   * Reads the plain shared string items of the placed bytes [pos, end): returns the records written,
   * [textStart, textEnd] each (positions in the memory; minus `base`, in the placed bytes).
   */
  scanStrings(pos: number, end: number): number {
    this.wasm.scanStrings(IN + pos, IN + end, OUT, RECORD_CAPACITY);
    return this.wasm.recordCount();
  }

  /** Where the last scan stopped, in the placed bytes. */
  get stoppedAt(): number {
    return this.wasm.stoppedAt() - IN;
  }

  get stopCause(): ScanStop {
    return this.wasm.stopCause() as ScanStop;
  }
}

let loaded: SheetScanner | null | undefined;

/**
 * This thread's scanner, or null where the module is not built (a source checkout before
 * `npm run build`): readSheetRows then reads every row itself. One is enough: a reader uses it only
 * within one synchronous step.
 */
export function sheetScanner(): SheetScanner | null {
  if (loaded === undefined) {
    const exports = wasmInstance<ScannerExports>('sheet-scan');
    // A module built without room for a chunk (see scripts/build-wasm.js) is not used.
    loaded =
      exports && exports.memory.buffer.byteLength >= IN + 1024 * 1024 ? new SheetScanner(exports) : null;
  }
  return loaded;
}
