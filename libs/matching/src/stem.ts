const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['ational', 'ate'],
  ['ization', 'ize'],
  ['isation', 'ize'],
  ['ations', 'ate'],
  ['ation', 'ate'],
  ['ness', ''],
  ['ment', ''],
  ['ing', ''],
  ['ity', ''],
  ['ies', 'y'],
  ['ed', ''],
  ['al', ''],
  ['ic', ''],
  ['ly', ''],
  ['er', ''],
  ['es', ''],
  ['e', ''],
  ['s', ''],
];

/**
 * A light suffix stripper: both sides of every comparison go through it, so it only has to conflate
 * the forms of one word ("smoking"/"smoke", "pathologic"/"pathological"), not produce real stems.
 */
export function stem(token: string): string {
  if (token.length <= 4 || !/^\p{L}+$/u.test(token)) return token;
  for (const [suffix, repl] of SUFFIXES) {
    if (token.endsWith(suffix) && token.length - suffix.length >= 3)
      return token.slice(0, -suffix.length) + repl;
  }
  return token;
}
