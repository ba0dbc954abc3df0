// AssemblyScript, imported by columns.ts: column-type.ts's textFits and column.profile.ts's shape hashes
// (ShapeTable.hashShape) for the normal form of a plain ASCII text cell, in the cases that need no regular
// expression beyond what is written out here. Any other case answers NOT_CLASSIFIED, and the JavaScript
// classifies the value as before; what is answered must agree with the JavaScript bit for bit (the tests
// compare the profiles of both paths).
//
// The character tables (column-type.ts's HAS_OF and ONLY_OF, column.profile.ts's SHAPE_OF) are written
// into memory by the JavaScript (column.wasm.ts), so that both read the same ones.

import { canonicalNumberEnd, fmix32, MINUS_ZERO, NOT_A_NUMBER } from './text-hash';

export const NOT_CLASSIFIED: i32 = -1;

// column-type.ts's BIT (TYPE_PRIORITY order).
const BOOLEAN: i32 = 1;
const INTEGER: i32 = 2;
const DECIMAL: i32 = 4;
const CURRENCY: i32 = 8;
const EMAIL: i32 = 128;
const URL: i32 = 256;
const PHONE: i32 = 512;
const ID: i32 = 1024;

// column-type.ts's character classes.
const HAS_DIGIT: i32 = 1;
const HAS_PERCENT: i32 = 2;
const HAS_AT: i32 = 4;
const HAS_DOT: i32 = 8;
const MAY_BE_NUMBER: i32 = 16;
const MAY_BE_PHONE: i32 = 32;
const MAY_BE_CURRENCY: i32 = 64;
const HAS_COLON: i32 = 128;
const DATE_SEPARATORS: i32 = 256 | HAS_DOT;
const MAY_BE_CODE: i32 = 512;
const DATE_SHAPE: i32 = 1024;
const URL_START: i32 = 2048;
const LEADING_ZERO: i32 = 4096;
const SHORT: i32 = 8192;
const HAS_LETTER: i32 = 16384;
const CODE_CLASSES: i32 = HAS_DIGIT | HAS_LETTER | MAY_BE_CODE;
const PLAIN_NUMBER_FORM: i32 = 32768;
const MAX_CLASSIFIED_LENGTH: i32 = 256;

const MAX_PATTERN_LENGTH: i32 = 24;
const ELLIPSIS: u32 = 0x2026;

// Where the tables are (tables()), and the normal form being classified.
let hasOf: usize = 0;
let onlyOf: usize = 0;
let shapeOf: usize = 0;
let norm: usize = 0;

// What classify() found besides the fits: the shape's two hashes.
export let shapeHash: u32 = 0;
export let shapeCheck: u32 = 0;

// Sets where the tables (u16 x 128, u16 x 128, u8 x 128) and a scratch of MAX_CLASSIFIED_LENGTH bytes are.
export function placeTables(at: usize): usize {
  hasOf = at;
  onlyOf = at + 256;
  shapeOf = at + 512;
  norm = at + 640;
  return norm + <usize>MAX_CLASSIFIED_LENGTH;
}

@inline function t(i: i32): i32 {
  return <i32>load<u8>(norm + <usize>i);
}

@inline function isDigit(c: i32): bool {
  return c >= 48 && c <= 57;
}

@inline function isSpace(c: i32): bool {
  return c == 32 || (c >= 9 && c <= 13);
}

// The type fits (a bit set) of the text at bytes [from, to), a cell's plain ASCII text as read, once
// normalised (lower-cased; a plain number in its canonical form); NOT_CLASSIFIED where the JavaScript must
// classify it. Sets shapeHash and shapeCheck when it answers.
export function classify(from: usize, to: usize): i32 {
  let n = <i32>(to - from);
  if (n <= 0 || n > MAX_CLASSIFIED_LENGTH) return NOT_CLASSIFIED;
  // normaliseText's plain text only (no control characters, nothing past ASCII, single spaces inside),
  // which it merely lower-cases: other text is trimmed and collapsed first.
  let previous = 32;
  for (let i = 0; i < n; i++) {
    let c = <i32>load<u8>(from + <usize>i);
    if (c < 32 || c >= 127 || (c == 32 && previous == 32)) return NOT_CLASSIFIED;
    previous = c;
    if (c >= 65 && c <= 90) c += 32;
    store<u8>(norm + <usize>i, <u8>c);
  }
  if (previous == 32) return NOT_CLASSIFIED;
  // normaliseText: a plain number in its canonical form (no `+`, no trailing fractional zeros, -0 is 0).
  const first = t(0);
  if (isDigit(first) || first == 43 || first == 45) {
    const end = canonicalNumberEnd(<i32>norm, <i32>norm + n);
    if (end == MINUS_ZERO) {
      store<u8>(norm, 48);
      n = 1;
    } else if (end != NOT_A_NUMBER) {
      n = end - <i32>norm;
      if (first == 43) {
        memory.copy(norm, norm + 1, <usize>(n - 1));
        n--;
      }
    }
  }
  const fits = textFits(n);
  if (fits != NOT_CLASSIFIED) hashShape(n);
  return fits;
}

// column-type.ts's charClasses.
function charClasses(n: i32): i32 {
  let has = 0;
  let only = MAY_BE_NUMBER | MAY_BE_PHONE | MAY_BE_CURRENCY | MAY_BE_CODE;
  for (let i = 0; i < n; i++) {
    const c = <usize>t(i);
    has |= <i32>load<u16>(hasOf + (c << 1));
    only &= <i32>load<u16>(onlyOf + (c << 1));
  }
  const iso = n >= 5 && digits(0, 4) && t(4) == 45;
  const dateShape = n >= 8 && n <= 19 && (iso || digits(n - 4, n));
  const first = t(0);
  has |=
    (dateShape ? DATE_SHAPE : 0) |
    (first == 104 || first == 102 || first == 119 ? URL_START : 0) |
    (first == 48 && n >= 2 ? LEADING_ZERO : 0) |
    (n <= 5 ? SHORT : 0);
  if (only & MAY_BE_NUMBER && isPlainNumberText(n)) has |= PLAIN_NUMBER_FORM;
  else if (only & MAY_BE_NUMBER && !signsOnlyLead(n)) only &= ~MAY_BE_NUMBER;
  if (only & MAY_BE_CURRENCY && has & HAS_DIGIT && !amountShaped(n)) only &= ~MAY_BE_CURRENCY;
  return has | only;
}

function digits(from: i32, to: i32): bool {
  for (let i = from; i < to; i++) if (!isDigit(t(i))) return false;
  return true;
}

function isPlainNumberText(n: i32): bool {
  let i = t(0) == 45 ? 1 : 0;
  const intStart = i;
  const leadingZero = intStart < n && t(intStart) == 48;
  while (i < n && isDigit(t(i))) i++;
  if (i == intStart || (i - intStart > 1 && leadingZero)) return false;
  if (i == n) return true;
  if (t(i) != 46) return false;
  const fraction = ++i;
  while (i < n && isDigit(t(i))) i++;
  return i == n && i > fraction;
}

function signsOnlyLead(n: i32): bool {
  for (let i = 1; i < n; i++) {
    const c = t(i);
    if ((c == 43 || c == 45) && t(i - 1) != 101) return false;
  }
  return true;
}

function amountShaped(n: i32): bool {
  let letters = 0;
  let digit = false;
  for (let i = 0; i < n; i++) {
    const c = t(i);
    if (c >= 97 && c <= 122) letters++;
    else if (isDigit(c)) digit = true;
    else if (c == 45 && digit) return false;
  }
  return letters == 0 || letters == 3;
}

// column-type.ts's textFits, where its patterns can be written out; else NOT_CLASSIFIED.
function textFits(n: i32): i32 {
  const chars = charClasses(n);
  if (chars & PLAIN_NUMBER_FORM) return plainNumberFits(n);
  // INTEGER_TEXT and DECIMAL_TEXT (thousands, exponents), currencies, percentages, dates and times.
  if (chars & MAY_BE_NUMBER) return NOT_CLASSIFIED;
  if ((chars & (HAS_DIGIT | MAY_BE_CURRENCY)) == (HAS_DIGIT | MAY_BE_CURRENCY)) return NOT_CLASSIFIED;
  if (chars & HAS_PERCENT) return NOT_CLASSIFIED;
  if (chars & HAS_DIGIT && chars & DATE_SEPARATORS && chars & DATE_SHAPE && mayBeDate(n)) return NOT_CLASSIFIED;
  if (chars & HAS_DIGIT && chars & HAS_COLON) return NOT_CLASSIFIED;
  let fits = 0;
  if (chars & SHORT && isBooleanWord(n)) fits |= BOOLEAN;
  if ((chars & (HAS_AT | HAS_DOT)) == (HAS_AT | HAS_DOT) && isEmail(n)) fits |= EMAIL;
  if ((chars & (HAS_DOT | URL_START)) == (HAS_DOT | URL_START) && isUrl(n)) fits |= URL;
  if (chars & MAY_BE_PHONE && isPhone(n)) {
    let count = 0;
    for (let i = 0; i < n; i++) if (isDigit(t(i))) count++;
    if (count >= 7 && count <= 15) fits |= PHONE;
  }
  // CODE_TEXT: its characters only (MAY_BE_CODE, which has no whitespace), a letter and a digit.
  if ((chars & CODE_CLASSES) == CODE_CLASSES) fits |= ID;
  else if (chars & LEADING_ZERO && digits(1, n)) fits |= ID;
  return fits;
}

// Whether isDateText may hold: its ISO pattern starts with four digits and a `-`; every other one ends
// with a year of four digits after a separator, which five digits at the end are not.
function mayBeDate(n: i32): bool {
  return (digits(0, 4) && t(4) == 45) || !isDigit(t(n - 5));
}

function plainNumberFits(n: i32): i32 {
  let fits = DECIMAL | CURRENCY;
  for (let i = 0; i < n; i++) if (t(i) == 46) return fits;
  fits |= INTEGER | ID;
  const count = t(0) == 45 ? n - 1 : n;
  if (count >= 7 && count <= 15) fits |= PHONE;
  return fits;
}

// BOOLEAN_WORDS: true, false, yes, no, y, n.
function isBooleanWord(n: i32): bool {
  if (n == 1) return t(0) == 121 || t(0) == 110;
  if (n == 2) return t(0) == 110 && t(1) == 111;
  if (n == 3) return t(0) == 121 && t(1) == 101 && t(2) == 115;
  if (n == 4) return t(0) == 116 && t(1) == 114 && t(2) == 117 && t(3) == 101;
  if (n == 5) return t(0) == 102 && t(1) == 97 && t(2) == 108 && t(3) == 115 && t(4) == 101;
  return false;
}

// EMAIL_TEXT, /^[^\s@]+@[^\s@]+\.[^\s@.]+$/: one `@` after something, no whitespace, and a dot after
// something past the `@` with something after it and no dot there.
function isEmail(n: i32): bool {
  let at = -1;
  let lastDot = -1;
  for (let i = 0; i < n; i++) {
    const c = t(i);
    if (isSpace(c)) return false;
    if (c == 64) {
      if (at >= 0) return false;
      at = i;
    } else if (c == 46) lastDot = i;
  }
  return at >= 1 && lastDot > at + 1 && lastDot < n - 1;
}

// URL_TEXT, /^(?:(?:https?|ftp):\/\/|www\.)[^\s]+\.[^\s]+$/.
function isUrl(n: i32): bool {
  let start = -1;
  if (prefix(n, 'http://')) start = 7;
  else if (prefix(n, 'https://')) start = 8;
  else if (prefix(n, 'ftp://')) start = 6;
  else if (prefix(n, 'www.')) start = 4;
  if (start < 0) return false;
  let dot = false;
  for (let i = start; i < n; i++) {
    const c = t(i);
    if (isSpace(c)) return false;
    if (c == 46 && i > start && i < n - 1) dot = true;
  }
  return dot;
}

function prefix(n: i32, p: string): bool {
  const k = p.length;
  if (n < k) return false;
  for (let i = 0; i < k; i++) if (t(i) != <i32>p.charCodeAt(i)) return false;
  return true;
}

// PHONE_TEXT, /^\+?[\d\s\-()]+$/, for text of its characters only (MAY_BE_PHONE): a `+` first at most.
function isPhone(n: i32): bool {
  const start = t(0) == 43 ? 1 : 0;
  if (start >= n) return false;
  for (let i = start; i < n; i++) if (t(i) == 43) return false;
  return true;
}

// ShapeTable.hashShape of the normal form.
function hashShape(n: i32): void {
  const m = n < MAX_PATTERN_LENGTH ? n : MAX_PATTERN_LENGTH;
  let h: u32 = 0x811c9dc5;
  let k: u32 = 0x9e3779b9;
  for (let i = 0; i < m; i++) {
    const shape = <u32>load<u8>(shapeOf + <usize>t(i));
    h = (h ^ shape) * 0x01000193;
    k = (k + shape) * 0x85ebca6b;
    k = (k << 13) | (k >>> 19);
  }
  const cut: u32 = n > MAX_PATTERN_LENGTH ? ELLIPSIS : 0;
  shapeHash = fmix32((h ^ cut) * 0x01000193);
  shapeCheck = fmix32((k + cut) * 0x85ebca6b);
}
