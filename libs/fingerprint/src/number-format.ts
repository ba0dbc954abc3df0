/** What an Excel number format says a number is. */
export type NumberKind =
  'general' | 'number' | 'currency' | 'percent' | 'date' | 'datetime' | 'time' | 'text';

const BUILT_IN: Record<number, NumberKind> = {
  0: 'general',
  1: 'number',
  2: 'number',
  3: 'number',
  4: 'number',
  5: 'currency',
  6: 'currency',
  7: 'currency',
  8: 'currency',
  9: 'percent',
  10: 'percent',
  11: 'number',
  12: 'number',
  13: 'number',
  14: 'date',
  15: 'date',
  16: 'date',
  17: 'date',
  18: 'time',
  19: 'time',
  20: 'time',
  21: 'time',
  22: 'datetime',
  37: 'number',
  38: 'number',
  39: 'number',
  40: 'number',
  41: 'number',
  42: 'currency',
  43: 'number',
  44: 'currency',
  45: 'time',
  // [h]:mm:ss, a duration that may pass 24 hours: a quantity, not a time of day.
  46: 'number',
  47: 'time',
  48: 'number',
  49: 'text',
};
// East Asian locales put their date formats at 27-36 and 50-58.
for (let id = 27; id <= 36; id++) BUILT_IN[id] = 'date';
for (let id = 50; id <= 58; id++) BUILT_IN[id] = 'date';

const CURRENCY_SYMBOL = /[$€£¥₹₽₩₪฿₫₴₦]/;

/** Classifies a format code such as `#,##0.00 [$€-407]`, `0.0%`, `dd/mm/yyyy hh:mm`. */
export function classifyFormat(code: string): NumberKind {
  if (!code || /^general$/i.test(code.trim())) return 'general';
  // The first section decides (positive numbers); sections are separated by unquoted semicolons.
  const first = splitFirstSection(code);
  // [$€-407] and [$USD] carry a currency; [$-409] only a locale.
  const locale = /\[\$([^\]-]*)(?:-[0-9a-f]+)?]/i.exec(first);
  const hasCurrencyTag = locale !== null && locale[1] !== '';
  const quoted = (first.match(/"[^"]*"/g) ?? []).join('');
  const bare = first
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*]/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '');
  if (bare.trim() === '@') return 'text';
  const hasDay = /[dy]/i.test(bare);
  const hasTime = /[hs]/i.test(bare) || /am\/pm|a\/p/i.test(bare);
  const hasMonth = /m/i.test(bare);
  if (hasDay || (hasMonth && !hasTime && !/[0#?]/.test(bare))) return hasTime ? 'datetime' : 'date';
  if (hasTime) return /\[[hms]+]/i.test(first) ? 'number' : 'time';
  if (bare.includes('%')) return 'percent';
  if (hasCurrencyTag || CURRENCY_SYMBOL.test(bare) || CURRENCY_SYMBOL.test(quoted)) return 'currency';
  return /[0#?]/.test(bare) ? 'number' : 'general';
}

function splitFirstSection(code: string): string {
  let inQuote = false;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '"') inQuote = !inQuote;
    else if (ch === '\\') i++;
    else if (ch === ';' && !inQuote) return code.slice(0, i);
  }
  return code;
}

export function builtInKind(id: number): NumberKind {
  return BUILT_IN[id] ?? 'general';
}

/** Whether numbers in this format are points in time. */
export function isTemporal(kind: NumberKind | undefined): boolean {
  return kind === 'date' || kind === 'datetime' || kind === 'time';
}

/** 1899-12-30, day 0 of the 1900 system once Lotus's phantom 29 Feb 1900 is allowed for. */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/**
 * An Excel serial as a Date (UTC wall clock, to the second). Serials below 61 in the 1900 system are
 * a day off because Excel counts 29 Feb 1900, which never existed.
 */
export function excelSerialToDate(serial: number, date1904: boolean): Date | null {
  if (!Number.isFinite(serial) || serial < 0 || serial > 2_958_465) return null;
  // A date column repeats a few hundred days over many rows: the same (never mutated) Date serves.
  const slot = (serial * 7 + (date1904 ? 1 : 0)) & (DATE_SLOTS - 1);
  if (dateSerials[slot] === serial && dateSystems[slot] === (date1904 ? 1 : 0)) return dates[slot] as Date;
  let days = serial;
  // Serial 0 is Excel's "January 0, 1900": the day before 1 January.
  if (!date1904 && serial < 61) days = serial + 1;
  const date = new Date((date1904 ? EPOCH_1904 : EPOCH_1900) + Math.round(days * 86_400) * 1000);
  dateSerials[slot] = serial;
  dateSystems[slot] = date1904 ? 1 : 0;
  dates[slot] = date;
  return date;
}

const DATE_SLOTS = 4096;
const dateSerials = new Float64Array(DATE_SLOTS).fill(-1);
const dateSystems = new Uint8Array(DATE_SLOTS);
const dates: Array<Date | undefined> = new Array<Date | undefined>(DATE_SLOTS);
