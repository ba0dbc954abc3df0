/**
 * Whether a value we read is what Excel displayed in its CSV export. Excel writes numbers and dates
 * as formatted (1.50, 50.00%, $1,337.00, 2/14/14, 4:17 PM, 1.23E+22), so the comparison parses the
 * display back and allows for the precision it shows.
 */
export function agrees(value: unknown, shownRaw: string): boolean {
  const shown = shownRaw.trim();
  if (value === null || value === undefined || value === '') return shown === '' || isErrorText(shown);
  // Excel 2011 writes characters its Mac encoding lacks as underscores, and ### when a value does not fit.
  if (/^#+$/.test(shown)) return true;
  if (typeof value === 'boolean') return shown.toUpperCase() === (value ? 'TRUE' : 'FALSE');
  if (typeof value === 'number') return numberAgrees(value, shown);
  if (value instanceof Date) return dateAgrees(value, shown);
  const text = String(value).replace(/\s+/g, ' ').trim();
  if (text === shown.replace(/\s+/g, ' ')) return true;
  if (lossy(text) === shown.replace(/\s+/g, ' ')) return true;
  // A number stored as text is shown as typed; a text cell holding an error code shows it.
  return false;
}

function isErrorText(s: string): boolean {
  return /^#(N\/A|DIV\/0!|REF!|VALUE!|NAME\?|NUM!|NULL!|GETTING_DATA)$/.test(s);
}

function lossy(text: string): string {
  return Array.from(text, (ch) => (ch.charCodeAt(0) > 0xff ? '_' : ch))
    .join('')
    .replace(/\s+/g, ' ');
}

function numberAgrees(n: number, shown: string): boolean {
  if (shown === '') return false;
  const parsed = parseShownNumber(shown);
  if (parsed !== null) {
    const { value, decimals, exponent, signed } = parsed;
    const tolerance = 0.5 * 10 ** (exponent - decimals) + Math.abs(n) * 1e-12 + 1e-9;
    // A format section for negative numbers may leave the sign out ("0;0").
    const candidate = signed ? n : Math.abs(n);
    if (Math.abs(candidate - value) <= tolerance) return true;
    // Elapsed-time formats ([h], [m], [s]) show a number of days as hours, minutes or seconds.
    return (
      decimals === 0 &&
      [24, 1440, 86_400].some((unit) => Math.trunc(candidate * unit + Math.sign(candidate) * 1e-9) === value)
    );
  }
  const duration = /^(-?)(\d+):(\d\d)(?::(\d\d(?:\.\d+)?))?$/.exec(shown);
  if (duration) {
    const days = (Number(duration[2]) + Number(duration[3]) / 60 + Number(duration[4] ?? 0) / 3600) / 24;
    return Math.abs(Math.abs(n) - days) < 1 / 1440;
  }
  // A date Excel formatted from a number we did not take for a date is a disagreement.
  return false;
}

/** "-$1,234.50", "(1,234)", "12%", "1.23E+22", "-12345 2/3", "€ 12,50" -> value and shown decimals. */
function parseShownNumber(
  s: string,
): { value: number; decimals: number; exponent: number; signed: boolean } | null {
  // `_` is the padding of `_)` formats, which Excel 2011 exported literally.
  let t = s.replace(/[$€£¥\s\u00a0_]/g, '');
  let sign = 1;
  if (/^\(.*\)$/.test(t)) {
    sign = -1;
    t = t.slice(1, -1);
  }
  if (t.startsWith('-')) {
    sign *= -1;
    t = t.slice(1);
  }
  let scale = 1;
  if (t.endsWith('%')) {
    scale = 0.01;
    t = t.slice(0, -1);
  }
  const fraction = /^(\d+)?\s*(\d+)\/(\d+)$/.exec(s.replace(/^-/, '').trim());
  if (fraction && !t.includes('.')) {
    const whole = Number(fraction[1] ?? 0);
    const value = whole + Number(fraction[2]) / Number(fraction[3]);
    return {
      value: sign * value,
      decimals: Math.log10(Number(fraction[3])) + 0.5,
      exponent: 0,
      signed: true,
    };
  }
  t = t.replace(/,/g, '');
  const m = /^(\d*)(?:\.(\d*))?(?:E([+-]?\d+))?$/i.exec(t);
  if (!m || (m[1] === '' && !m[2])) return null;
  const value = sign * Number(t) * scale;
  if (!Number.isFinite(value)) return null;
  const decimals = (m[2]?.length ?? 0) + (scale === 0.01 ? 2 : 0);
  return {
    value,
    decimals,
    exponent: m[3] === undefined ? 0 : Number(m[3]),
    signed: s.includes('-') || s.includes('('),
  };
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Compares the parts of a date that Excel's display shows: date, time, or both. */
function dateAgrees(d: Date, shown: string): boolean {
  if (shown === '') return false;
  // Excel shows serial 0 as day 0 of January 1900, the day before the 1st.
  const zero = d.getTime() >= Date.UTC(1899, 11, 31) && d.getTime() < Date.UTC(1900, 0, 1);
  const y = zero ? 1900 : d.getUTCFullYear();
  const mo = zero ? 1 : d.getUTCMonth() + 1;
  const day = zero ? 0 : d.getUTCDate();
  let rest = shown;
  let dateOk: boolean | null = null;
  const mdy = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?/.exec(rest);
  const dMonY = /^(\d{1,2})-([a-z]{3})[a-z]*(?:-(\d{2,4}))?/i.exec(rest);
  const monY = /^([a-z]{3})[a-z]*-(\d{2,4})/i.exec(rest);
  const long = /^(?:[a-z]+, )?([a-z]{3})[a-z]* (\d{1,2}), (\d{4})/i.exec(rest);
  const yearOk = (shownYear: string | undefined) =>
    shownYear === undefined ||
    (shownYear.length === 2 ? y % 100 === Number(shownYear) : y === Number(shownYear));
  if (mdy) {
    dateOk = Number(mdy[1]) === mo && Number(mdy[2]) === day && yearOk(mdy[3]);
    rest = rest.slice(mdy[0].length);
  } else if (dMonY) {
    dateOk =
      Number(dMonY[1]) === day && MONTHS.indexOf(dMonY[2].toLowerCase()) + 1 === mo && yearOk(dMonY[3]);
    rest = rest.slice(dMonY[0].length);
  } else if (monY) {
    dateOk = MONTHS.indexOf(monY[1].toLowerCase()) + 1 === mo && yearOk(monY[2]);
    rest = rest.slice(monY[0].length);
  } else if (long) {
    dateOk =
      MONTHS.indexOf(long[1].toLowerCase()) + 1 === mo && Number(long[2]) === day && Number(long[3]) === y;
    rest = rest.slice(long[0].length);
  }
  rest = rest.trim();
  if (dateOk === false) return false;
  // Formats that show a single part (YY, YYYY, D, MM, H, SS).
  if (dateOk === null && /^[0-9a-z]{1,24}$/i.test(rest)) return digitsOfDate(d, rest);
  if (rest === '') return dateOk === true;
  const time = /^(\d{1,2}):(\d\d)(?::(\d\d)(?:\.\d+)?)?\s*(AM|PM)?$/i.exec(rest);
  if (!time) return false;
  let h = Number(time[1]);
  if (time[4]) h = (h % 12) + (time[4].toUpperCase() === 'PM' ? 12 : 0);
  const seconds = h * 3600 + Number(time[2]) * 60 + Number(time[3] ?? 0);
  const ours = d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + (time[3] ? d.getUTCSeconds() : 0);
  return Math.abs(seconds - ours) <= 1;
}

/** Compact formats (YY, YYYY, YYMMM, HHMM) show date parts run together as digits. */
function digitsOfDate(d: Date, digits: string): boolean {
  const parts = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  const tokens = new Set<string>([String(parts[0]), String(parts[0] % 100).padStart(2, '0')]);
  for (const p of parts.slice(1)) {
    tokens.add(String(p));
    tokens.add(String(p).padStart(2, '0'));
  }
  const month = MONTH_NAMES[d.getUTCMonth()];
  // Excel counts a 29 February 1900 that never was, so its weekdays before March 1900 are a day early.
  const early = d.getTime() < Date.UTC(1900, 2, 1);
  const weekday = DAY_NAMES[(d.getUTCDay() + (early ? 6 : 0)) % 7];
  for (const name of [month, weekday])
    [name, name.slice(0, 3), name[0]].forEach((t) => tokens.add(t.toLowerCase()));
  const text = digits.toLowerCase();
  const can = (from: number): boolean =>
    from === text.length || [...tokens].some((t) => text.startsWith(t, from) && can(from + t.length));
  return can(0);
}
