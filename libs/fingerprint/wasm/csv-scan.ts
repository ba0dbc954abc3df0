// AssemblyScript, compiled to csv-scan.wasm by scripts/build-wasm.js: the byte scanner of UTF-8 CSV records
// (see ../src/csv.scan.ts and CsvByteTokenizer in ../src/csv.bytes.ts, whose readRecord it must agree with).
//
// It reads whole records of unquoted fields and of quoted fields without a doubled quote or text after the
// closing one, finds each field's end and hashes it in the same pass, as value.hash.ts's scanTextField and
// hashTextBytes do: a field of plain ASCII text (no control characters, no leading, trailing or doubled
// spaces) is lower-cased and hashed, a plain number in its canonical form; any other field is left for the
// string path. A record it does not read (a quote doubled, text after a closing quote, a quote never
// closed, more than `maxColumns` fields) stops it at the record's start, and the JavaScript tokenizer
// reads that record.
//
// It writes what CellBatch holds, column-wise, so that the caller copies each array with one
// TypedArray.set: per cell its column, tag, hash, check hash, normal form's length and the field's start
// and end (positions in the scanned bytes); per record the batch index after its last cell; and the
// indexes of the cells left for the string path.

import {
  canonicalNumberEnd,
  CHECK_SEED,
  checkStep,
  finish,
  FNV_BASIS,
  FNV_PRIME,
  hashRange,
  MINUS_ZERO,
  NOT_A_NUMBER,
  textCheck,
  textHash,
} from './text-hash';

const LF: i32 = 10;
const CR: i32 = 13;
const QUOTE: i32 = 34;

// Why scan() stopped; the position is that of the record concerned, or the end.
const INCOMPLETE: i32 = 0; // the bytes end inside the record: wait for more
const UNUSUAL: i32 = 1; // the JavaScript tokenizer reads this record
const FULL: i32 = 2; // no room for the record: copy the output and call again from there
const END: i32 = 3; // every record read

// CellTag in cell.batch.ts.
const TEXT: u8 = 1;
const VALUE: u8 = 4;

// What the table says of a byte in an unquoted field: 0 ends the field (the delimiter, LF, CR); else the
// byte lower-cased, with BAD for a control or non-ASCII byte and SPACE for a space (bits above the byte).
const BAD: u32 = 0x100;
const SPACE: u32 = 0x200;
let table: usize = 0;
let tableDelimiter: i32 = -1;

// Where the output arrays are (layout()), and their room.
let columns: usize = 0;
let hashes: usize = 0;
let checks: usize = 0;
let lengths: usize = 0;
let starts: usize = 0;
let ends: usize = 0;
let valueCells: usize = 0;
let rowEnds: usize = 0;
let tags: usize = 0;
let cellCapacity: i32 = 0;
let rowCapacity: i32 = 0;
let maxColumns: i32 = 0;

// What the last scan() did.
let stopAt: i32 = 0;
let stopReason: i32 = 0;
let rowCount: i32 = 0;
let cellCount: i32 = 0;
let valueCount: i32 = 0;
let crAtEnd: i32 = 0;

// The scan's bytes start here (positions written are relative to it), and its first cell's index in
// the batch (the indexes written are the batch's).
let base: i32 = 0;
let cellBase: i32 = 0;

// The running hashes of the field being read.
let h: u32 = 0;
let k: u32 = 0;
let low: u32 = 0;

// Sets the output arrays out at `out`, in this order: columns, hashes, checks, lengths, starts, ends,
// valueCells (u32 x cells each), rowEnds (u32 x rows), tags (u8 x cells); then the byte table (u16 x
// 256). Returns where they end.
export function layout(out: i32, cells: i32, rows: i32, columnLimit: i32): i32 {
  const size = <usize>cells << 2;
  columns = <usize>out;
  hashes = columns + size;
  checks = hashes + size;
  lengths = checks + size;
  starts = lengths + size;
  ends = starts + size;
  valueCells = ends + size;
  rowEnds = valueCells + size;
  tags = rowEnds + (<usize>rows << 2);
  table = (tags + <usize>cells + 1) & ~(<usize>1);
  tableDelimiter = -1;
  cellCapacity = cells;
  rowCapacity = rows;
  maxColumns = columnLimit;
  return <i32>(table + 512);
}

function buildTable(d: i32): void {
  for (let c = 0; c < 256; c++) {
    let t: u32 = <u32>c;
    if (c == d || c == LF || c == CR) t = 0;
    else if (c >= 65 && c <= 90) t = <u32>c + 32;
    else if (c == 32) t = 32 | SPACE;
    else if (c < 32 || c >= 127) t = <u32>c | BAD;
    store<u16>(table + (<usize>c << 1), <u16>t);
  }
  tableDelimiter = d;
}

export function stoppedAt(): i32 {
  return stopAt;
}

export function stopCause(): i32 {
  return stopReason;
}

export function rowsRead(): i32 {
  return rowCount;
}

export function cellsRead(): i32 {
  return cellCount;
}

export function valuesRead(): i32 {
  return valueCount;
}

// Whether the last record read ended with a CR that is the last byte: a LF that starts the next
// bytes belongs to the same line break.
export function endedWithCr(): i32 {
  return crAtEnd;
}

@inline function at(p: i32): i32 {
  return <i32>load<u8>(<usize>p);
}

// A negative answer of record(): the reason, encoded.
@inline function fail(reason: i32): i32 {
  return -1 - reason;
}

// Reads the records of the bytes [from, to) at `bytes`, from `from` on; `last`: no bytes follow them.
// The byte after them is overwritten (a line break, where unquoted fields stop without a bounds check).
export function scan(bytes: i32, from: i32, to: i32, delimiter: i32, last: i32, firstCell: i32): void {
  if (delimiter != tableDelimiter) buildTable(delimiter);
  store<u8>(<usize>(bytes + to), <u8>LF);
  base = bytes;
  cellBase = firstCell;
  rowCount = 0;
  cellCount = 0;
  valueCount = 0;
  crAtEnd = 0;
  let p = bytes + from;
  const end = bytes + to;
  while (p < end) {
    if (rowCount == rowCapacity) {
      stop(p, FULL);
      return;
    }
    const keptCells = cellCount;
    const keptValues = valueCount;
    const next = record(p, end, delimiter, last != 0);
    if (next < 0) {
      // Nothing of a record that was not read to its end.
      cellCount = keptCells;
      valueCount = keptValues;
      stop(p, -1 - next);
      return;
    }
    store<u32>(rowEnds + (<usize>rowCount << 2), cellBase + cellCount);
    rowCount++;
    p = next;
  }
  stop(p, END);
}

@inline function stop(position: i32, reason: i32): void {
  stopAt = position - base;
  stopReason = reason;
}

// One record from `i`: the position after its line break, or fail(reason).
function record(i: i32, end: i32, d: i32, last: bool): i32 {
  let column = 0;
  while (true) {
    column++;
    if (i < end && at(i) == QUOTE) {
      let close = i + 1;
      while (close < end && at(close) != QUOTE) close++;
      if (close + 1 >= end) return fail(last ? UNUSUAL : INCOMPLETE);
      const after = at(close + 1);
      if (after != d && after != LF && after != CR) return fail(UNUSUAL);
      if (close > i + 1) {
        if (column > maxColumns) return fail(UNUSUAL);
        if (cellCount == cellCapacity) return fail(FULL);
        addCell(column, i + 1, close, hashQuoted(i + 1, close));
      }
      i = close + 1;
    } else {
      // Found and hashed in one pass, as scanTextField, two characters a step: the hashes in locals (a
      // global is written to memory at every step), each byte's meaning from the table, and no bounds
      // check (scan() put a line break after the bytes).
      let fnv = FNV_BASIS;
      let check = CHECK_SEED;
      let pending: u32 = 0;
      // BAD, or SPACE for a space after a space; `previous` is SPACE after one (and at the start).
      let wrong: u32 = 0;
      let previous: u32 = SPACE;
      let j = i;
      while (true) {
        const t0 = <u32>load<u16>(table + (<usize>at(j) << 1));
        if (t0 == 0) break;
        wrong |= t0 & (BAD | previous);
        previous = t0 & SPACE;
        const c0 = t0 & 0xff;
        fnv = (fnv ^ c0) * FNV_PRIME;
        j++;
        const t1 = <u32>load<u16>(table + (<usize>at(j) << 1));
        if (t1 == 0) {
          pending = c0;
          break;
        }
        wrong |= t1 & (BAD | previous);
        previous = t1 & SPACE;
        const c1 = t1 & 0xff;
        fnv = (fnv ^ c1) * FNV_PRIME;
        check = checkStep(check, c0 | (c1 << 16));
        j++;
      }
      h = fnv;
      k = check;
      low = pending;
      const plain = wrong == 0 && previous == 0;
      if (j == end && !last) return fail(INCOMPLETE);
      if (j > i) {
        if (column > maxColumns) return fail(UNUSUAL);
        if (cellCount == cellCapacity) return fail(FULL);
        addCell(column, i, j, plain);
      }
      i = j;
    }
    if (i >= end) break;
    const c = at(i++);
    if (c == d) continue;
    if (c == CR) {
      if (i < end) {
        if (at(i) == LF) i++;
      } else crAtEnd = 1;
    }
    break;
  }
  return i;
}

// hashTextBytes's test and running hashes for a quoted field's text [from, to): whether it is plain.
function hashQuoted(from: i32, to: i32): bool {
  let fnv = FNV_BASIS;
  let check = CHECK_SEED;
  let pending: u32 = 0;
  let previousSpace = true;
  for (let j = from; j < to; j++) {
    let c = at(j);
    if (c >= 65 && c <= 90) c += 32;
    else if (c == 32) {
      if (previousSpace) return false;
    } else if (c < 32 || c >= 127) return false;
    previousSpace = c == 32;
    fnv = (fnv ^ <u32>c) * FNV_PRIME;
    if ((j - from) & 1) check = checkStep(check, pending | (<u32>c << 16));
    else pending = <u32>c;
  }
  h = fnv;
  k = check;
  low = pending;
  return !previousSpace;
}

// A non-empty field [from, to): hashed when `plain` (a plain number in its canonical form), else listed
// for the string path.
@inline function addCell(column: i32, from: i32, to: i32, plain: bool): void {
  const at4 = <usize>cellCount << 2;
  store<u32>(columns + at4, column);
  store<u32>(starts + at4, from - base);
  store<u32>(ends + at4, to - base);
  if (!plain) {
    store<u8>(tags + <usize>cellCount, VALUE);
    store<u32>(valueCells + (<usize>valueCount << 2), cellBase + cellCount);
    valueCount++;
    cellCount++;
    return;
  }
  let length = to - from;
  const first = at(from);
  // Only a number written with a `+` or ending in a fractional zero (a negative zero does too) has a
  // canonical form other than its text: other fields keep the hashes made on the way.
  let rehashed = false;
  if (first == 43 || (at(to - 1) == 48 && ((first >= 48 && first <= 57) || first == 45))) {
    const canonicalEnd = canonicalNumberEnd(from, to);
    if (canonicalEnd == MINUS_ZERO) {
      // "0", the byte after the minus.
      hashRange(from + 1, from + 2);
      rehashed = true;
      length = 1;
    } else if (canonicalEnd != NOT_A_NUMBER && (canonicalEnd != to || first == 43)) {
      const start = first == 43 ? from + 1 : from;
      hashRange(start, canonicalEnd);
      rehashed = true;
      length = canonicalEnd - start;
    }
  }
  if (!rehashed) finish(h, k, low, length);
  store<u32>(hashes + at4, textHash);
  store<u32>(checks + at4, textCheck);
  store<u32>(lengths + at4, length);
  store<u8>(tags + <usize>cellCount, TEXT);
  cellCount++;
}
