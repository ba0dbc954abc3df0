import { type ColumnType, minhashSignature } from '@shadowscan/domain';
import { normaliseValue } from '@shadowscan/fingerprint';

/** Values and sketch of one database column from sampled rows: the shape spreadsheet profiles have. */
export interface SampledProfile {
  values: string[];
  distinct: number;
  nullRatio: number;
  minhash: number[];
}

export function profileValues(raw: readonly unknown[], cap: number): SampledProfile {
  const distinct = new Set<string>();
  let empty = 0;
  for (const v of raw) {
    const n = normaliseValue(v);
    if (n === '') empty++;
    else distinct.add(n);
  }
  return {
    values: [...distinct].slice(0, cap),
    distinct: distinct.size,
    nullRatio: raw.length === 0 ? 0 : empty / raw.length,
    minhash: minhashSignature(distinct),
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
const URL_TEXT = /^(?:(?:https?|ftp):\/\/|www\.)[^\s]+\.[^\s]+$/;
const PHONE = /^\+?[\d\s\-().]{7,}$/;
/** Share of sampled text values that must fit email/url/phone for the field to be typed so. */
const TEXT_KIND_SHARE = 0.9;

/**
 * The ColumnType of a database column from its declared SQL type, refined for text columns by the
 * sampled values (an email column is `varchar` to the database). Keys and references are `id`, as
 * spreadsheets' identifier columns are.
 */
export function columnTypeOf(sqlType: string, values: readonly string[], isKey: boolean): ColumnType {
  const t = sqlType.toLowerCase();
  if (isKey && !/bool|date|time/.test(t)) return 'id';
  if (/^(tinyint\(1\)|bool|boolean|bit\(1\)|bit)$/.test(t)) return 'boolean';
  if (/^(small|big|medium|tiny)?int|^integer|^(small|big)?serial|^int\d/.test(t)) return 'integer';
  if (/^money/.test(t)) return 'currency';
  if (/^(numeric|decimal|real|double|float|number)/.test(t)) return 'decimal';
  if (/^date$/.test(t)) return 'date';
  if (/^(timestamp|datetime)/.test(t)) return 'datetime';
  if (/^uuid/.test(t)) return 'id';
  if (values.length > 0) {
    for (const [type, re] of [
      ['email', EMAIL],
      ['url', URL_TEXT],
      ['phone', PHONE],
    ] as const) {
      if (values.filter((v) => re.test(v)).length >= TEXT_KIND_SHARE * values.length) return type;
    }
  }
  return 'string';
}
