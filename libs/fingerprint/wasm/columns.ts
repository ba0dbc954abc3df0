// AssemblyScript, compiled to columns.wasm by scripts/build-wasm.js: the counting half of the column profiles
// of one open table (see ../src/column.wasm.ts), which must agree with ColumnAccumulator.addAt and
// ContentDigest in ../src/column.profile.ts step for step (the tests compare the fingerprints both make).
//
// Per cell it does what needs no text: the row digest, the look-up of the value among the column's distinct
// values by its two hashes and their counts, the choice of the values sampled for classification, the
// MinHash sketch, the length and number ranges and the number format counts. A cell that needs its text (a
// new distinct value that is classified or kept, a value picked for classification, one of the first
// samples, a date or other value the JavaScript observes) becomes an event, which the JavaScript reads back
// after the run.
//
// Memory: the input arrays and the events at INPUT (layout()), then a heap of column tables. Each column
// reserves room for its exact cap of distinct values when it is added, so a table never runs out of room
// mid-read: a table whose columns do not fit is profiled by the JavaScript instead.

import { classify, NOT_CLASSIFIED, placeTables, shapeCheck, shapeHash } from './text-class';
import { fmix32 } from './text-hash';

const MINHASH_SIZE: u32 = 128;
const EMPTY_RANK: u32 = 0xffffffff;
const RANK_SEED: u32 = 0x5bd1e995;
const FNV_PRIME: u32 = 0x01000193;
const ROW_SEED: u32 = 0x811c9dc5;
const FIRST_STRIDE: u32 = 4;
const SAMPLES_PER_STRIDE: u32 = 4096;
const SAMPLE_SIZE: u32 = 5;
const FIRST_SLOTS: u32 = 128;
const KINDS: u32 = 16;

// CellTag in cell.batch.ts.
const EMPTY: u8 = 0;
const TEXT: u8 = 1;
const NUMBER: u8 = 3;
const VALUE: u8 = 4;
const DATE: u8 = 5;

// Events: cell, column offset, slot, weight, flags, then the fits and shape hashes of a value classified
// here (fits NOT_CLASSIFIED when it was not).
const EVENT_BYTES: usize = 32;

// Event flags.
const TEXT_SAMPLE: i32 = 1; // one of the first samples: the JavaScript keeps its text
const OBSERVE: i32 = 2; // a date or other value whose range the JavaScript observes

// A column's state, at its pointer.
const NON_EMPTY: usize = 0;
const DISTINCT: usize = 4;
const EXACT_CAP: usize = 8;
const TYPED_CAP: usize = 12;
const MATERIALISED: usize = 16;
const OVERFLOWED: usize = 20;
const MASK: usize = 24;
const SLOT_OF: usize = 28;
const HASHES: usize = 32;
const CHECKS: usize = 36;
const COUNTS: usize = 40;
const STRIDE: usize = 44;
const UNTIL_PICK: usize = 48;
const PICKED: usize = 52;
const RANDOM: usize = 56;
const MINS: usize = 60;
const SKETCHED: usize = 64;
const MIN_LENGTH: usize = 68;
const MAX_LENGTH: usize = 72;
const SAMPLES: usize = 76;
const KIND_SEEN: usize = 80; // kinds seen so far (their order of first appearance is at KIND_ORDER)
const MIN_NUMBER: usize = 88;
const MAX_NUMBER: usize = 96;
const KIND_COUNTS: usize = 104; // u32 x KINDS
const KIND_ORDER: usize = KIND_COUNTS + <usize>KINDS * 4; // u8 x KINDS
const COLUMN_SIZE: usize = KIND_ORDER + <usize>KINDS;

// A table's state: its row digest, then a pointer per column.
const DIGEST_A: usize = 0;
const DIGEST_B: usize = 4;
const DIGEST_ROWS: usize = 8;
const DIGEST_ROW: usize = 12;
const COLUMN_POINTERS: usize = 16;

// The input of run() and the events it writes (layout()).
let inColumn: usize = 0;
let inHash: usize = 0;
let inCheck: usize = 0;
let inLength: usize = 0;
let inNumber: usize = 0;
let inTag: usize = 0;
let inKind: usize = 0;
let inRowEnd: usize = 0;
let inRowHidden: usize = 0;
let events: usize = 0;
// run()'s scratch: the cells ordered by column, and per column where its cells start among them.
let order: usize = 0;
let starts: usize = 0;
// Text cells' positions among the batch's bytes, and a copy of those bytes (run()'s `byteCount`).
let inStart: usize = 0;
let inEnd: usize = 0;
let inBytes: usize = 0;
let classTables: usize = 0;
const BYTES: usize = 1 << 20;
// The bytes of the current run: where the copy starts among the batch's, and how many there are.
let bytesFrom: u32 = 0;
let bytesCount: u32 = 0;
const MAX_WIDTH: usize = 16384; // MAX_COLUMNS in limits.ts
let heapStart: usize = 0;
let heapTop: usize = 0;
let heapEnd: usize = 0;

// Whether the input's number format codes were written (run()).
let withKinds = false;

// What the last run() did.
let eventCount: i32 = 0;
let rowsCounted: i32 = 0;
let hiddenCounted: i32 = 0;
let lastCounted: i32 = -1;

// Where layout() put each input array, the events and the character tables of text-class.ts (which
// the JavaScript writes), by number: see Region in column.wasm.ts.
export function region(k: i32): i32 {
  // No array literal: the stub runtime would allocate it where the input lies.
  if (k == 0) return <i32>inNumber;
  if (k == 1) return <i32>inColumn;
  if (k == 2) return <i32>inHash;
  if (k == 3) return <i32>inCheck;
  if (k == 4) return <i32>inLength;
  if (k == 5) return <i32>inRowEnd;
  if (k == 6) return <i32>events;
  if (k == 7) return <i32>inTag;
  if (k == 8) return <i32>inKind;
  if (k == 9) return <i32>inRowHidden;
  if (k == 10) return <i32>inStart;
  if (k == 11) return <i32>inEnd;
  if (k == 12) return <i32>inBytes;
  return <i32>classTables;
}

// Lays out the input (room for `cells` cells and `rows` rows) and the events from `at`; the heap follows,
// to the end of memory. Returns where the heap starts.
export function layout(at: i32, cells: i32, rows: i32): i32 {
  const c = <usize>cells;
  const r = <usize>rows;
  inNumber = <usize>at;
  inColumn = inNumber + (c << 3);
  inHash = inColumn + (c << 2);
  inCheck = inHash + (c << 2);
  inLength = inCheck + (c << 2);
  inRowEnd = inLength + (c << 2);
  events = inRowEnd + (r << 2);
  inTag = events + c * EVENT_BYTES;
  inKind = inTag + c;
  inRowHidden = inKind + c;
  order = (inRowHidden + r + 15) & ~(<usize>15);
  starts = order + (c << 2);
  inStart = (starts + ((MAX_WIDTH + 1) << 2) + 15) & ~(<usize>15);
  inEnd = inStart + (c << 2);
  inBytes = inEnd + (c << 2);
  classTables = inBytes + BYTES;
  heapStart = (placeTables(classTables) + 15) & ~(<usize>15);
  heapTop = heapStart;
  heapEnd = <usize>memory.size() << 16;
  return <i32>heapStart;
}

// For the tests: classify() of the first `length` bytes of the input's bytes, and the shape hashes it set.
export function classifyBytes(length: i32): i32 {
  return classify(inBytes, inBytes + <usize>length);
}

export function classifiedShape(check: i32): u32 {
  return check != 0 ? shapeCheck : shapeHash;
}

// Forgets every table: the instance is reused for another.
export function reset(): void {
  heapTop = heapStart;
}

function allocate(size: usize): usize {
  const at = heapTop;
  const end = (at + size + 15) & ~(<usize>15);
  if (end > heapEnd) return 0;
  heapTop = end;
  return at;
}

// A table of `width` columns; 0 when there is no room.
export function openTable(width: i32): i32 {
  const t = allocate(COLUMN_POINTERS + (<usize>width << 2));
  if (t == 0) return 0;
  store<u32>(t + DIGEST_A, 0);
  store<u32>(t + DIGEST_B, 0);
  store<u32>(t + DIGEST_ROWS, 0);
  store<u32>(t + DIGEST_ROW, ROW_SEED);
  return <i32>t;
}

// The size of a column's slot table at its exact cap (ColumnAccumulator's after its last rehash).
function slotCapacity(exactCap: u32): u32 {
  let n = FIRST_SLOTS;
  while (n < exactCap * 2) n <<= 1;
  return n;
}

// Adds the column at `offset` of table t; false when there is no room.
export function addColumn(t: i32, offset: i32, exactCap: i32, typedCap: i32, materialised: i32): bool {
  const cap = <u32>exactCap;
  const slots = slotCapacity(cap);
  const c = allocate(COLUMN_SIZE + <usize>MINHASH_SIZE * 4 + (<usize>slots << 2) + (<usize>cap << 2) * 3);
  if (c == 0) return false;
  memory.fill(c, 0, COLUMN_SIZE);
  store<u32>(c + EXACT_CAP, cap);
  store<u32>(c + TYPED_CAP, <u32>typedCap);
  store<u32>(c + MATERIALISED, <u32>materialised);
  const mins = c + COLUMN_SIZE;
  const slotOf = mins + <usize>MINHASH_SIZE * 4;
  const hashes = slotOf + (<usize>slots << 2);
  const checks = hashes + (<usize>cap << 2);
  const counts = checks + (<usize>cap << 2);
  store<u32>(c + MINS, <u32>mins);
  store<u32>(c + SLOT_OF, <u32>slotOf);
  store<u32>(c + HASHES, <u32>hashes);
  store<u32>(c + CHECKS, <u32>checks);
  store<u32>(c + COUNTS, <u32>counts);
  store<u32>(c + MASK, FIRST_SLOTS - 1);
  memory.fill(slotOf, 0, FIRST_SLOTS << 2);
  for (let i: u32 = 0; i < MINHASH_SIZE; i++) store<u32>(mins + (<usize>i << 2), EMPTY_RANK);
  store<u32>(c + STRIDE, FIRST_STRIDE);
  store<u32>(c + UNTIL_PICK, 1);
  store<u32>(c + RANDOM, 0x9e3779b9);
  store<i32>(c + MIN_LENGTH, i32.MAX_VALUE);
  store<i32>(c + MAX_LENGTH, -1);
  store<f64>(c + MIN_NUMBER, Infinity);
  store<f64>(c + MAX_NUMBER, -Infinity);
  store<u32>(<usize>t + COLUMN_POINTERS + (<usize>offset << 2), <u32>c);
  return true;
}

export function columnAt(t: i32, offset: i32): i32 {
  return load<i32>(<usize>t + COLUMN_POINTERS + (<usize>offset << 2));
}

export function eventsWritten(): i32 {
  return eventCount;
}

export function rowsAdded(): i32 {
  return rowsCounted;
}

export function hiddenRowsAdded(): i32 {
  return hiddenCounted;
}

export function lastRowAdded(): i32 {
  return lastCounted;
}

// ContentDigest.addCell and endRow.
@inline function digestCell(t: usize, offset: u32, hash: u32): void {
  let row = load<u32>(t + DIGEST_ROW);
  row = (row ^ offset) * FNV_PRIME;
  row = (row ^ hash) * FNV_PRIME;
  store<u32>(t + DIGEST_ROW, row);
}

function digestEndRow(t: usize): void {
  const row = load<u32>(t + DIGEST_ROW);
  store<u32>(t + DIGEST_A, load<u32>(t + DIGEST_A) + fmix32(row));
  store<u32>(t + DIGEST_B, load<u32>(t + DIGEST_B) + fmix32(row ^ 0x2545f491));
  store<u32>(t + DIGEST_ROWS, load<u32>(t + DIGEST_ROWS) + 1);
  store<u32>(t + DIGEST_ROW, ROW_SEED);
}

export function digestAddCell(t: i32, offset: i32, hash: i32): void {
  digestCell(<usize>t, <u32>offset, <u32>hash);
}

export function digestRowEnd(t: i32): void {
  digestEndRow(<usize>t);
}

// Adds the rows [0, rows) of the input, whose cells are [0, rowEnd[rows - 1] - firstCell), to table t,
// of columns [firstColumn, lastColumn]: the digest row by row, then every cell to its column. The rows
// and their digest take the cells of [digestFirst, digestLast], which holds the counted columns and
// those of the table the caller counts itself (see table.builder.ts, unnamed columns). Without
// `numbered`, no cell is a number or has a number format, and their input was not written.
// With `byteCount`, the Text cells' positions were written and their bytes, from `byteFrom` on among the
// batch's, copied: sampled text is classified here.
export function run(
  t: i32,
  rows: i32,
  firstCell: i32,
  firstColumn: i32,
  lastColumn: i32,
  digestFirst: i32,
  digestLast: i32,
  numbered: i32,
  byteFrom: i32,
  byteCount: i32,
): void {
  bytesFrom = <u32>byteFrom;
  bytesCount = <u32>byteCount;
  const table = <usize>t;
  withKinds = numbered != 0;
  eventCount = 0;
  rowsCounted = 0;
  hiddenCounted = 0;
  lastCounted = -1;
  const width = lastColumn - firstColumn + 1;
  memory.fill(starts, 0, <usize>(width + 1) << 2);
  let cells = 0;
  let i = 0;
  for (let r = 0; r < rows; r++) {
    const end = <i32>load<u32>(inRowEnd + (<usize>r << 2)) - firstCell;
    let inTable = false;
    for (; i < end; i++) {
      if (load<u8>(inTag + <usize>i) == EMPTY) continue;
      const column = <i32>load<u32>(inColumn + (<usize>i << 2));
      if (column < digestFirst || column > digestLast) continue;
      const offset = column - firstColumn;
      // Cells in [digestFirst, digestLast] outside the counted columns are in the row (the caller
      // counts them): in its digest, negative offsets on the left.
      digestCell(table, <u32>offset, load<u32>(inHash + (<usize>i << 2)));
      inTable = true;
      if (column < firstColumn || column > lastColumn) continue;
      const count = starts + (<usize>(offset + 1) << 2);
      store<u32>(count, load<u32>(count) + 1);
      cells++;
    }
    if (!inTable) continue;
    digestEndRow(table);
    rowsCounted++;
    if (load<u8>(inRowHidden + <usize>r) == 1) hiddenCounted++;
    lastCounted = r;
  }
  const last = i;
  if (cells < 2 * width) {
    // Few cells for the table's width: in row order, rather than sorted by column first.
    for (i = 0; i < last; i++) {
      if (load<u8>(inTag + <usize>i) == EMPTY) continue;
      const column = <i32>load<u32>(inColumn + (<usize>i << 2));
      if (column < firstColumn || column > lastColumn) continue;
      const offset = column - firstColumn;
      const c = load<u32>(table + COLUMN_POINTERS + (<usize>offset << 2));
      addCell(c, offset, i, load<u32>(inHash + (<usize>i << 2)));
    }
    return;
  }
  // Each column's cells in one go (its table of distinct values stays in cache), in row order.
  for (let offset = 1; offset <= width; offset++) {
    const at = starts + (<usize>offset << 2);
    store<u32>(at, load<u32>(at) + load<u32>(at - 4));
  }
  for (i = 0; i < last; i++) {
    if (load<u8>(inTag + <usize>i) == EMPTY) continue;
    const column = <i32>load<u32>(inColumn + (<usize>i << 2));
    if (column < firstColumn || column > lastColumn) continue;
    const at = starts + (<usize>(column - firstColumn) << 2);
    const k = load<u32>(at);
    store<u32>(order + (<usize>k << 2), <u32>i);
    store<u32>(at, k + 1);
  }
  let from: u32 = 0;
  for (let offset = 0; offset < width; offset++) {
    const to = load<u32>(starts + (<usize>offset << 2));
    const c = load<u32>(table + COLUMN_POINTERS + (<usize>offset << 2));
    for (let k = from; k < to; k++) {
      const cell = <i32>load<u32>(order + (<usize>k << 2));
      addCell(c, offset, cell, load<u32>(inHash + (<usize>cell << 2)));
    }
    from = to;
  }
}

// Adds one cell given by value to the column at pointer c (the rows the table finder looked at); its
// event, if any, is the first.
export function addOne(
  c: i32,
  hash: i32,
  check: i32,
  tag: i32,
  number: f64,
  length: i32,
  kind: i32,
): void {
  eventCount = 0;
  store<u32>(inHash, <u32>hash);
  store<u32>(inCheck, <u32>check);
  store<u8>(inTag, <u8>tag);
  store<f64>(inNumber, number);
  store<u32>(inLength, <u32>length);
  store<u8>(inKind, <u8>kind);
  withKinds = true;
  bytesCount = 0;
  addCell(<u32>c, 0, 0, <u32>hash);
}

@inline function event(cell: i32, offset: i32, slot: i32, weight: u32, flags: i32): void {
  const at = events + <usize>eventCount * EVENT_BYTES;
  store<i32>(at, cell);
  store<i32>(at + 4, offset);
  store<i32>(at + 8, slot);
  store<u32>(at + 12, weight);
  store<i32>(at + 16, flags);
  store<i32>(at + 20, NOT_CLASSIFIED);
  eventCount++;
}

// A value picked for classification: classified here when it is text whose bytes were copied, else by
// the JavaScript.
function sampleEvent(i: i32, offset: i32, weight: u32): void {
  event(i, offset, -1, weight, 0);
  classifyLast(i);
}

// Classifies the text of the last event's cell i, where it is text whose bytes were copied: its fits and
// shape hashes go into the event.
function classifyLast(i: i32): void {
  if (bytesCount == 0 || load<u8>(inTag + <usize>i) != TEXT) return;
  const start = load<u32>(inStart + (<usize>i << 2)) - bytesFrom;
  const end = load<u32>(inEnd + (<usize>i << 2)) - bytesFrom;
  if (start > end || end > bytesCount) return;
  const fits = classify(inBytes + <usize>start, inBytes + <usize>end);
  if (fits == NOT_CLASSIFIED) return;
  const at = events + <usize>(eventCount - 1) * EVENT_BYTES;
  store<i32>(at + 20, fits);
  store<u32>(at + 24, shapeHash);
  store<u32>(at + 28, shapeCheck);
}

// ColumnAccumulator.addAt for input cell i.
function addCell(column: u32, offset: i32, i: i32, hash: u32): void {
  const c = <usize>column;
  store<u32>(c + NON_EMPTY, load<u32>(c + NON_EMPTY) + 1);
  const kind = withKinds ? <u32>load<u8>(inKind + <usize>i) : 0;
  if (kind != 0) countKind(c, kind);
  if (load<u32>(c + OVERFLOWED) == 0) {
    const check = load<u32>(inCheck + (<usize>i << 2));
    const slot = find(c, hash, check);
    if (slot >= 0) {
      const counts = <usize>load<u32>(c + COUNTS);
      const at = counts + (<usize>slot << 2);
      store<u32>(at, load<u32>(at) + 1);
      if (<u32>slot >= load<u32>(c + TYPED_CAP)) {
        const weight = pick(c);
        if (weight != 0) sampleEvent(i, offset, weight);
      }
      return;
    }
    const distinct = load<u32>(c + DISTINCT);
    if (distinct < load<u32>(c + MATERIALISED)) {
      // A new value the JavaScript classifies or keeps (or samples, past the typed ones).
      const added = addSlot(c, hash, check);
      const typed = <u32>added < load<u32>(c + TYPED_CAP);
      const weight = typed ? 0 : pick(c);
      event(i, offset, added, weight, observe(c, i, hash));
      if (typed || weight != 0) classifyLast(i);
      return;
    }
    const overflowed = distinct >= load<u32>(c + EXACT_CAP);
    store<u32>(c + OVERFLOWED, overflowed ? 1 : 0);
    if (!overflowed) addSlot(c, hash, check);
  }
  const weight = pick(c);
  const flags = observe(c, i, hash);
  if (flags != 0) event(i, offset, -1, weight, flags);
  else if (weight != 0) sampleEvent(i, offset, weight);
}

// The sketch, the ranges and the first samples; returns the event flags for what the JavaScript observes.
@inline function observe(c: usize, i: i32, hash: u32): i32 {
  const mins = <usize>load<u32>(c + MINS) + (<usize>(hash & (MINHASH_SIZE - 1)) << 2);
  const rank = fmix32(hash ^ RANK_SEED);
  store<u32>(c + SKETCHED, 1);
  if (rank < load<u32>(mins)) store<u32>(mins, rank);
  let flags = 0;
  const tag = load<u8>(inTag + <usize>i);
  if (tag == NUMBER) {
    const n = load<f64>(inNumber + (<usize>i << 3));
    if (n < load<f64>(c + MIN_NUMBER)) store<f64>(c + MIN_NUMBER, n);
    if (n > load<f64>(c + MAX_NUMBER)) store<f64>(c + MAX_NUMBER, n);
  } else if (tag == VALUE || tag == DATE) flags = OBSERVE;
  const length = load<i32>(inLength + (<usize>i << 2));
  if (length < load<i32>(c + MIN_LENGTH)) store<i32>(c + MIN_LENGTH, length);
  if (length > load<i32>(c + MAX_LENGTH)) store<i32>(c + MAX_LENGTH, length);
  const samples = load<u32>(c + SAMPLES);
  if (samples < SAMPLE_SIZE) {
    store<u32>(c + SAMPLES, samples + 1);
    flags |= TEXT_SAMPLE;
  }
  return flags;
}

@inline function find(c: usize, hash: u32, check: u32): i32 {
  const mask = load<u32>(c + MASK);
  const slotOf = <usize>load<u32>(c + SLOT_OF);
  const hashes = <usize>load<u32>(c + HASHES);
  const checks = <usize>load<u32>(c + CHECKS);
  let at = check & mask;
  while (true) {
    const slot = <i32>load<u32>(slotOf + (<usize>at << 2)) - 1;
    if (slot < 0) return -1;
    if (load<u32>(hashes + (<usize>slot << 2)) == hash && load<u32>(checks + (<usize>slot << 2)) == check) {
      return slot;
    }
    at = (at + 1) & mask;
  }
}

function addSlot(c: usize, hash: u32, check: u32): i32 {
  const next = load<u32>(c + DISTINCT);
  store<u32>(c + DISTINCT, next + 1);
  if ((next + 1) * 2 > load<u32>(c + MASK) + 1) rehash(c, next);
  store<u32>(<usize>load<u32>(c + HASHES) + (<usize>next << 2), hash);
  store<u32>(<usize>load<u32>(c + CHECKS) + (<usize>next << 2), check);
  place(c, next, check);
  store<u32>(<usize>load<u32>(c + COUNTS) + (<usize>next << 2), 1);
  return <i32>next;
}

@inline function place(c: usize, slot: u32, check: u32): void {
  const mask = load<u32>(c + MASK);
  const slotOf = <usize>load<u32>(c + SLOT_OF);
  let at = check & mask;
  while (load<u32>(slotOf + (<usize>at << 2)) != 0) at = (at + 1) & mask;
  store<u32>(slotOf + (<usize>at << 2), slot + 1);
}

// Doubles the slot table (in place: it has room for the exact cap) and places the first `slots` again.
function rehash(c: usize, slots: u32): void {
  const size = (load<u32>(c + MASK) + 1) << 1;
  store<u32>(c + MASK, size - 1);
  memory.fill(<usize>load<u32>(c + SLOT_OF), 0, <usize>size << 2);
  const checks = <usize>load<u32>(c + CHECKS);
  for (let slot: u32 = 0; slot < slots; slot++) place(c, slot, load<u32>(checks + (<usize>slot << 2)));
}

// ColumnAccumulator.pick: the weight of the value when it is picked for classification, or 0.
function pick(c: usize): u32 {
  const until = load<i32>(c + UNTIL_PICK) - 1;
  store<i32>(c + UNTIL_PICK, until);
  if (until > 0) return 0;
  const weight = load<u32>(c + STRIDE);
  const picked = load<u32>(c + PICKED) + 1;
  store<u32>(c + PICKED, picked);
  const stride = picked % SAMPLES_PER_STRIDE == 0 ? weight * 2 : weight;
  store<u32>(c + STRIDE, stride);
  let x = load<u32>(c + RANDOM);
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  store<u32>(c + RANDOM, x);
  store<i32>(c + UNTIL_PICK, <i32>(1 + x % (2 * stride - 1)));
  return weight;
}

// Number format codes: counted per code, with the order in which they first appeared.
function countKind(c: usize, kind: u32): void {
  const at = c + KIND_COUNTS + (<usize>kind << 2);
  const n = load<u32>(at);
  if (n == 0) {
    const seen = load<u32>(c + KIND_SEEN);
    store<u8>(c + KIND_ORDER + <usize>seen, <u8>kind);
    store<u32>(c + KIND_SEEN, seen + 1);
  }
  store<u32>(at, n + 1);
}
