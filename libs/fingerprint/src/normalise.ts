import { roundedNumberString } from './value.hash';

/** A cell value once the reader has unwrapped formulas, rich text and hyperlinks. */
export type CellScalar = string | number | boolean | Date | null;

const PLAIN_NUMBER = /^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/**
 * Canonical text of a cell value, used to compare values across files and with systems of record:
 * trimmed, whitespace collapsed, lowercased; numbers without trailing zeros; dates as ISO text.
 */
export function normaliseValue(v: unknown): string {
  const scalar = toScalar(v);
  if (scalar === null) return '';
  if (typeof scalar === 'number') return canonicalNumber(scalar);
  if (typeof scalar === 'boolean') return scalar ? 'true' : 'false';
  if (scalar instanceof Date) return isoDate(scalar);
  return normaliseText(scalar);
}

/**
 * normaliseValue for text. Most cell text is already trimmed, single-spaced ASCII: one pass over its
 * characters tells, and only text that needs it goes through the regular expressions.
 */
export function normaliseText(raw: string): string {
  const n = raw.length;
  if (n === 0) return raw;
  let upper = false;
  let plain = true;
  let previousSpace = true;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c === 32) {
      if (previousSpace) {
        plain = false;
        break;
      }
      previousSpace = true;
      continue;
    } else if (c < 32 || c >= 127) {
      plain = false;
      break;
    }
    previousSpace = false;
  }
  if (plain && !previousSpace) {
    const text = upper ? raw.toLowerCase() : raw;
    const first = text.charCodeAt(0);
    const numeric = (first >= 48 && first <= 57) || first === 43 || first === 45;
    return numeric && PLAIN_NUMBER.test(text) ? canonicalNumericText(text) : text;
  }
  const text = raw.trim().replace(/\s+/g, ' ').toLowerCase();
  return PLAIN_NUMBER.test(text) ? canonicalNumericText(text) : text;
}

/** Header names compare case- and spacing-insensitively. */
export function normaliseHeader(h: string): string {
  return h.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** How a value reads as a column name: like normaliseValue, but keeping the author's capitalisation. */
export function displayText(v: CellScalar): string {
  if (typeof v === 'string') return v.trim().replace(/\s+/g, ' ');
  return normaliseValue(v);
}

/** Unwraps the object shapes exceljs uses for rich text, hyperlinks, formulas and errors. */
export function toScalar(v: unknown): CellScalar {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      return v.toString();
    case 'object':
      break;
    default:
      return null;
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText)) {
    return o.richText.map((run: unknown) => String((run as { text?: unknown } | null)?.text ?? '')).join('');
  }
  if ('formula' in o || 'sharedFormula' in o) return toScalar(o.result);
  if ('hyperlink' in o) return toScalar(o.text);
  return null;
}

/** Excel keeps 15 significant digits, so anything beyond is binary noise (0.1 + 0.2). */
function canonicalNumber(n: number): string {
  // Integers below 10^15 are exact already; skipping toPrecision keeps the common case cheap.
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  // Short renderings (1.37, 0.25) have no binary noise to trim; toPrecision is slow.
  const plain = String(n);
  if (plain.length <= 15 && !plain.includes('e')) return plain;
  // Rounding the digits of the text is exact where it can tell (value.hash.ts), and cheaper.
  return roundedNumberString(plain) ?? String(Number(n.toPrecision(15)));
}

/** Whether a cell counts as empty: no value, or text that is only whitespace (cheaper than normaliseValue). */
export function isBlank(v: CellScalar): boolean {
  if (v === null) return true;
  if (typeof v === 'string') return !/\S/.test(v);
  if (typeof v === 'number') return !Number.isFinite(v);
  if (v instanceof Date) return Number.isNaN(v.getTime());
  return false;
}

/** Done on the text rather than via Number so that long digit strings keep every digit. */
function canonicalNumericText(text: string): string {
  let t = text.startsWith('+') ? text.slice(1) : text;
  if (t.includes('.')) t = t.replace(/\.?0+$/, '');
  return /^-0$/.test(t) ? '0' : t;
}

/** Date columns repeat few values over many rows; formatting them is the costly part. */
const isoCache = new Map<number, string>();

function isoDate(d: Date): string {
  const time = d.getTime();
  const cached = isoCache.get(time);
  if (cached !== undefined) return cached;
  const iso = d.toISOString();
  const text = iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  if (isoCache.size >= 10_000) isoCache.clear();
  isoCache.set(time, text);
  return text;
}

/** 1 -> "A", 27 -> "AA". */
export function columnLetters(column: number): string {
  let n = column;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
