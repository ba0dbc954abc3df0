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
    // A positive integer of 7 to 15 digits (written out in full below 1e21), compared, not written.
    if (n >= 1e6 && n < 1e15) fits |= BIT.phone;
  }
  return fits;
}

/**
 * typeFits for text. `chars` says which patterns are worth testing (charClasses); ALL_CLASSES tests
 * every one, which must give the same answer.
 */
export function textFits(t: string, chars = charClasses(t)): number {
  if (chars & PLAIN_NUMBER_FORM) return plainNumberFits(t);
  let fits = 0;
  if (chars & SHORT && BOOLEAN_WORDS.has(t)) fits |= BIT.boolean;
  const mayBeCurrency = (chars & (HAS_DIGIT | MAY_BE_CURRENCY)) === (HAS_DIGIT | MAY_BE_CURRENCY);
  if (chars & MAY_BE_NUMBER) {
    if (INTEGER_TEXT.test(t)) fits |= BIT.integer | BIT.id;
    if (DECIMAL_TEXT.test(t)) fits |= BIT.decimal | BIT.currency;
    else if (mayBeCurrency && isCurrencyText(t)) fits |= BIT.currency;
  } else if (mayBeCurrency && isCurrencyText(t)) fits |= BIT.currency;
  if (chars & HAS_PERCENT && PERCENT_TEXT.test(t)) fits |= BIT.percent;
  if (chars & HAS_DIGIT) {
    if (chars & DATE_SEPARATORS && chars & DATE_SHAPE && isDateText(t)) fits |= BIT.date | BIT.datetime;
    else if (chars & HAS_COLON && isDateTimeText(t)) fits |= BIT.datetime;
  }
  if ((chars & (HAS_AT | HAS_DOT)) === (HAS_AT | HAS_DOT) && EMAIL_TEXT.test(t)) fits |= BIT.email;
  if ((chars & (HAS_DOT | URL_START)) === (HAS_DOT | URL_START) && URL_TEXT.test(t)) fits |= BIT.url;
  if (chars & MAY_BE_PHONE && PHONE_TEXT.test(t)) {
    const digits = digitCount(t);
    if (digits >= 7 && digits <= 15) fits |= BIT.phone;
  }
  if ((chars & CODE_CLASSES) === CODE_CLASSES && CODE_TEXT.test(t)) fits |= BIT.id;
  else if (chars & LEADING_ZERO && LEADING_ZERO_DIGITS.test(t)) fits |= BIT.id;
  return fits;
}

function digitCount(t: string): number {
  let digits = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  return digits;
}

const HAS_DIGIT = 1;
const HAS_PERCENT = 2;
const HAS_AT = 4;
const HAS_DOT = 8;
/** Only characters of INTEGER_TEXT and DECIMAL_TEXT: digits, signs, `.`, `,` and `e`. */
const MAY_BE_NUMBER = 16;
/** Only characters of PHONE_TEXT: digits, whitespace, `+`, `-`, parentheses. */
const MAY_BE_PHONE = 32;
/** Only characters of CURRENCY_TEXT: digits, letters, `$`, `-`, parentheses, whitespace, `,.'`. */
const MAY_BE_CURRENCY = 64;
const HAS_COLON = 128;
/** A date needs one of `-`, `/`, `.` or a space between its parts. */
const DATE_SEPARATORS = 256 | HAS_DOT;
/** Only characters of CODE_TEXT: lowercase letters, digits, `-_./#:`. */
const MAY_BE_CODE = 512;
/**
 * 8 to 19 characters (the lengths the date patterns can match) that start with four digits and a `-`
 * (ISO) or end with four digits (the others).
 */
const DATE_SHAPE = 1024;
/** Starts with `h`, `f` or `w`, as URL_TEXT's schemes and `www.` do. */
const URL_START = 2048;
/** Starts with `0` and has more: LEADING_ZERO_DIGITS may match. */
const LEADING_ZERO = 4096;
/** At most 5 characters, the longest boolean word. */
const SHORT = 8192;
const HAS_LETTER = 16_384;
/** CODE_TEXT needs a letter, a digit and nothing outside its characters. */
const CODE_CLASSES = HAS_DIGIT | HAS_LETTER | MAY_BE_CODE;
export const ALL_CLASSES = 32_767;
/**
 * A plain number, `-?(0|[1-9]\d*)(\.\d+)?` (what normalising makes of most numbers written as text):
 * its fits are known without the patterns (plainNumberFits). Not part of ALL_CLASSES, which tests
 * every pattern.
 */
const PLAIN_NUMBER_FORM = 32_768;
const MAX_CLASSIFIED_LENGTH = 256;

/**
 * Which characters a value holds, as bits: a pattern that needs a character the value lacks, or
 * that allows none of a character it has, cannot match, so most values are tested against few of the
 * patterns. Text with characters beyond ASCII gets every bit (\s and friends reach there) and so every
 * test, and so does long text.
 */
function charClasses(t: string): number {
  // Long text fails the anchored patterns within a few characters; a full pass would cost more.
  const n = t.length;
  if (n > MAX_CLASSIFIED_LENGTH) return ALL_CLASSES;
  let has = 0;
  let only = MAY_BE_NUMBER | MAY_BE_PHONE | MAY_BE_CURRENCY | MAY_BE_CODE;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c >= 128) return ALL_CLASSES;
    has |= HAS_OF[c];
    only &= ONLY_OF[c];
  }
  // n >= 5 first: reading past the end gives NaN (no match), but code optimised for in-bounds reads
  // deoptimises on it, and was compiled again, in every fresh process.
  const iso = n >= 5 && isDigits(t, 0, 4) && t.charCodeAt(4) === 45;
  const dateShape = n >= 8 && n <= 19 && (iso || isDigits(t, n - 4, n));
  const first = t.charCodeAt(0);
  // One `|=` whatever the value: optimised code deoptimises at an operation it has not yet seen run,
  // such as a `has |= LEADING_ZERO` reached by the first value with a leading zero, mid-read.
  has |=
    (dateShape ? DATE_SHAPE : 0) |
    (first === 104 || first === 102 || first === 119 ? URL_START : 0) |
    (first === 48 && n >= 2 ? LEADING_ZERO : 0) |
    (n <= 5 ? SHORT : 0);
  if (only & MAY_BE_NUMBER && isPlainNumberText(t)) has |= PLAIN_NUMBER_FORM;
  // Where the patterns allow a sign or a minus: a date (2024-03-12) has the characters of a number and
  // of an amount, but not in an order either pattern accepts.
  else if (only & MAY_BE_NUMBER && !signsOnlyLead(t)) only &= ~MAY_BE_NUMBER;
  if (only & MAY_BE_CURRENCY && has & HAS_DIGIT && !amountShaped(t)) only &= ~MAY_BE_CURRENCY;
  return has | only;
}

/** INTEGER_TEXT and DECIMAL_TEXT take a sign first, or right after the exponent's `e`, nowhere else. */
function signsOnlyLead(t: string): boolean {
  for (let i = 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if ((c === 43 || c === 45) && t.charCodeAt(i - 1) !== 101) return false;
  }
  return true;
}

/**
 * CURRENCY_TEXT's letters are marks of exactly three (isCurrencyText then wants one mark: three
 * letters, or a symbol and none), and its minus signs all come before the first digit.
 */
function amountShaped(t: string): boolean {
  let letters = 0;
  let digits = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 97 && c <= 122) letters++;
    else if (c >= 48 && c <= 57) digits = true;
    else if (c === 45 && digits) return false;
  }
  return letters === 0 || letters === 3;
}

/**
 * What one ASCII character says: the classes it brings (`has`), and the "only these characters"
 * classes it leaves standing (`only`, a mask). charClasses looks both up per character.
 */
function characterClasses(c: number): { has: number; only: number } {
  if (c >= 48 && c <= 57) return { has: HAS_DIGIT, only: ALL_CLASSES };
  let has = 0;
  let only = ALL_CLASSES;
  const space = c === 32 || (c >= 9 && c <= 13);
  if (c === 37) has |= HAS_PERCENT;
  else if (c === 64) has |= HAS_AT;
  else if (c === 46) has |= HAS_DOT;
  else if (c === 58) has |= HAS_COLON;
  else if (c === 45 || c === 47 || space) has |= DATE_SEPARATORS & ~HAS_DOT;
  if (c !== 43 && c !== 45 && c !== 46 && c !== 44 && c !== 101) only &= ~MAY_BE_NUMBER;
  if (c !== 43 && c !== 45 && c !== 40 && c !== 41 && !space) only &= ~MAY_BE_PHONE;
  const letter = c >= 97 && c <= 122;
  if (letter) has |= HAS_LETTER;
  const currencyCharacter = [36, 45, 40, 41, 44, 46, 39].includes(c);
  if (!letter && !space && !currencyCharacter) only &= ~MAY_BE_CURRENCY;
  if (!letter && ![45, 95, 46, 47, 35, 58].includes(c)) only &= ~MAY_BE_CODE;
  return { has, only };
}

const HAS_OF = new Uint16Array(128);
const ONLY_OF = new Uint16Array(128);
/** The tables, for the WebAssembly classification of sampled text (wasm/text-class.ts), which reads these. */
export const CHARACTER_CLASSES: { readonly has: Uint16Array; readonly only: Uint16Array } = {
  has: HAS_OF,
  only: ONLY_OF,
};
for (let c = 0; c < 128; c++) {
  const { has, only } = characterClasses(c);
  HAS_OF[c] = has;
  ONLY_OF[c] = only;
}

function isPlainNumberText(t: string): boolean {
  const n = t.length;
  let i = t.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  // Both tests run for every value, not the second only after a leading zero (see the `has |=` above).
  const leadingZero = t.charCodeAt(intStart) === 48;
  while (i < n && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
  if (i === intStart || (i - intStart > 1 && leadingZero)) return false;
  if (i === n) return true;
  if (t.charCodeAt(i) !== 46) return false;
  const fraction = ++i;
  while (i < n && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
  return i === n && i > fraction;
}

/**
 * textFits of a plain number, which INTEGER_TEXT (without a fraction), DECIMAL_TEXT and PHONE_TEXT
 * (without a fraction: digits and a minus) match and no other pattern can: the date patterns need
 * two separators or letters, CODE_TEXT a letter, LEADING_ZERO_DIGITS a zero before digits.
 */
function plainNumberFits(t: string): number {
  let fits = BIT.decimal | BIT.currency;
  if (t.includes('.')) return fits;
  fits |= BIT.integer | BIT.id;
  const digits = t.charCodeAt(0) === 45 ? t.length - 1 : t.length;
  if (digits >= 7 && digits <= 15) fits |= BIT.phone;
  return fits;
}

function isDigits(t: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // As Date.UTC reads a year, which this used to ask (a Date per value): 0-99 as 1900-1999.
  const y = year >= 0 && year <= 99 ? 1900 + year : year;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
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
