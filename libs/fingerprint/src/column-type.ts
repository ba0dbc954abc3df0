import type { ColumnType } from '@shadowscan/domain';
import type { NumberKind } from './number-format';
import type { CellScalar } from './normalise';

/** Candidate types, most specific first: the first one that fits enough values wins. */
export const TYPE_PRIORITY = [
  'boolean',
  'integer',
  'decimal',
  'currency',
  'percent',
  'date',
  'datetime',
  'email',
  'url',
  'phone',
  'id',
] as const satisfies readonly ColumnType[];

type CandidateType = (typeof TYPE_PRIORITY)[number];

/** Share of non-empty values a type must fit to be chosen. */
export const TYPE_THRESHOLD = 0.9;

const BIT = Object.fromEntries(TYPE_PRIORITY.map((t, i) => [t, 1 << i])) as Record<CandidateType, number>;

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'y', 'n']);
const INTEGER_TEXT = /^[+-]?(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)$/;
// A decimal comma only when it cannot be a thousands separator ("12,5" but not "1,234").
const DECIMAL_TEXT =
  /^[+-]?(?:(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?|\.\d+|(?:0|[1-9]\d*),(?:\d{1,2}|\d{4,}))(?:e[+-]?\d+)?$/;
const CURRENCY_MARK = /^(?:[$€£¥₹]|usd|eur|gbp|chf|jpy|cad|aud|sek|nok|dkk|pln|inr|cny)$/;
const CURRENCY_TEXT =
  /^(-?)(?:([$€£¥₹]|[a-z]{3})\s?)?(-?\(?\d{1,3}(?:[ ,.'\u00a0]\d{3})*(?:[.,]\d{1,4})?\)?|-?\d+(?:[.,]\d{1,4})?)(?:\s?([$€£¥₹]|[a-z]{3}))?$/;
const PERCENT_TEXT = /^[+-]?\d+(?:[.,]\d+)?\s?%$/;
const ISO_DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const SLASH_DATE_TEXT = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const DOT_DATE_TEXT = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
/** 12-mar-2024, 12 march 2024, mar 12, 2024 (already lowercased). */
const DAY_MONTH_NAME_TEXT = /^(\d{1,2})[ -]([a-zé]{3,9})\.?[ -](\d{4})$/;
const MONTH_NAME_DAY_TEXT = /^([a-z]{3,9})\.? (\d{1,2}),? (\d{4})$/;
const MONTH_NAMES: Record<string, number> = {
  jan: 1,
  january: 1,
  janv: 1,
  janvier: 1,
  januar: 1,
  feb: 2,
  february: 2,
  fev: 2,
  fév: 2,
  février: 2,
  februar: 2,
  mar: 3,
  march: 3,
  mars: 3,
  märz: 3,
  apr: 4,
  april: 4,
  avr: 4,
  avril: 4,
  may: 5,
  mai: 5,
  jun: 6,
  june: 6,
  juin: 6,
  juni: 6,
  jul: 7,
  july: 7,
  juil: 7,
  juillet: 7,
  juli: 7,
  aug: 8,
  august: 8,
  aout: 8,
  août: 8,
  sep: 9,
  sept: 9,
  september: 9,
  septembre: 9,
  oct: 10,
  october: 10,
  okt: 10,
  octobre: 10,
  oktober: 10,
  nov: 11,
  november: 11,
  novembre: 11,
  dec: 12,
  december: 12,
  déc: 12,
  décembre: 12,
  dez: 12,
  dezember: 12,
};
const ISO_DATETIME_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$/;
const EMAIL_TEXT = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
const URL_TEXT = /^(?:(?:https?|ftp):\/\/|www\.)[^\s]+\.[^\s]+$/;
const PHONE_TEXT = /^\+?[\d\s\-()]+$/;
const CODE_TEXT = /^(?=[^\s]*[a-z])(?=[^\s]*\d)[a-z\d\-_./#:]+$/;
const LEADING_ZERO_DIGITS = /^0\d+$/;

/**
 * The candidate types a value fits, as a bit set over TYPE_PRIORITY. `norm` is normaliseValue(value),
 * passed in because the caller has it already. Wider types also accept the narrower values they
 * contain (a decimal column may hold integers), so that mixed columns land on the wider type.
 */
export function typeFits(value: CellScalar, norm: string, kind?: NumberKind): number {
  if (value === null || norm === '') return 0;
  // The number format says what the author meant: 0.25 shown as 25% is a percentage, 12 as $12.00 money.
  if (typeof value === 'number' && kind === 'currency') return BIT.currency;
  if (typeof value === 'number' && kind === 'percent') return BIT.percent;
  if (typeof value === 'number' && kind === 'text') return textFits(norm);
  if (typeof value === 'boolean') return BIT.boolean;
  if (value instanceof Date) {
    const midnight = value.getTime() % 86_400_000 === 0;
    return (midnight ? BIT.date : 0) | BIT.datetime;
  }
  if (typeof value === 'number') return numberFits(value);
  return textFits(norm);
}

function numberFits(n: number): number {
  let fits = BIT.decimal | BIT.currency;
  if (Number.isInteger(n)) {
    fits |= BIT.integer | BIT.id;
    const digits = Math.abs(n).toString().length;
    if (n > 0 && digits >= 7 && digits <= 15) fits |= BIT.phone;
  }
  return fits;
}

function textFits(t: string): number {
  let fits = 0;
  if (BOOLEAN_WORDS.has(t)) fits |= BIT.boolean;
  if (INTEGER_TEXT.test(t)) fits |= BIT.integer | BIT.id;
  if (DECIMAL_TEXT.test(t)) fits |= BIT.decimal | BIT.currency;
  else if (isCurrencyText(t)) fits |= BIT.currency;
  if (PERCENT_TEXT.test(t)) fits |= BIT.percent;
  if (isDateText(t)) fits |= BIT.date | BIT.datetime;
  else if (isDateTimeText(t)) fits |= BIT.datetime;
  if (EMAIL_TEXT.test(t)) fits |= BIT.email;
  if (URL_TEXT.test(t)) fits |= BIT.url;
  if (PHONE_TEXT.test(t)) {
    const digits = t.replace(/\D/g, '').length;
    if (digits >= 7 && digits <= 15) fits |= BIT.phone;
  }
  if (CODE_TEXT.test(t) || LEADING_ZERO_DIGITS.test(t)) fits |= BIT.id;
  return fits;
}

function isCurrencyText(t: string): boolean {
  const m = CURRENCY_TEXT.exec(t);
  if (!m) return false;
  const [, , before, , after] = m;
  // Exactly one currency mark: a bare number is caught by DECIMAL_TEXT, and "$12 EUR" is not money.
  const marks = [before, after].filter((x): x is string => x !== undefined);
  return marks.length === 1 && CURRENCY_MARK.test(marks[0]);
}

function isDateText(t: string): boolean {
  let m = ISO_DATE_TEXT.exec(t);
  if (m) return validDate(+m[1], +m[2], +m[3]);
  m = SLASH_DATE_TEXT.exec(t);
  // dd/mm/yyyy and mm/dd/yyyy look the same; either reading will do.
  if (m) return validDate(+m[3], +m[2], +m[1]) || validDate(+m[3], +m[1], +m[2]);
  m = DOT_DATE_TEXT.exec(t);
  if (m) return validDate(+m[3], +m[2], +m[1]);
  m = DAY_MONTH_NAME_TEXT.exec(t);
  if (m) return MONTH_NAMES[m[2]] !== undefined && validDate(+m[3], MONTH_NAMES[m[2]], +m[1]);
  m = MONTH_NAME_DAY_TEXT.exec(t);
  return m !== null && MONTH_NAMES[m[1]] !== undefined && validDate(+m[3], MONTH_NAMES[m[1]], +m[2]);
}

function isDateTimeText(t: string): boolean {
  const m = ISO_DATETIME_TEXT.exec(t);
  return m !== null && validDate(+m[1], +m[2], +m[3]);
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Tallies type fits for one column. */
export class TypeTally {
  private readonly counts = new Array<number>(TYPE_PRIORITY.length).fill(0);
  private nonEmpty = 0;

  /** Records `times` values with the type fits `fits`. */
  add(fits: number, times = 1): void {
    this.nonEmpty += times;
    for (let i = 0; i < TYPE_PRIORITY.length; i++) if (fits & (1 << i)) this.counts[i] += times;
  }

  /** Adds another tally's counts to this one. */
  merge(other: TypeTally): void {
    this.nonEmpty += other.nonEmpty;
    for (let i = 0; i < TYPE_PRIORITY.length; i++) this.counts[i] += other.counts[i];
  }

  result(): { type: ColumnType; typeShare: number } {
    if (this.nonEmpty === 0) return { type: 'empty', typeShare: 0 };
    for (let i = 0; i < TYPE_PRIORITY.length; i++) {
      const share = this.counts[i] / this.nonEmpty;
      if (share >= TYPE_THRESHOLD) return { type: TYPE_PRIORITY[i], typeShare: share };
    }
    return { type: 'string', typeShare: 1 };
  }
}
