import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

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
  stoppedAt(): number;
  stopCause(): number;
  recordCount(): number;
}

/** The part of the WebAssembly API used here (TypeScript's ES libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/** Records, 4 x i32 each, above the module's own (tiny) data. */
const OUT = 64 * 1024;
export const RECORD_CAPACITY = 16 * 1024;
/** Where the bytes to scan are copied. */
const IN = OUT + RECORD_CAPACITY * 16;

/** Set in the first field of a row's record (a cell's holds its column and type). */
export const ROW_FLAG = 0x40000000;

export class SheetScanner {
  private readonly bytes: Buffer;
  /** The memory as i32s; records start at recordsAt. */
  readonly records: Int32Array;
  readonly recordsAt = OUT >> 2;
  /** Where placed bytes start in the memory: record positions minus this are positions in them. */
  readonly base = IN;

  constructor(private readonly wasm: ScannerExports) {
    this.bytes = Buffer.from(wasm.memory.buffer);
    this.records = new Int32Array(wasm.memory.buffer);
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
 * `npm run build`): readSheetRows then reads every row itself.
 */
export function sheetScanner(): SheetScanner | null {
  if (loaded === undefined) {
    const file = scannerModule();
    loaded = file ? instantiate(readFileSync(file)) : null;
  }
  return loaded;
}

function instantiate(bytes: Buffer): SheetScanner | null {
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const exports = new api.Instance(new api.Module(bytes), {}).exports as ScannerExports;
  // A module built without room for a chunk (see scripts/build-wasm.js) is not used.
  return exports.memory.buffer.byteLength >= IN + 1024 * 1024 ? new SheetScanner(exports) : null;
}

/** The compiled module beside this file, or, running from sources (tests), in the build output. */
function scannerModule(): string | null {
  const name = 'sheet-scan.wasm';
  const beside = path.join(__dirname, name);
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const built = path.join(dir, 'dist', path.relative(dir, __dirname), name);
      if (existsSync(built)) return built;
      // A build of the benchmarks compiles the sources elsewhere; the module is the main build's.
      const main = path.join(dir, 'dist', 'libs', 'fingerprint', 'src', name);
      return existsSync(main) ? main : null;
    }
  }
  return null;
}
