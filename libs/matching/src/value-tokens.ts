import { normaliseValue } from './signals';

/**
 * Value-level fuzzy matching of a column's values against the fields' allowed values (and small
 * categorical samples). Exact containment misses what people actually type into a sheet: a code with
 * a qualifier ("G2 Moderately differentiated" for `G2`), a shorter or longer label ("Endometrioid" for
 * "Endometrioid adenocarcinoma, NOS", "Adjacent_normal" for "Normal"), or a prefixed code ("pT2" for
 * "T2", "cM0" for "M0"). Each column value is compared, token by token and weighted by rarity, with
 * the field values that share a rare token with it; a field's score is the mean over the column's
 * values of the best such match.
 */

/** Fields whose sample holds at most this many distinct values are categorical enough to index. */
export const FUZZY_SAMPLE_MAX = 100;
/** Distinct column values compared; a column's vocabulary shows well before this. */
export const FUZZY_VALUE_CAP = 100;
/** A token held by more than this share of the indexed fields (and COMMON_MIN) proposes nothing. */
const COMMON_SHARE = 0.05;
const COMMON_MIN = 50;
/** A prefixed code ("pt2" for "t2") is likely, not certainly, the same code. */
export const CODE_VARIANT_FACTOR = 0.8;
/** Share of the column's distinct values that must be labels (not numbers or dates) for the signal. */
const LABEL_SHARE = 0.5;
/** Values of this many tokens or more are free text, not labels. */
const MAX_VALUE_TOKENS = 12;

interface Entry {
  field: number;
  tokens: string[];
  mass: number;
}

/** Alphanumeric tokens of a value, or none for numbers, dates and free text (exact matching covers those). */
export function valueTokens(value: string): string[] {
  const v = normaliseValue(value);
  if (v === '' || /^[\p{N}\s.,:;/+\-%()]+$/u.test(v)) return [];
  const tokens = [...new Set(v.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0))];
  return tokens.length > MAX_VALUE_TOKENS ? [] : tokens;
}

/**
 * The token without a one-letter prefix, for short codes written with a qualifier letter ("pt2",
 * "cm0", "pnx"): only tokens of 3-4 characters that hold a digit or no vowel, so words are left alone.
 */
export function codeVariant(token: string): string | undefined {
  if (token.length < 3 || token.length > 4 || !/^\p{L}/u.test(token)) return undefined;
  if (!/\p{N}/u.test(token) && /[aeiouy]/.test(token)) return undefined;
  return token.slice(1);
}

export class ValueTokenIndex {
  private readonly entries: Entry[] = [];
  private readonly postings = new Map<string, number[]>();
  /** Token → indexed fields holding it, for its rarity. */
  private readonly fieldFrequency = new Map<string, number>();
  private readonly indexed = new Set<number>();
  /** A value's tokens, joined → fields holding exactly those tokens ("Not Reported" = "not_reported"). */
  private readonly exact = new Map<string, number[]>();
  private idfCache = new Map<string, number>();

  /** Adds one field's values (allowed values, or a small sample). */
  add(field: number, values: Iterable<string>): void {
    const seen = new Set<string>();
    for (const value of values) {
      const tokens = valueTokens(value);
      if (tokens.length === 0) continue;
      const key = tokens.join(' ');
      if (seen.has(key)) continue;
      seen.add(key);
      const holders = this.exact.get(key);
      if (holders === undefined) this.exact.set(key, [field]);
      else holders.push(field);
      const id = this.entries.length;
      this.entries.push({ field, tokens, mass: 0 });
      for (const t of tokens) {
        const list = this.postings.get(t);
        if (list === undefined) this.postings.set(t, [id]);
        else list.push(id);
      }
    }
    if (seen.size === 0) return;
    this.indexed.add(field);
    const fieldTokens = new Set<string>();
    for (const key of seen) for (const t of key.split(' ')) fieldTokens.add(t);
    for (const t of fieldTokens) this.fieldFrequency.set(t, (this.fieldFrequency.get(t) ?? 0) + 1);
    this.idfCache = new Map();
  }

  has(field: number): boolean {
    return this.indexed.has(field);
  }

  private idf(token: string): number {
    let w = this.idfCache.get(token);
    if (w === undefined) {
      const n = this.indexed.size;
      w = Math.log(1 + n / (1 + (this.fieldFrequency.get(token) ?? 0)));
      this.idfCache.set(token, w);
    }
    return w;
  }

  private entryMass(e: Entry): number {
    if (e.mass === 0) e.mass = e.tokens.reduce((s, t) => s + this.idf(t), 0);
    return e.mass;
  }

  /**
   * Field → mean over the column's distinct values of their best match among the field's values
   * (0..1), for the fields where some value matched; and how many values were compared.
   */
  search(values: readonly string[]): {
    scores: Map<number, number>;
    checked: number;
    /** Fields found through a rare token, not only through a common value ("Unknown"): for blocking. */
    proposed: Set<number>;
  } {
    const scores = new Map<number, number>();
    const proposed = new Set<number>();
    if (this.indexed.size === 0) return { scores, checked: 0, proposed };
    const common = Math.max(COMMON_MIN, COMMON_SHARE * this.indexed.size);
    let checked = 0;
    const seen = new Set<string>();
    let looked = 0;
    for (const value of values) {
      if (checked >= FUZZY_VALUE_CAP) break;
      looked++;
      const tokens = valueTokens(value);
      if (tokens.length === 0) continue;
      const key = tokens.join(' ');
      if (seen.has(key)) continue;
      seen.add(key);
      checked++;
      // Each token of the value, and the code it may stand for, with what a match is worth.
      const forms = new Map<string, number>();
      for (const t of tokens) {
        forms.set(t, 1);
        const v = codeVariant(t);
        if (v !== undefined && !forms.has(v)) forms.set(v, CODE_VARIANT_FACTOR);
      }
      const mass = tokens.reduce((s, t) => s + this.idf(t), 0);
      const candidates = new Set<number>();
      for (const t of forms.keys()) {
        if ((this.fieldFrequency.get(t) ?? 0) > common) continue;
        for (const id of this.postings.get(t) ?? []) candidates.add(id);
      }
      const best = new Map<number, number>();
      // Values made of common words only ("Yes", "Not reported") are found through their exact form.
      for (const f of this.exact.get(key) ?? []) best.set(f, 1);
      for (const id of candidates) {
        const e = this.entries[id];
        let shared = 0;
        for (const t of e.tokens) {
          const f = forms.get(t);
          if (f !== undefined) shared += f * this.idf(t);
        }
        // How much of the field's value the column value holds, and how much of the column value
        // the field's value explains: "G2" is all in "G2 Moderately differentiated", which it
        // explains only in part.
        const sim = (shared / this.entryMass(e) + Math.min(1, shared / mass)) / 2;
        proposed.add(e.field);
        if (sim > (best.get(e.field) ?? 0)) best.set(e.field, sim);
      }
      for (const [f, s] of best) scores.set(f, (scores.get(f) ?? 0) + s);
    }
    // A column of numbers or dates with a few labels ("unknown") is not a column of labels.
    if (checked === 0 || checked < LABEL_SHARE * looked)
      return { scores: new Map(), checked: 0, proposed: new Set() };
    for (const [f, s] of scores) scores.set(f, s / checked);
    return { scores, checked, proposed };
  }
}
