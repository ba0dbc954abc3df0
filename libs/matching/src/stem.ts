/**
 * Derivational suffixes, longest first where one ends another: "-ical" before "-al" and "-ic", so that
 * "economical" and "economic" (or "clinical" and "clinic") end alike, which stripping "-al" alone would
 * not do; "-atic" so that "systematic" meets "system"; "-atory" so that "regulatory" meets "regulation";
 * "-sis" so that the Greek singular meets its plural ("analysis", "analyses"; "diagnosis", "diagnosed").
 */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['atory', 'ate'],
  ['ization', 'ize'],
  ['isation', 'ize'],
  ['ation', 'ate'],
  ['ical', ''],
  ['atic', ''],
  ['sis', 's'],
  ['ness', ''],
  ['ment', ''],
  ['ing', ''],
  ['ity', ''],
  ['ed', ''],
  ['al', ''],
  ['ic', ''],
  ['ly', ''],
  ['er', ''],
  ['e', ''],
];

/** The singular of a regular English plural; words ending in -ss, -us, -is are left alone. */
function singular(token: string): string {
  if (token.length < 4) return token;
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (token.endsWith('sses') || token.endsWith('xes')) return token.slice(0, -2);
  if (/[^sui]s$/.test(token)) return token.slice(0, -1);
  return token;
}

/**
 * A light suffix stripper: both sides of every comparison go through it, so it only has to conflate
 * the forms of one word ("smoking"/"smoke", "pathologic"/"pathological"), not produce real stems.
 * The plural goes first, so that a plural and its singular always end alike ("centimeters" and
 * "centimeter", "customers" and "customer"); then at most one derivational suffix.
 */
export function stem(token: string): string {
  if (token.length < 4 || !/^\p{L}+$/u.test(token)) return token;
  const base = singular(token);
  if (base.length <= 4) return base;
  for (const [suffix, repl] of SUFFIXES) {
    if (base.endsWith(suffix) && base.length - suffix.length >= 3)
      return base.slice(0, -suffix.length) + repl;
  }
  return base;
}
