import type {
  ColumnMatch,
  ColumnProfile,
  ColumnType,
  EntityAssignment,
  FieldCandidate,
  SorEntity,
  TableFingerprint,
  TableMatch,
} from '@shadowscan/domain';
import { combineSignals, PLACEHOLDER_NAME_CONFIDENCE } from './combine';
import { type MatchOptions, resolveMatchOptions } from './match-options';
import { GENERIC_TOKENS } from './name-lexicon';
import { isPlaceholderName, normaliseName, tokensSimilarity } from './name-similarity';
import {
  containmentEvidence,
  normaliseValue,
  type PairEvidence,
  typeCompatibility,
  VALUE_CHECK_CAP,
} from './signals';

/**
 * Without a key field mapped, the evidence has to come from breadth: either the table is almost
 * entirely made of the entity's fields (a mailing list of company, email and phone is a copy of the
 * customers even without their ids), or several fields cover at least half of it (an invoice register
 * keyed by the business number while the catalog's key is a surrogate id). Two generic columns in a
 * lunch log ("Date", "Amount") are neither.
 */
export const KEYLESS_MIN_COVERAGE = 0.8;
export const KEYLESS_BROAD_PAIRS = 4;
export const KEYLESS_BROAD_COVERAGE = 0.5;

interface PreparedField {
  system: string;
  entityName: string;
  name: string;
  /** Index into Matcher.nameForms of the field's name. */
  form: number;
  /**
   * Index into Matcher.nameForms of the name without the entity's own words (`customer_id` of
   * `customer` → "id"); the same as `form` when there is nothing to remove.
   */
  contextFreeForm: number;
  /** Index into Matcher.nameForms of "entity + name" for names that mean nothing alone (`name`, `code`). */
  qualifiedForm: number | undefined;
  type: ColumnType | undefined;
  hasValues: boolean;
}

interface PreparedEntity {
  entity: SorEntity;
  tokens: ReadonlySet<string>;
  /** Indexes into Matcher.fields, in catalog order. */
  fields: number[];
  keyFields: ReadonlySet<string>;
}

interface PreparedColumn {
  profile: ColumnProfile;
  tokens: string[];
  placeholder: boolean;
  /** Distinct column values looked up (capped). */
  checked: number;
  /** Per field, how many of the checked values it knows; undefined when the column has no values. */
  valueHits: Int32Array | undefined;
}

interface Pair {
  column: number;
  field: number;
  score: number;
}

/**
 * Matches tables against one catalog. Everything that depends only on the catalog (field tokens,
 * entity-qualified names, value sets) is prepared once, so a worker keeps one Matcher per catalog
 * version and reuses it for every table.
 */
export class Matcher {
  private readonly opts: MatchOptions;
  private readonly entities: PreparedEntity[] = [];
  private readonly fields: PreparedField[] = [];
  /** Distinct normalised field names across the catalog: each is compared once per column. */
  private readonly nameForms: string[][] = [];
  /**
   * Normalised value → fields whose sample or allowed values hold it. Counting hits through it costs
   * one look-up per column value instead of one per column value and field.
   */
  private readonly valueIndex = new Map<string, number[]>();

  constructor(entities: SorEntity[], opts?: Partial<MatchOptions>) {
    this.opts = resolveMatchOptions(opts);
    const formIndex = new Map<string, number>();
    const formOf = (tokens: string[]): number => {
      const key = tokens.join(' ');
      let i = formIndex.get(key);
      if (i === undefined) {
        i = this.nameForms.length;
        this.nameForms.push(tokens);
        formIndex.set(key, i);
      }
      return i;
    };
    for (const entity of entities) {
      const entityTokens = new Set(normaliseName(entity.name));
      const prepared: PreparedEntity = {
        entity,
        tokens: entityTokens,
        fields: [],
        keyFields: new Set(entity.key),
      };
      for (const field of entity.fields) {
        const values = new Set(
          [...field.values, ...(field.allowedValues ?? [])].map(normaliseValue).filter((v) => v !== ''),
        );
        const tokens = normaliseName(field.name);
        for (const v of values) {
          const holders = this.valueIndex.get(v);
          if (holders) holders.push(this.fields.length);
          else this.valueIndex.set(v, [this.fields.length]);
        }
        prepared.fields.push(this.fields.length);
        this.fields.push({
          system: entity.system,
          entityName: entity.name,
          name: field.name,
          form: formOf(tokens),
          contextFreeForm: formOf(withoutContext(tokens, entityTokens)),
          qualifiedForm: needsQualifier(tokens, entityTokens)
            ? formOf([...entityTokens, ...tokens])
            : undefined,
          type: field.type,
          hasValues: values.size > 0,
        });
      }
      this.entities.push(prepared);
    }
  }

  matchTable(table: TableFingerprint): TableMatch {
    const columns = table.columns.map((profile) => this.prepareColumn(profile));
    const nFields = this.fields.length;
    // Scores of every column×field pair; signals are recomputed only for the pairs that are reported.
    const scores = new Float64Array(columns.length * nFields);
    const nameScores: Float64Array[] = [];
    columns.forEach((column, c) => {
      const names = this.nameScores(column);
      nameScores.push(names);
      for (const f of this.candidateFields(column)) {
        // Most pairs share neither a word nor a value, and the combination gives those 0 (the name
        // gate); skipping them keeps a large catalog cheap.
        const valueHit = column.valueHits !== undefined && column.valueHits[f] > 0;
        if (names[f] === 0 && !valueHit) continue;
        scores[c * nFields + f] = combineSignals(this.evidence(column, names[f], f));
      }
    });
    const signalsOf = (c: number, f: number): Record<string, number> => {
      const evidence = this.evidence(columns[c], nameScores[c][f], f);
      return Object.fromEntries(Object.entries(evidence).map(([name, e]) => [name, round(e.score)]));
    };

    const columnMatches: ColumnMatch[] = columns.map((column, c) => {
      const ranked: number[] = [];
      for (let f = 0; f < nFields; f++) if (scores[c * nFields + f] > 0) ranked.push(f);
      ranked.sort((x, y) => scores[c * nFields + y] - scores[c * nFields + x] || x - y);
      const candidates: FieldCandidate[] = ranked.slice(0, this.opts.topK).map((f) => ({
        system: this.fields[f].system,
        entity: this.fields[f].entityName,
        field: this.fields[f].name,
        score: round(scores[c * nFields + f]),
        signals: signalsOf(c, f),
      }));
      return { column: column.profile.name, index: column.profile.index, candidates };
    });

    let best: { assignment: EntityAssignment; total: number; score: number } | null = null;
    for (const entity of this.entities) {
      const result = this.assignEntity(entity, columns, (c, f) => scores[c * nFields + f]);
      if (result === null) continue;
      // The entity that explains the most of the table wins, not the one with the best ratio: a
      // two-field entity fully matched by two columns of a wide CRM copy must not beat the CRM entity.
      const better =
        best === null ||
        result.total > best.total + 1e-9 ||
        (result.total > best.total - 1e-9 && result.score > best.score + 1e-9);
      if (better) {
        best = {
          total: result.total,
          score: result.score,
          assignment: {
            system: entity.entity.system,
            entity: entity.entity.name,
            score: round(result.score),
            mapping: result.pairs.map((p) => ({
              column: columns[p.column].profile.name,
              index: columns[p.column].profile.index,
              field: this.fields[p.field].name,
              score: round(p.score),
              signals: signalsOf(p.column, p.field),
            })),
          },
        };
      }
    }

    return {
      sheet: table.sheet,
      range: table.range,
      entity: best?.assignment ?? null,
      columns: columnMatches,
    };
  }

  /**
   * Fields worth scoring for a column. Every field for now; the blocking index narrows this to the
   * fields that share a token, a sketch bucket or an embedding neighbourhood with the column.
   */
  private candidateFields(_column: PreparedColumn): Iterable<number> {
    return this.fields.keys();
  }

  /**
   * Name score of the column against every field. Names are often written relative to their entity:
   * `name` of `vendor` is what a sheet calls "Supplier name", and `customer_id` of `customer` is what a
   * customer sheet calls "ID". So the entity's own words are also removed from both sides and the rest
   * compared; the better score counts. Removing them (rather than adding them to the field) keeps a
   * shared entity word from making "Cust No" look like `customer.street`. Only fields whose name means
   * nothing alone also get the entity added, so that "Country" finds `country.name`.
   */
  private nameScores(column: PreparedColumn): Float64Array {
    const formScores = Float64Array.from(this.nameForms, (form) => tokensSimilarity(column.tokens, form));
    const scores = new Float64Array(this.fields.length);
    // Entities share words ("customer" in crm and in billing), so stripped comparisons repeat.
    const strippedScores = new Map<string, number>();
    for (const entity of this.entities) {
      const columnFree = withoutContext(column.tokens, entity.tokens);
      const stripped = columnFree !== column.tokens;
      const strippedKey = stripped ? `${columnFree.join(' ')}\u0000` : '';
      for (const f of entity.fields) {
        const field = this.fields[f];
        let score = formScores[field.form];
        if (field.qualifiedForm !== undefined) score = Math.max(score, formScores[field.qualifiedForm]);
        if (!stripped) {
          score = Math.max(score, formScores[field.contextFreeForm]);
        } else {
          const key = strippedKey + field.contextFreeForm;
          let s = strippedScores.get(key);
          if (s === undefined) {
            s = tokensSimilarity(columnFree, this.nameForms[field.contextFreeForm]);
            strippedScores.set(key, s);
          }
          score = Math.max(score, s);
        }
        scores[f] = score;
      }
    }
    return scores;
  }

  private evidence(column: PreparedColumn, nameScore: number, f: number): PairEvidence {
    const field = this.fields[f];
    const evidence: PairEvidence = {
      name: {
        score: nameScore,
        confidence: column.placeholder ? PLACEHOLDER_NAME_CONFIDENCE : 1,
      },
    };
    const type = typeCompatibility(column.profile.type, field.type);
    if (type !== undefined) evidence.type = { score: type, confidence: 1 };
    if (column.valueHits !== undefined && field.hasValues) {
      evidence.values = containmentEvidence(column.valueHits[f], column.checked);
    }
    return evidence;
  }

  private prepareColumn(profile: ColumnProfile): PreparedColumn {
    const tokens = normaliseName(profile.name);
    const values = [...new Set(profile.values.map(normaliseValue).filter((v) => v !== ''))].slice(
      0,
      VALUE_CHECK_CAP,
    );
    let valueHits: Int32Array | undefined;
    if (values.length > 0) {
      valueHits = new Int32Array(this.fields.length);
      for (const v of values) for (const f of this.valueIndex.get(v) ?? []) valueHits[f]++;
    }
    return { profile, tokens, placeholder: isPlaceholderName(tokens), checked: values.length, valueHits };
  }

  /**
   * One-to-one column→field assignment for one entity, greedy on the pair score. Greedy rather than
   * Hungarian: the pairs above the field threshold are few and rarely conflict, and a greedy mapping
   * is one a data owner can follow ("the best pair went first").
   */
  private assignEntity(
    entity: PreparedEntity,
    columns: PreparedColumn[],
    pairScore: (column: number, field: number) => number,
  ): { pairs: Pair[]; total: number; score: number } | null {
    const pairs: Pair[] = [];
    for (let c = 0; c < columns.length; c++) {
      for (const f of entity.fields) {
        const s = pairScore(c, f);
        if (s >= this.opts.fieldThreshold) pairs.push({ column: c, field: f, score: s });
      }
    }
    pairs.sort((x, y) => y.score - x.score || x.column - y.column || x.field - y.field);
    const usedColumns = new Set<number>();
    const usedFields = new Set<number>();
    const mapped: Pair[] = [];
    for (const p of pairs) {
      if (usedColumns.has(p.column) || usedFields.has(p.field)) continue;
      usedColumns.add(p.column);
      usedFields.add(p.field);
      mapped.push(p);
    }
    if (mapped.length < this.opts.minMappedColumns) return null;

    // Blank trailing columns are layout, not content: they should not dilute the coverage.
    const informative = columns.filter((col, c) => col.profile.type !== 'empty' || usedColumns.has(c)).length;
    const keyMapped = mapped.some((p) => entity.keyFields.has(this.fields[p.field].name));
    const coverage = mapped.length / Math.max(1, informative);
    const broad =
      coverage >= KEYLESS_MIN_COVERAGE ||
      (mapped.length >= KEYLESS_BROAD_PAIRS && coverage >= KEYLESS_BROAD_COVERAGE);
    if (entity.keyFields.size > 0 && !keyMapped && !broad) return null;

    const total = mapped.reduce((sum, p) => sum + p.score, 0);
    // The share of the smaller side that is explained: a narrow extract of a wide entity, and a wide
    // sheet that extends a narrow entity with its own columns, can both be full copies.
    const score = total / Math.max(1, Math.min(informative, entity.fields.length));
    if (score < this.opts.entityThreshold) return null;
    mapped.sort((x, y) => columns[x.column].profile.index - columns[y.column].profile.index);
    return { pairs: mapped, total, score };
  }
}

export function matchTable(
  table: TableFingerprint,
  entities: SorEntity[],
  opts?: Partial<MatchOptions>,
): TableMatch {
  return new Matcher(entities, opts).matchTable(table);
}

function needsQualifier(field: string[], entity: ReadonlySet<string>): boolean {
  return entity.size > 0 && field.length > 0 && field.every((t) => GENERIC_TOKENS.has(t) && !entity.has(t));
}

/** The tokens without the entity's words; the same array when there is nothing to remove. */
function withoutContext(tokens: string[], entity: ReadonlySet<string>): string[] {
  if (!tokens.some((t) => entity.has(t))) return tokens;
  const rest = tokens.filter((t) => !entity.has(t));
  return rest.length > 0 ? rest : tokens;
}

/** Scores are evidence shown to people and stored; four decimals are plenty and keep them stable. */
function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
