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

/**
 * What the byte hashers found: hash32 and checkHash of the value's normal form and its length in
 * characters. One shared result instead of an object per cell.
 */
export const hashed = { hash: 0, check: 0, length: 0 };

/** Sets `hashed` for a normal form given as a string (the fallback path). */
export function hashNorm(norm: string): void {
  hashed.hash = hashValue(norm);
  hashed.check = checkHash(norm);
  hashed.length = norm.length;
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
  if ((to - from) & 1) k = checkStep(k, low);
  hashed.hash = mix32(h >>> 0);
  hashed.check = mix32((k ^ (to - from)) >>> 0);
  hashed.length = to - from;
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
  if ((to - from) & 1) k = checkStep(k, low);
  hashed.hash = mix32(h >>> 0);
  hashed.check = mix32((k ^ (to - from)) >>> 0);
  hashed.length = to - from;
  return true;
}

const ZERO = Buffer.from('0', 'latin1');

/**
 * Text matching normalise.ts's PLAIN_NUMBER (`[+-]?(0|[1-9]\d*)(\.\d+)?`) normalises to its canonical
 * form: no `+`, no trailing fractional zeros, `-0` as `0`. Hashes that form; false when the text is
 * not such a number.
 */
function hashPlainNumber(b: Uint8Array, from: number, to: number): boolean {
  let i = from;
  const sign = b[i];
  if (sign === 43 || sign === 45) i++;
  if (i >= to) return false;
  if (b[i] === 48) i++;
  else if (b[i] >= 49 && b[i] <= 57) while (i < to && b[i] >= 48 && b[i] <= 57) i++;
  else return false;
  let end = to;
  if (i < to) {
    if (b[i] !== 46) return false;
    const dot = i++;
    const digits = i;
    while (i < to && b[i] >= 48 && b[i] <= 57) i++;
    if (i === digits || i !== to) return false;
    while (end > dot + 1 && b[end - 1] === 48) end--;
    if (end === dot + 1) end = dot;
  }
  const start = sign === 43 ? from + 1 : from;
  if (sign === 45 && end - start === 2 && b[start + 1] === 48) hashRange(ZERO, 0, 1);
  else hashRange(b, start, end);
  return true;
}

/** What hashNumberBytes read: the number itself. */
export const parsed = { value: 0 };

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
  parsed.value = negative ? -magnitude : magnitude;
  hashRange(b, from, to);
  return true;
}
