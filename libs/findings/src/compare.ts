import type { ColumnType } from '@shadowscan/domain';

/**
 * Type-aware equality of a sheet value and an official value. Spreadsheets drift in form as well as
 * content ("31005,43" vs 31005.43, "01.04.2026" vs 2026-04-01, "020 7946 0179" vs "+44 20 7946 0179"):
 * only a difference in meaning is a contradiction.
 */
export type Comparator = (sheet: unknown, official: unknown) => boolean;

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

export function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

export function normaliseText(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return String(v).normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Numbers as people type them: "1,234.50", "1.234,50", "€ 12", "(12)" for negatives, "12%". */
export function parseNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean' || v instanceof Date || isBlank(v)) return null;
  let s = String(v).trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  const percent = s.endsWith('%');
  // A currency symbol or ISO code before or after the amount; digit grouping by space or apostrophe.
  s = s
    .replace(/%$/, '')
    .replace(/^(?:[A-Za-z]{3}|[$€£¥])\s*/, '')
    .replace(/\s*(?:[A-Za-z]{3}|[$€£¥])$/, '')
    .replace(/[\s\u00a0'’]/g, '');
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  }
  if (!/^[\d.,]+$/.test(s)) return null;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  if (lastComma > lastDot) {
    // Decimal comma unless it is clearly a thousands separator ("1,234").
    const decimals = s.length - lastComma - 1;
    s = lastDot >= 0 || decimals !== 3 ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  } else {
    s = s.replace(/,/g, '');
  }
  if ((s.match(/\./g) ?? []).length > 1) return null;
  const n = Number(s);
  if (!Number.isFinite(n)) return null;
  const signed = negative ? -n : n;
  return percent ? signed / 100 : signed;
}

/** Candidate calendar dates (YYYY-MM-DD) for a value; two when day and month could be swapped. */
export function parseDates(v: unknown): string[] {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? [] : [v.toISOString().slice(0, 10)];
  if (typeof v === 'number') {
    // Excel serial dates (1900 system) between 1900 and 9999.
    if (v >= 1 && v < 2958466)
      return [new Date(EXCEL_EPOCH_MS + Math.floor(v) * 86_400_000).toISOString().slice(0, 10)];
    return [];
  }
  if (isBlank(v)) return [];
  const s = String(v).trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s].*)?$/.exec(s);
  if (m) return valid(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:\s.*)?$/.exec(s);
  if (m) {
    const year = m[3].length === 2 ? 2000 + +m[3] : +m[3];
    const a = +m[1];
    const b = +m[2];
    return [...new Set([...valid(year, b, a), ...valid(year, a, b)])];
  }
  if (/^\d+(\.\d+)?$/.test(s)) return parseDates(Number(s));
  const parsed = Date.parse(s);
  return Number.isNaN(parsed) ? [] : [new Date(parsed).toISOString().slice(0, 10)];
}

function valid(y: number, m: number, d: number): string[] {
  if (m < 1 || m > 12 || d < 1 || d > 31) return [];
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1) return [];
  return [t.toISOString().slice(0, 10)];
}

/** Digits only, without a leading trunk zero: "+44 20 7946 0179" and "020 7946 0179" share a tail. */
function phoneDigits(v: unknown): string {
  return String(v).replace(/\D/g, '').replace(/^0+/, '');
}

function parseBoolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  const s = normaliseText(v);
  if (['true', 'yes', 'y', '1', 'x', 'ja', 'oui'].includes(s)) return true;
  if (['false', 'no', 'n', '0', 'nein', 'non'].includes(s)) return false;
  return null;
}

const sameText: Comparator = (a, b) => normaliseText(a) === normaliseText(b);

const sameNumber: Comparator = (a, b) => {
  const x = parseNumber(a);
  const y = parseNumber(b);
  if (x === null || y === null) return sameText(a, b);
  // Cents-level tolerance for money, relative for large magnitudes; percent typed as 12 or 0.12.
  const close = (p: number, q: number) => Math.abs(p - q) <= Math.max(0.005, 1e-9 * Math.abs(q));
  return close(x, y) || close(x * 100, y) || close(x, y * 100);
};

const sameDate: Comparator = (a, b) => {
  const x = parseDates(a);
  const y = parseDates(b);
  if (x.length === 0 || y.length === 0) return sameText(a, b);
  return x.some((d) => y.includes(d));
};

const samePhone: Comparator = (a, b) => {
  const x = phoneDigits(a);
  const y = phoneDigits(b);
  if (x.length < 6 || y.length < 6) return sameText(a, b);
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return long.endsWith(short) && short.length >= 7;
};

const sameBoolean: Comparator = (a, b) => {
  const x = parseBoolean(a);
  const y = parseBoolean(b);
  return x === null || y === null ? sameText(a, b) : x === y;
};

export function comparatorFor(type: ColumnType | undefined): Comparator {
  switch (type) {
    case 'integer':
    case 'decimal':
    case 'currency':
    case 'percent':
      return sameNumber;
    case 'date':
    case 'datetime':
      return sameDate;
    case 'phone':
      return samePhone;
    case 'boolean':
      return sameBoolean;
    default:
      return sameText;
  }
}
