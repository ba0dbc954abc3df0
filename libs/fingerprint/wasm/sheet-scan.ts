// AssemblyScript, compiled to sheet-scan.wasm by scripts/build-wasm.js: the byte scanner for the common
// rows of a worksheet part (see ../src/sheet.scan.ts and readSheetRows in ../src/xlsx.sheet.ts).
//
// It reads the plain form Excel and most writers produce, whole rows at a time:
//   <row r=".." ..>  <c r=".." s=".." t=".."><v>text</v></c>  <c ../>  <c ..></c>  </row>   or <row ../>
// with whitespace between elements, and writes a record per row and per cell. Anything else (a formula,
// an inline string, whitespace inside a cell, a '<' or '>' in an attribute value, a number too long for
// 32 bits) stops it at the start of that row, which the JavaScript reader then reads: the two must give
// the same cells for what this one accepts, and the tests compare them.
//
// Records, 4 x i32 each, at `out`:
//   row:  [ROW | hidden, r]        r: 0 when absent, -1 when not a number (as readUint)
//   cell: [column | type << 24, style, valueStart, valueEnd]
//         style -1 when absent or not a number; value -1, -1 when the cell has no <v>.
// After the records' room (`capacity` records), 16 bytes per record: for a number cell whose value is
// already its normal form (value.hash.ts's hashNumberBytes: plain decimal, at most 15 digits, no
// trailing fractional zero), its type is HASHED_NUMBER and these hold its value (f64) and the hashes of
// its text (hash32, checkHash; the text's length is its normal form's); for a shared string cell whose
// index is at most nine digits, its type is SHARED_INDEX and the first four hold the index.

import { hashRange, textCheck, textHash } from './text-hash';

const ROW: i32 = 0x40000000;
const RECORD_BYTES: i32 = 16;

// Why scan() stopped: the bytes ran out inside a row; a row it does not read; something other than a
// row; the records are full. The reason is given with the position of the row (or thing) concerned.
const INCOMPLETE: i32 = 0;
const UNUSUAL: i32 = 1;
const NOT_A_ROW: i32 = 2;
const FULL: i32 = 3;

// CellType in xlsx.sheet.ts.
const NUMBER: i32 = 0;
const SHARED: i32 = 1;
const FORMULA: i32 = 2;
const INLINE: i32 = 3;
const BOOLEAN: i32 = 4;
const ERROR: i32 = 5;
const ISO_DATE: i32 = 6;
const OTHER: i32 = 7;
// A NUMBER whose value and hashes the scanner wrote, and a SHARED cell whose index it read (see above).
const HASHED_NUMBER: i32 = 8;
const SHARED_INDEX: i32 = 9;

let stopAt: i32 = 0;
let stopReason: i32 = 0;
let records: i32 = 0;
let write: i32 = 0;
let limit: i32 = 0;
// Where the 16 bytes per record of hashed numbers start.
let side: i32 = 0;

// The attribute that attribute() last read.
let nameStart: i32 = 0;
let nameEnd: i32 = 0;
let valueStart: i32 = 0;
let valueEnd: i32 = 0;

export function stoppedAt(): i32 {
  return stopAt;
}

export function stopCause(): i32 {
  return stopReason;
}

export function recordCount(): i32 {
  return records;
}

@inline function at(p: i32): i32 {
  return <i32>load<u8>(<usize>p);
}

@inline function isSpace(c: i32): bool {
  return c == 32 || c == 9 || c == 10 || c == 13;
}

@inline function endsName(c: i32): bool {
  return c == 62 || c == 47 || isSpace(c);
}

// A negative answer of row(): the reason, encoded.
@inline function fail(reason: i32): i32 {
  return -1 - reason;
}

// Scans whole rows of bytes [pos, end) and writes their records at `out` (room for `capacity`).
export function scan(pos: i32, end: i32, out: i32, capacity: i32): void {
  startRecords(out, capacity);
  side = limit;
  while (true) {
    const i = nextThing(pos, end);
    if (i < 0) return;
    if (at(i) != 60 || at(i + 1) != 114 || at(i + 2) != 111 || at(i + 3) != 119 || !endsName(at(i + 4))) {
      stop(i, NOT_A_ROW);
      return;
    }
    const keptRecords = records;
    const keptWrite = write;
    const next = row(i, end);
    if (next < 0) {
      // Nothing of a row that was not read to its end.
      records = keptRecords;
      write = keptWrite;
      stop(i, -1 - next);
      return;
    }
    pos = next;
  }
}

// Reads the plain items of a shared strings part, `<si><t>text</t></si>` (any attributes on <t>, no `&`
// or `_x` escape in the text) and `<si/>`, from `pos`, with whitespace between them: a record
// [textStart, textEnd] per item, positions in memory (equal for an empty one). Anything else stops it
// at that item (or thing), for the JavaScript reader, with the same reasons as scan().
export function scanStrings(pos: i32, end: i32, out: i32, capacity: i32): void {
  startRecords(out, capacity);
  while (true) {
    const i = nextThing(pos, end);
    if (i < 0) return;
    if (at(i) != 60 || at(i + 1) != 115 || at(i + 2) != 105) {
      stop(i, NOT_A_ROW);
      return;
    }
    if (write + RECORD_BYTES > limit) {
      stop(i, FULL);
      return;
    }
    const next = stringItem(i, end);
    if (next < 0) {
      stop(i, -1 - next);
      return;
    }
    pos = next;
  }
}

// One item from its `<si`: the position after it with its record written, or fail(reason).
@inline function stringItem(i: i32, end: i32): i32 {
  const c = at(i + 3);
  if (c == 47) {
    if (at(i + 4) != 62) return fail(UNUSUAL);
    stringRecord(i, i);
    return i + 5;
  }
  if (c != 62) return fail(UNUSUAL);
  const p = i + 4;
  if (p + 3 > end) return fail(INCOMPLETE);
  if (at(p) != 60 || at(p + 1) != 116 || !endsName(at(p + 2))) return fail(UNUSUAL);
  let open = p + 2;
  while (open < end && at(open) != 62) open++;
  if (open >= end) return fail(INCOMPLETE);
  if (at(open - 1) == 47) return fail(UNUSUAL);
  let j = open + 1;
  while (j < end) {
    const t = at(j);
    if (t == 60 || t == 38) break;
    if (t == 95) {
      if (j + 1 >= end) return fail(INCOMPLETE);
      if (at(j + 1) == 120) return fail(UNUSUAL);
    }
    j++;
  }
  if (j + 9 > end) return fail(INCOMPLETE);
  // `</t></si>` as a u64 and a byte.
  if (load<u64>(<usize>j) != T_SI_CLOSE || at(j + 8) != 62) return fail(UNUSUAL);
  stringRecord(open + 1, j);
  return j + 9;
}

const T_SI_CLOSE: u64 = 0x69732f3c3e742f3c;

@inline function stringRecord(from: i32, to: i32): void {
  store<i32>(<usize>write, from);
  store<i32>(<usize>write, to, 4);
  write += RECORD_BYTES;
  records++;
}

// Starts a scan's records at `out`, with room for `capacity`.
@inline function startRecords(out: i32, capacity: i32): void {
  records = 0;
  write = out;
  limit = out + capacity * RECORD_BYTES;
}

// Past whitespace from `pos`, where the next thing starts; -1, having stopped the scan as INCOMPLETE at
// `pos`, when fewer than five bytes are left (no row or item is shorter).
@inline function nextThing(pos: i32, end: i32): i32 {
  let i = pos;
  while (i < end && isSpace(at(i))) i++;
  if (i + 5 > end) {
    stop(pos, INCOMPLETE);
    return -1;
  }
  return i;
}

@inline function stop(position: i32, reason: i32): void {
  stopAt = position;
  stopReason = reason;
}

// One row from its '<': the position after it, or fail(reason).
@inline function row(i: i32, end: i32): i32 {
  if (write + RECORD_BYTES > limit) return fail(FULL);
  i += 4;
  let r = 0;
  let hidden = 0;
  while (true) {
    i = toAttribute(i, end);
    if (i < 0) return i;
    if (atTagEnd) break;
    const length = nameEnd - nameStart;
    if (length == 1 && at(nameStart) == 114) {
      r = decimal(valueStart, valueEnd);
      if (r == TOO_LONG) return fail(UNUSUAL);
    } else if (length == 6 && isHidden(nameStart)) {
      hidden = at(valueStart) == 49 || at(valueStart) == 116 ? 1 : 0;
    }
  }
  const selfClosing = selfClosed;
  store<i32>(<usize>write, ROW | hidden);
  store<i32>(<usize>write, r, 4);
  write += RECORD_BYTES;
  records++;
  if (selfClosing) return i;
  let previousColumn = 0;
  while (true) {
    while (i < end && isSpace(at(i))) i++;
    if (i + 3 > end) return fail(INCOMPLETE);
    if (at(i) != 60) return fail(UNUSUAL);
    if (at(i + 1) == 47) {
      if (i + 6 > end) return fail(INCOMPLETE);
      if (at(i + 2) != 114 || at(i + 3) != 111 || at(i + 4) != 119 || at(i + 5) != 62) return fail(UNUSUAL);
      return i + 6;
    }
    if (at(i + 1) != 99 || !endsName(at(i + 2))) return fail(UNUSUAL);
    const quick = plainCell(i, end);
    if (quick > 0) {
      i = quick;
      previousColumn = lastColumn;
      continue;
    }
    i = cell(i + 2, end, previousColumn);
    if (i < 0) return i;
    previousColumn = lastColumn;
  }
}

// The column of the cell that cell() last read.
let lastColumn: i32 = 0;

// One cell from after its `<c`: the position after it, or fail(reason).
@inline function cell(i: i32, end: i32, previousColumn: i32): i32 {
  let column = 0;
  let style = -1;
  let type = NUMBER;
  while (true) {
    i = toAttribute(i, end);
    if (i < 0) return i;
    if (atTagEnd) break;
    if (nameEnd - nameStart == 1) {
      const name = at(nameStart);
      if (name == 114) {
        column = columnOf(valueStart, valueEnd);
        if (column < 0) return fail(UNUSUAL);
      } else if (name == 115) {
        style = decimal(valueStart, valueEnd);
        if (style == TOO_LONG) return fail(UNUSUAL);
      } else if (name == 116) {
        type = cellType(valueStart, valueEnd);
      }
    }
  }
  const selfClosing = selfClosed;
  if (column == 0) column = previousColumn + 1;
  lastColumn = column;
  if (selfClosing) return i;
  let from = -1;
  let to = -1;
  if (i + 4 > end) return fail(INCOMPLETE);
  if (at(i) != 60) return fail(UNUSUAL);
  if (at(i + 1) == 118 && at(i + 2) == 62) {
    i += 3;
    from = i;
    while (i < end && at(i) != 60) i++;
    to = i;
    if (i + 4 > end) return fail(INCOMPLETE);
    if (at(i + 1) != 47 || at(i + 2) != 118 || at(i + 3) != 62) return fail(UNUSUAL);
    i += 4;
    if (i + 4 > end) return fail(INCOMPLETE);
  }
  if (at(i) != 60 || at(i + 1) != 47 || at(i + 2) != 99 || at(i + 3) != 62) return fail(UNUSUAL);
  if (write + RECORD_BYTES > limit) return fail(FULL);
  cellRecord(column, type, style, from, to);
  return i + 4;
}

// Writes a cell's record (the caller made sure there is room).
@inline function cellRecord(column: i32, type: i32, style: i32, from: i32, to: i32): void {
  if (type == NUMBER && from >= 0 && hashNumber(from, to, side + records * 16)) type = HASHED_NUMBER;
  else if (type == SHARED && from >= 0) {
    const index = decimal(from, to);
    if (index >= 0) {
      store<i32>(<usize>(side + records * 16), index);
      type = SHARED_INDEX;
    }
  }
  store<i32>(<usize>write, column | (type << 24));
  store<i32>(<usize>write, style, 4);
  store<i32>(<usize>write, from, 8);
  store<i32>(<usize>write, to, 12);
  write += RECORD_BYTES;
  records++;
}

// `<c r="A1"` as a little-endian u32 and u16: `<c r` and `="`.
const CELL_R: u32 = 0x7220633c;
const EQ_QUOTE: u32 = 0x223d;
// ` s="` and ` t="`.
const S_ATTR: u32 = 0x223d7320;
const T_ATTR: u32 = 0x223d7420;
// `</v></c>` as a u64, and `<v>` in the low three bytes of a u32.
const V_C_CLOSE: u64 = 0x3e632f3c3e762f3c;
const V_OPEN: u32 = 0x3e763c;

// The cell most writers write, `<c r="B2" s="1" t="s"><v>12</v></c>` (s and t optional, in that
// order, double quotes, nothing else), read with word compares: the position after it, with its
// record written and lastColumn set; 0 for any other cell (or one the bytes cut), which cell() reads.
@inline function plainCell(i: i32, end: i32): i32 {
  if (i + 16 > end || load<u32>(<usize>i) != CELL_R || <u32>load<u16>(<usize>i, 4) != EQ_QUOTE) return 0;
  let p = i + 6;
  let column = 0;
  let letters = 0;
  while (true) {
    const c = at(p);
    if (c < 65 || c > 90) break;
    column = column * 26 + c - 64;
    p++;
    letters++;
  }
  if (letters == 0 || letters > 3) return 0;
  while (p < end && at(p) - 48 <= 9 && at(p) >= 48) p++;
  if (p + 12 > end || at(p) != 34) return 0;
  p++;
  let style = -1;
  if (load<u32>(<usize>p) == S_ATTR) {
    p += 4;
    const from = p;
    while (p < end && at(p) >= 48 && at(p) <= 57) p++;
    if (p == from || p - from > 9 || p + 12 > end || at(p) != 34) return 0;
    style = 0;
    for (let k = from; k < p; k++) style = style * 10 + at(k) - 48;
    p++;
  }
  let type = NUMBER;
  if (load<u32>(<usize>p) == T_ATTR) {
    if (p + 12 > end || at(p + 5) != 34) return 0;
    type = cellType(p + 4, p + 5);
    p += 6;
  }
  if (at(p) != 62 || (load<u32>(<usize>p, 1) & 0xffffff) != V_OPEN) return 0;
  p += 4;
  const from = p;
  while (p < end && at(p) != 60) p++;
  if (p + 8 > end || load<u64>(<usize>p) != V_C_CLOSE) return 0;
  if (write + RECORD_BYTES > limit) return 0;
  lastColumn = column;
  cellRecord(column, type, style, from, p);
  return p + 8;
}

// Whether toAttribute() reached the end of the start tag rather than an attribute, and whether that
// end was `/>`.
let atTagEnd: bool = false;
let selfClosed: bool = false;

// Past whitespace in a start tag, the next attribute read by attribute() (atTagEnd false), or the
// tag's end, `>` or `/>` (atTagEnd true): the position after it, or fail(reason).
@inline function toAttribute(i: i32, end: i32): i32 {
  while (i < end && isSpace(at(i))) i++;
  if (i >= end) return fail(INCOMPLETE);
  const c = at(i);
  if (c == 62 || c == 47) {
    atTagEnd = true;
    selfClosed = c == 47;
    if (c == 62) return i + 1;
    if (i + 1 >= end) return fail(INCOMPLETE);
    return at(i + 1) == 62 ? i + 2 : fail(UNUSUAL);
  }
  atTagEnd = false;
  return attribute(i, end);
}

// Reads name="value" or name='value' at i into nameStart..valueEnd: the position after it, or
// fail(reason) for any other form.
@inline function attribute(i: i32, end: i32): i32 {
  nameStart = i;
  while (true) {
    if (i >= end) return fail(INCOMPLETE);
    const c = at(i);
    if (c == 61) break;
    if (isSpace(c) || c == 62 || c == 47 || c == 34 || c == 39 || c == 60) return fail(UNUSUAL);
    i++;
  }
  nameEnd = i;
  if (nameEnd == nameStart) return fail(UNUSUAL);
  if (i + 1 >= end) return fail(INCOMPLETE);
  const quote = at(i + 1);
  if (quote != 34 && quote != 39) return fail(UNUSUAL);
  i += 2;
  valueStart = i;
  while (true) {
    if (i >= end) return fail(INCOMPLETE);
    const c = at(i);
    if (c == quote) break;
    if (c == 60 || c == 62) return fail(UNUSUAL);
    i++;
  }
  valueEnd = i;
  return i + 1;
}

const TOO_LONG: i32 = -2;

// readUint's answer for [from, to): the number, -1 when it is empty or not all digits; TOO_LONG past
// nine digits, where readUint would still read it.
@inline function decimal(from: i32, to: i32): i32 {
  if (to <= from) return -1;
  if (to - from > 9) return TOO_LONG;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = at(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

// The column of a reference's letters (A1 -> 1), 0 when it has none; -1 past five letters.
@inline function columnOf(from: i32, to: i32): i32 {
  let column = 0;
  for (let i = from; i < to; i++) {
    const c = at(i);
    if (c >= 65 && c <= 90) column = column * 26 + c - 64;
    else if (c >= 97 && c <= 122) column = column * 26 + c - 96;
    else break;
    if (i - from >= 5) return -1;
  }
  return column;
}

// cellTypeOf's answer for the `t` attribute's value.
@inline function cellType(from: i32, to: i32): i32 {
  const length = to - from;
  if (length == 1) {
    const c = at(from);
    if (c == 115) return SHARED;
    if (c == 110) return NUMBER;
    if (c == 98) return BOOLEAN;
    if (c == 101) return ERROR;
    if (c == 100) return ISO_DATE;
    return OTHER;
  }
  // "str"
  if (length == 3 && at(from) == 115 && at(from + 1) == 116 && at(from + 2) == 114) return FORMULA;
  // "inlineStr"
  if (
    length == 9 &&
    at(from) == 105 &&
    at(from + 1) == 110 &&
    at(from + 2) == 108 &&
    at(from + 3) == 105 &&
    at(from + 4) == 110 &&
    at(from + 5) == 101 &&
    at(from + 6) == 83 &&
    at(from + 7) == 116 &&
    at(from + 8) == 114
  ) {
    return INLINE;
  }
  return OTHER;
}

// Whether the six bytes at i are "hidden".
function isHidden(i: i32): bool {
  return (
    at(i) == 104 && at(i + 1) == 105 && at(i + 2) == 100 && at(i + 3) == 100 && at(i + 4) == 101 && at(i + 5) == 110
  );
}

// Exact powers of ten, 10^0 .. 10^15.
const POWERS_OF_TEN: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

// value.hash.ts's hashNumberBytes for the text [from, to): when it is a number written in its normal
// form, writes its value and its text's hashes at `out` and returns true; false for anything else,
// which the JavaScript reader reads as before. The two must agree bit for bit (the tests compare them).
function hashNumber(from: i32, to: i32, out: i32): bool {
  let i = from;
  const negative = at(i) == 45;
  if (negative) i++;
  if (i >= to) return false;
  let mantissa: f64 = 0;
  let digits = 0;
  if (at(i) == 48) {
    i++;
    digits = 1;
  } else {
    while (i < to && at(i) >= 48 && at(i) <= 57) {
      mantissa = mantissa * 10 + <f64>(at(i) - 48);
      i++;
      digits++;
    }
    if (digits == 0) return false;
  }
  let fraction = 0;
  if (i < to) {
    if (at(i) != 46) return false;
    i++;
    let leadingZeros = 0;
    while (i < to && at(i) >= 48 && at(i) <= 57) {
      const d = at(i) - 48;
      if (d == 0 && mantissa == 0) leadingZeros++;
      mantissa = mantissa * 10 + <f64>d;
      fraction++;
      i++;
    }
    if (i != to || fraction == 0 || at(to - 1) == 48 || leadingZeros > 5) return false;
  }
  if (digits + fraction > 15 || (negative && mantissa == 0)) return false;
  const magnitude = fraction ? mantissa / unchecked(POWERS_OF_TEN[fraction]) : mantissa;
  hashRange(from, to);
  store<f64>(<usize>out, negative ? -magnitude : magnitude);
  store<u32>(<usize>out, textHash, 8);
  store<u32>(<usize>out, textCheck, 12);
  return true;
}
