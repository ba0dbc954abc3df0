import { fmix32, hash32 } from '@shadowscan/domain';

/** Bound once: a call through the library index's re-export getter costs more than the hash itself. */
const mix32 = fmix32;
const hashValue = hash32;

/**
 * A value's identity within a column is its normal form; comparing strings per cell is what the
 * columnar path avoids, so a column keys its distinct values by hash32(norm) and this second,
 * independent 32-bit hash (multiply-shift over pairs of characters, not FNV) of the same characters. A false match needs
 * both to collide at once: about n²/2⁶⁵ for n distinct values (10⁻¹¹ at 20,000).
 */
export function checkHash(norm: string): number {
  let k = CHECK_SEED;
  const n = norm.length;
  // Two characters (UTF-16 code units) per step.
  for (let i = 1; i < n; i += 2) k = checkStep(k, norm.charCodeAt(i - 1) | (norm.charCodeAt(i) << 16));
  if (n & 1) k = checkStep(k, norm.charCodeAt(n - 1));
  return mix32((k ^ n) >>> 0);
}

function checkStep(k: number, units: number): number {
  const m = Math.imul(k + units, CHECK_PRIME);
  return m ^ (m >>> 15);
}

const CHECK_SEED = 0x2f6b1a3d;
const CHECK_PRIME = 0x9e3779b1;
const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** What `hashed` holds where. */
export const enum Hashed {
  Hash = 0,
  Check = 1,
  Length = 2,
}

/**
 * What the byte hashers found: hash32 and checkHash of the value's normal form and its length in
 * characters. One shared result instead of an object per cell, and a typed array rather than an
 * object: a hash of 2^31 or more stored in an object's field is a heap number allocated at every
 * store (28 of the 44 MB allocated reading the 200,000-row bench workbook), where a Uint32Array holds
 * its 32 bits.
 */
export const hashed = new Uint32Array(3);

/** Sets `hashed` for a normal form given as a string (the fallback path). */
export function hashNorm(norm: string): void {
  hashed[Hashed.Hash] = hashValue(norm);
  hashed[Hashed.Check] = checkHash(norm);
  hashed[Hashed.Length] = norm.length;
}

/**
 * Sets `hashed` from the running hashes of a normal form `length` characters long that the byte
 * hashers made: FNV `h`, check `k`, and `low`, the character still unpaired when the length is odd.
 */
function setHashed(h: number, k: number, low: number, length: number): void {
  if (length & 1) k = checkStep(k, low);
  hashed[Hashed.Hash] = mix32(h >>> 0);
  hashed[Hashed.Check] = mix32((k ^ length) >>> 0);
  hashed[Hashed.Length] = length;
}

/** Sets `hashed` for the ASCII bytes `b[from, to)`, which are their own normal form. */
function hashRange(b: Uint8Array, from: number, to: number): void {
  let h = FNV_BASIS;
  let k = CHECK_SEED;
  let low = 0;
  for (let i = from; i < to; i++) {
    const c = b[i];
    h = Math.imul(h ^ c, FNV_PRIME);
    if ((i - from) & 1) k = checkStep(k, low | (c << 16));
    else low = c;
  }
  setHashed(h, k, low, to - from);
}

/**
 * normaliseText on UTF-8 bytes, for the text most cells hold: printable ASCII, trimmed and
 * single-spaced. Sets `hashed` to what hashNorm(normaliseText(text)) would and returns true; returns
 * false, having done nothing useful, for anything else (non-ASCII, control characters, spaces to
 * collapse, empty), which must take the string path. The two must agree bit for bit: the hashes
 * feed MinHash signatures compared across files and with catalog fields.
 */
export function hashTextBytes(b: Uint8Array, from: number, to: number): boolean {
  if (to <= from) return false;
  const first = b[from];
  if (((first >= 48 && first <= 57) || first === 43 || first === 45) && hashPlainNumber(b, from, to)) {
    return true;
  }
  let h = FNV_BASIS;
  let k = CHECK_SEED;
  let low = 0;
  let previousSpace = true;
  for (let i = from; i < to; i++) {
    let c = b[i];
    if (c >= 65 && c <= 90) c += 32;
    else if (c === 32) {
      if (previousSpace) return false;
    } else if (c < 32 || c >= 127) return false;
    previousSpace = c === 32;
    h = Math.imul(h ^ c, FNV_PRIME);
    if ((i - from) & 1) k = checkStep(k, low | (c << 16));
    else low = c;
  }
  if (previousSpace) return false;
  setHashed(h, k, low, to - from);
  return true;
}

/** What scanTextField found besides the field's end: whether `hashed` holds the field's hashes. */
export const scannedField = { hashed: false };

/**
 * Finds where an unquoted CSV field that starts at `b[from]` ends (the delimiter, a line break or the
 * end of the bytes) and hashes it on the way, in the same pass: scannedField.hashed says whether
 * `hashed` is what hashTextBytes(b, from, end) would have set, and is false where hashTextBytes would
 * have returned false.
 */
export function scanTextField(b: Uint8Array, from: number, delimiter: number): number {
  const n = b.length;
  let h = FNV_BASIS;
  let k = CHECK_SEED;
  let low = 0;
  let previousSpace = true;
  let plain = true;
  let j = from;
  for (; j < n; j++) {
    let c = b[j];
    if (c === delimiter || c === 10 || c === 13) break;
    if (c >= 65 && c <= 90) c += 32;
    else if (c === 32) {
      if (previousSpace) plain = false;
    } else if (c < 32 || c >= 127) plain = false;
    previousSpace = c === 32;
    h = Math.imul(h ^ c, FNV_PRIME);
    if ((j - from) & 1) k = checkStep(k, low | (c << 16));
    else low = c;
  }
  // As hashTextBytes: plain text is hashed as it is, a plain number in its canonical form.
  scannedField.hashed = j > from && plain && !previousSpace;
  if (!scannedField.hashed) return j;
  const first = b[from];
  if ((first >= 48 && first <= 57) || first === 43 || first === 45) {
    const end = canonicalNumberEnd(b, from, j);
    // Most numbers are written in that form already: then the hashes made on the way are theirs.
    if (end !== NOT_A_NUMBER && (end !== j || first === 43)) {
      hashCanonicalNumber(b, from, end);
      return j;
    }
  }
  setHashed(h, k, low, j - from);
  return j;
}

const ZERO = Buffer.from('0', 'latin1');

/** canonicalNumberEnd's answers besides an end. */
const NOT_A_NUMBER = -1;
const MINUS_ZERO = -2;

/**
 * Text matching normalise.ts's PLAIN_NUMBER (`[+-]?(0|[1-9]\d*)(\.\d+)?`) normalises to its canonical
 * form: no `+`, no trailing fractional zeros, `-0` as `0`. Returns where that form ends (it starts
 * after a `+`, else at `from`), MINUS_ZERO for a negative zero, or NOT_A_NUMBER for other text.
 */
function canonicalNumberEnd(b: Uint8Array, from: number, to: number): number {
  let i = from;
  const sign = b[i];
  if (sign === 43 || sign === 45) i++;
  if (i >= to) return NOT_A_NUMBER;
  if (b[i] === 48) i++;
  else if (b[i] >= 49 && b[i] <= 57) while (i < to && b[i] >= 48 && b[i] <= 57) i++;
  else return NOT_A_NUMBER;
  let end = to;
  if (i < to) {
    if (b[i] !== 46) return NOT_A_NUMBER;
    const dot = i++;
    const digits = i;
    while (i < to && b[i] >= 48 && b[i] <= 57) i++;
    if (i === digits || i !== to) return NOT_A_NUMBER;
    while (end > dot + 1 && b[end - 1] === 48) end--;
    if (end === dot + 1) end = dot;
  }
  if (sign === 45 && end - from === 2 && b[from + 1] === 48) return MINUS_ZERO;
  return end;
}

/** Sets `hashed` for the canonical form of the number at b[from, ...) that canonicalNumberEnd found. */
function hashCanonicalNumber(b: Uint8Array, from: number, end: number): void {
  if (end === MINUS_ZERO) hashRange(ZERO, 0, 1);
  else hashRange(b, b[from] === 43 ? from + 1 : from, end);
}

/** Sets `hashed` for text that is a plain number (see canonicalNumberEnd); false for other text. */
function hashPlainNumber(b: Uint8Array, from: number, to: number): boolean {
  const end = canonicalNumberEnd(b, from, to);
  if (end === NOT_A_NUMBER) return false;
  hashCanonicalNumber(b, from, end);
  return true;
}

/** What hashNumberBytes read: the number itself, at 0 (a typed array, as `hashed`, for the same reason). */
export const parsed = new Float64Array(1);

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * A number as a worksheet writes it (`<v>1234.5</v>`), when its text is already the value's normal
 * form: plain decimal, at most 15 digits, no trailing fractional zeros, not below 10⁻⁶ (where String()
 * switches to exponents). Fifteen digits survive the round trip through a double, so String(n) and
 * canonicalNumber give back these very characters. Sets `parsed` (exactly: an integer below 2⁵³
 * divided by an exact power of ten is correctly rounded) and `hashed`; false for anything else.
 */
export function hashNumberBytes(b: Uint8Array, from: number, to: number): boolean {
  let i = from;
  const negative = b[i] === 45;
  if (negative) i++;
  if (i >= to) return false;
  let mantissa = 0;
  let digits = 0;
  if (b[i] === 48) {
    i++;
    digits = 1;
  } else {
    while (i < to && b[i] >= 48 && b[i] <= 57) {
      mantissa = mantissa * 10 + b[i++] - 48;
      digits++;
    }
    if (digits === 0) return false;
  }
  let fraction = 0;
  if (i < to) {
    if (b[i++] !== 46) return false;
    let leadingZeros = 0;
    while (i < to && b[i] >= 48 && b[i] <= 57) {
      const d = b[i++] - 48;
      if (d === 0 && mantissa === 0) leadingZeros++;
      mantissa = mantissa * 10 + d;
      fraction++;
    }
    if (i !== to || fraction === 0 || b[to - 1] === 48 || leadingZeros > 5) return false;
  }
  if (digits + fraction > 15 || (negative && mantissa === 0)) return false;
  const magnitude = fraction ? mantissa / POWERS_OF_TEN[fraction] : mantissa;
  parsed[0] = negative ? -magnitude : magnitude;
  hashRange(b, from, to);
  return true;
}

/** The rounded digits of roundedNumberText, and the text it makes of them. */
const roundDigits = new Uint8Array(16);
const canonicalText = Buffer.alloc(48);

/**
 * A decimal number with more than 15 significant digits (`<v>1234.5600000000001</v>`, binary noise
 * that a formula left, as Excel writes it): its normal form rounds it to 15 digits (normalise.ts's
 * canonicalNumber: String(Number(n.toPrecision(15)))). Sets `parsed` and `hashed` from the text
 * roundedNumberText makes, or returns false, and the number takes the string path.
 */
export function hashLongNumberBytes(b: Buffer, from: number, to: number): boolean {
  const n = roundedNumberText(b, from, to);
  if (n < 0) return false;
  parsed[0] = Number(b.toString('latin1', from, to));
  hashRange(canonicalText, 0, n);
  return true;
}

/** roundedNumberText for a number's text as String() writes it; null when it cannot tell. */
export function roundedNumberString(text: string): string | null {
  if (text.length > canonicalText.length) return null;
  for (let i = 0; i < text.length; i++) canonicalText[i] = text.charCodeAt(i);
  const n = roundedNumberText(canonicalText, 0, text.length);
  return n < 0 ? null : canonicalText.toString('latin1', 0, n);
}

/**
 * The decimal `b[from, to)` (more than 15 significant digits) rounded to 15 and written as
 * Number.prototype.toString would write that value, in canonicalText; returns its length. Rounding
 * the text gives the same digits as rounding the double it stands for unless the two lie on either
 * side of a rounding midpoint; they are within half an ulp (about 1.1·10⁻¹⁶ of the value) of each
 * other, so a text whose 16th and 17th digits are at least 0.21 of a 15th-digit unit from the
 * midpoint (…28 or below, …71 or above) is safe, at 2·10⁻¹⁶ or more. Plain decimals from 10⁻⁵ up
 * only (where String() writes no exponent); -1 for anything else. `b` may be canonicalText itself.
 */
function roundedNumberText(b: Uint8Array, from: number, to: number): number {
  let i = from;
  const negative = b[i] === 45;
  if (negative) i++;
  const intStart = i;
  while (i < to && b[i] >= 48 && b[i] <= 57) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || intDigits > 17 || (b[intStart] === 48 && intDigits > 1)) return -1;
  if (i >= to || b[i] !== 46) return -1;
  const dot = i++;
  while (i < to && b[i] >= 48 && b[i] <= 57) i++;
  if (i !== to || i === dot + 1) return -1;
  // The first significant digit and the power of ten of the decimal point relative to it.
  let first = intStart;
  let exponent = intDigits;
  if (b[intStart] === 48) {
    first = dot + 1;
    while (first < to && b[first] === 48) first++;
    if (first >= to || first - dot - 1 > 4) return -1;
    exponent = dot + 1 - first;
  }
  const significant = to - first - (first < dot ? 1 : 0);
  if (significant <= 15) return -1;
  // Digit k of the significant ones.
  const digitAt = (k: number): number => {
    const at = first + k;
    return b[first < dot && at >= dot ? at + 1 : at] - 48;
  };
  const tail = digitAt(15) * 10 + (significant > 16 ? digitAt(16) : 0);
  if (tail > 28 && tail < 71) return -1;
  for (let k = 0; k < 15; k++) roundDigits[k] = digitAt(k);
  let count = 15;
  if (tail >= 71) {
    let k = 14;
    while (k >= 0 && roundDigits[k] === 9) roundDigits[k--] = 0;
    if (k >= 0) roundDigits[k]++;
    else {
      // 99…9 rounds up to 100…0: one more integer digit.
      roundDigits[0] = 1;
      exponent++;
    }
  }
  while (count > 1 && roundDigits[count - 1] === 0) count--;
  // As Number.prototype.toString writes a value from 10⁻⁶ to 10²¹ (the input is read by now).
  let n = 0;
  if (negative) canonicalText[n++] = 45;
  if (exponent <= 0) {
    canonicalText[n++] = 48;
    canonicalText[n++] = 46;
    for (let z = 0; z < -exponent; z++) canonicalText[n++] = 48;
    for (let k = 0; k < count; k++) canonicalText[n++] = 48 + roundDigits[k];
  } else {
    for (let k = 0; k < Math.max(count, exponent); k++) {
      if (k === exponent) canonicalText[n++] = 46;
      canonicalText[n++] = k < count ? 48 + roundDigits[k] : 48;
    }
  }
  return n;
}
