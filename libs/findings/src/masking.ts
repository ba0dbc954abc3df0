import type { ColumnType } from '@shadowscan/domain';

/**
 * How much of a cell value evidence may show. `sensitive` (the default) masks e-mail addresses,
 * phone numbers and values shaped like bank accounts or card numbers; `all` masks every value;
 * `none` shows values as they are (for a closed audit workspace).
 */
export const MASKING_POLICIES = ['sensitive', 'all', 'none'] as const;
export type MaskingPolicy = (typeof MASKING_POLICIES)[number];

const SENSITIVE_TYPES: ReadonlySet<ColumnType> = new Set(['email', 'phone']);
// IBAN (2 letters, 2 digits, 11-30 alphanumerics) or a long run of digits (cards, accounts).
const ACCOUNT_LIKE = /^(?:[A-Z]{2}\d{2}[A-Z0-9]{11,30}|\d[\d -]{11,22}\d)$/i;

export function maskValue(
  value: unknown,
  type: ColumnType | undefined,
  policy: MaskingPolicy,
): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  const plain = value instanceof Date ? value.toISOString() : (value as string | number | boolean);
  if (policy === 'none') return plain;
  const text = String(plain).trim();
  const sensitive =
    policy === 'all' || (type !== undefined && SENSITIVE_TYPES.has(type)) || ACCOUNT_LIKE.test(text);
  return sensitive ? partialMask(text) : plain;
}

/** Keeps enough to recognise the value (ends, e-mail domain), never enough to use it. */
export function partialMask(text: string): string {
  const at = text.indexOf('@');
  if (at > 0) return `${text[0]}***${text.slice(at)}`;
  if (text.length <= 4) return '*'.repeat(text.length);
  const keepEnd = text.length >= 10 ? 4 : 2;
  return `${text.slice(0, 2)}${'*'.repeat(text.length - 2 - keepEnd)}${text.slice(-keepEnd)}`;
}
