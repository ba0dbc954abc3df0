// AssemblyScript, imported by csv-scan.ts and sheet-scan.ts: what both need of value.hash.ts's hashes of a
// value's normal form, made from its bytes, which must agree with value.hash.ts bit for bit (the tests
// compare them).

// FNV-1a and the check hash (multiply-shift over pairs of characters), each finished with murmur3's mixer.
export const FNV_BASIS: u32 = 0x811c9dc5;
export const FNV_PRIME: u32 = 0x01000193;
export const CHECK_SEED: u32 = 0x2f6b1a3d;
export const CHECK_PRIME: u32 = 0x9e3779b1;

@inline function at(p: i32): i32 {
  return <i32>load<u8>(<usize>p);
}

@inline export function fmix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x85ebca6b;
  x ^= x >>> 13;
  x *= 0xc2b2ae35;
  x ^= x >>> 16;
  return x;
}

@inline export function checkStep(key: u32, units: u32): u32 {
  const m = (key + units) * CHECK_PRIME;
  return m ^ (m >>> 15);
}

export const NOT_A_NUMBER: i32 = -1;
export const MINUS_ZERO: i32 = -2;

// value.hash.ts's canonicalNumberEnd: for text matching `[+-]?(0|[1-9]\d*)(\.\d+)?`, where its canonical
// form ends (no trailing fractional zeros), MINUS_ZERO for a negative zero, NOT_A_NUMBER for other text.
export function canonicalNumberEnd(from: i32, to: i32): i32 {
  let i = from;
  const sign = at(i);
  if (sign == 43 || sign == 45) i++;
  if (i >= to) return NOT_A_NUMBER;
  if (at(i) == 48) i++;
  else if (at(i) >= 49 && at(i) <= 57) {
    while (i < to && at(i) >= 48 && at(i) <= 57) i++;
  } else return NOT_A_NUMBER;
  let end = to;
  if (i < to) {
    if (at(i) != 46) return NOT_A_NUMBER;
    const dot = i++;
    const digits = i;
    while (i < to && at(i) >= 48 && at(i) <= 57) i++;
    if (i == digits || i != to) return NOT_A_NUMBER;
    while (end > dot + 1 && at(end - 1) == 48) end--;
    if (end == dot + 1) end = dot;
  }
  if (sign == 45 && end - from == 2 && at(from + 1) == 48) return MINUS_ZERO;
  return end;
}

// What finish() and hashRange() made: hash32 and checkHash of a normal form.
export let textHash: u32 = 0;
export let textCheck: u32 = 0;

// Finishes the running hashes of a normal form `length` characters long: FNV `h`, check `k`, and `low`,
// the character still unpaired when the length is odd (value.hash.ts's setHashed).
@inline export function finish(h: u32, k: u32, low: u32, length: i32): void {
  if (length & 1) k = checkStep(k, low);
  textHash = fmix32(h);
  textCheck = fmix32(k ^ <u32>length);
}

// The hashes of the ASCII bytes [from, to), which are their own normal form (value.hash.ts's hashRange).
export function hashRange(from: i32, to: i32): void {
  let h = FNV_BASIS;
  let k = CHECK_SEED;
  let low: u32 = 0;
  for (let j = from; j < to; j++) {
    const c = <u32>at(j);
    h = (h ^ c) * FNV_PRIME;
    if ((j - from) & 1) k = checkStep(k, low | (c << 16));
    else low = c;
  }
  finish(h, k, low, to - from);
}
