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
import { minhashContainment } from '@shadowscan/domain';
import { CandidateTally, InvertedIndex, lshKeys, trigrams } from './blocking';
import {
  combineSignals,
  contestScores,
  matchProbability,
  type ModelWeights,
  PLACEHOLDER_NAME_CONFIDENCE,
  SIGNAL_WEIGHTS,
} from './combine';
import { type MatchOptions, resolveMatchOptions } from './match-options';
import { GENERIC_TOKENS, IDENTIFIER_WORDS, SYNONYM_GROUPS } from './name-lexicon';
import {
  formSimilarity,
  isPlaceholderName,
  type NameForm,
  nameForm,
  normaliseName,
  PREFIX_SCORE,
  tokenSimilarity,
} from './name-similarity';
import {
  containmentEvidence,
  normaliseValue,
  type PairEvidence,
  sameMeasure,
  type SignalEvidence,
  TYPE_COMPATIBLE,
  typeCompatibility,
  VALUE_CHECK_CAP,
  VALUE_FULL_CONFIDENCE_AT,
} from './signals';
import { headerSynonyms, TextIndex, textTokens } from './text-index';
import {
  distributionSimilarity,
  formatSimilarity,
  signatureOf,
  type ValueShape,
  valueShape,
} from './value-profile';
import { ValueIndex } from './value-index';
import { FUZZY_SAMPLE_MAX, ValueTokenIndex } from './value-tokens';

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

/**
 * A catalog where at least this share of the fields is described is a data dictionary: there, a
 * field without a description gets description evidence of 0 at UNDESCRIBED_CONFIDENCE.
 */
export const DESCRIBED_CATALOG_SHARE = 0.5;
export const UNDESCRIBED_CONFIDENCE = 0.5;
/**
 * A catalog listing allowed values for at least this share of its fields enumerates its closed lists:
 * there, a column holding a short list of labels (at most CLOSED_LIST_MAX distinct values) gets
 * fuzzyValues evidence of 0 at UNLISTED_CONFIDENCE against a field with no list, sample or type.
 */
export const ENUMERATED_CATALOG_SHARE = 0.25;
export const CLOSED_LIST_MAX = 30;
export const UNLISTED_CONFIDENCE = 0.3;

/**
 * A header naming a field by its values ("Tumor/Normal" for the tissue type) is about as good as a
 * synonym of the field's name; it takes two of them, since one word that happens to be a value
 * somewhere ("Total", "Status") is a coincidence.
 */
export const HEADER_VALUES_SCORE = 0.8;
export const HEADER_VALUES_MIN = 2;

/**
 * A name key held by more name forms than this (and this share of them) is too common to propose
 * candidates on its own ("id" in a catalog of thousands of tables); the column's other keys do.
 */
const COMMON_KEY_FORMS = 500;
const COMMON_KEY_SHARE = 0.02;

const SYNONYM_GROUP_OF: ReadonlyMap<string, number> = new Map(
  SYNONYM_GROUPS.flatMap((group, i) => group.map((word) => [word, i] as const)),
);

interface PreparedField {
  system: string;
  entity: number;
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
  hasDescription: boolean;
  /** Distinct values of the field's sample. */
  sampleSize: number;
  hasAllowed: boolean;
  shape: ValueShape | null;
  signature: number[];
  distinct: number;
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
  /** The header's tokens prepared for comparison with the catalog's name forms. */
  form: NameForm;
  words: string[];
  placeholder: boolean;
  /** Distinct column values looked up (capped). */
  checked: number;
  /** Field → how many of the checked values its sample holds. */
  sampleHits: Map<number, number>;
  /** Field → how many of the checked values are among its allowed values. */
  allowedHits: Map<number, number>;
  /** Field → rarity-weighted share of the column's value words that its values use. */
  vocabulary: Map<number, number>;
  shape: ValueShape | null;
  signature: number[];
  /** Field → description score (0..1), for the fields that share a word with the header. */
  description: Map<number, number>;
  formScores: Map<number, number>;
  /** Distinct words of the column's values looked at. */
  wordCount: number;
  /** Field → mean best token-level match of the column's values among the field's values. */
  fuzzy: Map<number, number>;
  /** Distinct label-like column values compared for fuzzy. */
  fuzzyChecked: number;
  /** Fields the fuzzy match proposes to blocking (found through a rare token). */
  fuzzyProposed: Set<number>;
  /** Field → name evidence from the header's words being values of the field (see headerValueScores). */
  headerValues: Map<number, number>;
}

interface Pair {
  column: number;
  field: number;
  score: number;
}

/**
 * Matches tables against one catalog. Everything that depends only on the catalog (name forms and their
 * blocking keys, the description index, value sets, shapes and signatures) is prepared once, so a
 * worker keeps one Matcher per catalog version and reuses it for every table.
 *
 * Per column, a blocking step proposes the fields worth scoring: those sharing a name key (word,
 * synonym, identifier word, trigram), a description word, a value, or an LSH bucket of the value
 * signature. Only those pairs are scored, so the cost grows with the likely pairs, not with
 * columns × fields.
 */
export class Matcher {
  private readonly opts: MatchOptions;
  private readonly weights: Readonly<ModelWeights>;
  private readonly entities: PreparedEntity[] = [];
  private readonly fields: PreparedField[] = [];
  /** Distinct normalised field names across the catalog: each is compared once per column. */
  private readonly nameForms: NameForm[] = [];
  /** Name form → fields using it (as name, context-free name or qualified name). */
  private readonly formFields: number[][] = [];
  private readonly nameKeys = new InvertedIndex();
  private readonly commonKeyForms: number;
  /** Normalised value → fields whose sample (even ids) or allowed values (odd ids) hold it. */
  private readonly valueIndex = new ValueIndex();
  private readonly lsh = new InvertedIndex();
  /** Word of a value → fields whose sample or allowed values use it. */
  private readonly valueWords = new InvertedIndex();
  /** Fields with value words. */
  private readonly hasValueWords = new Set<number>();
  private readonly text: TextIndex;
  private readonly fuzzy = new ValueTokenIndex();
  /** Whether most of the catalog's fields have a description (see UNDESCRIBED_CONFIDENCE). */
  private readonly describedCatalog: boolean;
  /** Whether the catalog lists allowed values for a good share of its fields (see UNLISTED_CONFIDENCE). */
  private readonly enumeratedCatalog: boolean;
  /** The family signal's words (see prepareFamilyWords): id → word, rarity; form → ids. */
  private readonly familyWords: string[] = [];
  private familyRarity = new Float64Array(0);
  private familyStart = new Int32Array(1);
  private familyIds = new Int32Array(0);
  /** Family scratch space, one slot per word id (matching is synchronous, so one is enough). */
  private familyLent = new Int32Array(0);
  private familySeen = new Int32Array(0);
  private familyExplained = new Uint8Array(0);
  private familyStamp = 0;
  /** Blocking scratch space, one slot per field (matching is synchronous, so one is enough). */
  private readonly tally: CandidateTally;

  constructor(entities: SorEntity[], opts?: Partial<MatchOptions>) {
    this.opts = resolveMatchOptions(opts);
    this.weights = this.opts.weights ?? SIGNAL_WEIGHTS;
    const formIndex = new Map<string, number>();
    const formOf = (tokens: string[], field: number): number => {
      const key = tokens.join(' ');
      let i = formIndex.get(key);
      if (i === undefined) {
        i = this.nameForms.length;
        this.nameForms.push(nameForm(tokens));
        this.formFields.push([]);
        formIndex.set(key, i);
        for (const k of new Set(tokens.flatMap(nameKeysOf))) this.nameKeys.add(k, i);
      }
      const users = this.formFields[i];
      if (users[users.length - 1] !== field) users.push(field);
      return i;
    };
    const docs: string[][] = [];
    const names: string[][] = [];
    for (const entity of entities) {
      const entityTokens = new Set(normaliseName(entity.name));
      const prepared: PreparedEntity = {
        entity,
        tokens: entityTokens,
        fields: [],
        keyFields: new Set(entity.key),
      };
      for (const field of entity.fields) {
        const f = this.fields.length;
        // Sample values arrive normalised and distinct (SorField.values); allowed values as written.
        const sample = field.values;
        const allowed = new Set((field.allowedValues ?? []).map(normaliseValue).filter((v) => v !== ''));
        for (const [set, tag] of [
          [sample, 0],
          [allowed, 1],
        ] as const) {
          for (const v of set) {
            if (v !== '') this.valueIndex.add(v, f * 2 + tag);
          }
        }
        for (const w of valueWordsOf([...sample.slice(0, VALUE_WORD_SOURCE_CAP), ...allowed])) {
          this.valueWords.add(w, f);
          this.hasValueWords.add(f);
        }
        if (allowed.size > 0) this.fuzzy.add(f, allowed);
        else if (sample.length > 0 && sample.length <= FUZZY_SAMPLE_MAX) this.fuzzy.add(f, sample);
        const signature = field.minhash?.length ? field.minhash : signatureOf(undefined, field.values);
        for (const k of lshKeys(signature)) this.lsh.add(k, f);
        const tokens = normaliseName(field.name);
        prepared.fields.push(f);
        this.fields.push({
          system: entity.system,
          entity: this.entities.length,
          entityName: entity.name,
          name: field.name,
          form: formOf(tokens, f),
          contextFreeForm: formOf(withoutContext(tokens, entityTokens), f),
          qualifiedForm: needsQualifier(tokens, entityTokens)
            ? formOf([...entityTokens, ...tokens], f)
            : undefined,
          type: field.type,
          hasDescription: !!field.description?.trim(),
          sampleSize: sample.length,
          hasAllowed: allowed.size > 0,
          shape: valueShape([...(field.values.length > 0 ? field.values : (field.allowedValues ?? []))]),
          signature,
          distinct: field.distinct ?? sample.length,
        });
        docs.push(textTokens(`${field.name} ${field.description ?? ''}`));
        names.push(textTokens(field.name));
      }
      this.entities.push(prepared);
    }
    this.text = new TextIndex(docs, names);
    this.valueIndex.freeze();
    this.tally = new CandidateTally(this.fields.length);
    const described = this.fields.filter((f) => f.hasDescription).length;
    this.describedCatalog = described >= DESCRIBED_CATALOG_SHARE * this.fields.length && described > 0;
    const listed = this.fields.filter((f) => f.hasAllowed).length;
    this.enumeratedCatalog = listed >= ENUMERATED_CATALOG_SHARE * this.fields.length && listed > 0;
    this.commonKeyForms = Math.max(COMMON_KEY_FORMS, COMMON_KEY_SHARE * this.nameForms.length);
    this.prepareFamilyWords();
  }

  /**
   * The evidence behind every candidate pair of the table, per column: what the model combines. For
   * training the model and for explaining a score; matchTable is what callers want.
   */
  explainTable(
    table: TableFingerprint,
  ): Array<Array<{ system: string; entity: string; field: string; evidence: PairEvidence }>> {
    const { evidence } = this.collectEvidence(table.columns.map((profile) => this.prepareColumn(profile)));
    return evidence.map((pairs) =>
      [...pairs].map(([f, e]) => ({
        system: this.fields[f].system,
        entity: this.fields[f].entityName,
        field: this.fields[f].name,
        evidence: e,
      })),
    );
  }

  matchTable(table: TableFingerprint): TableMatch {
    const columns = table.columns.map((profile) => this.prepareColumn(profile));
    const { evidence } = this.collectEvidence(columns);

    const combined: Array<Map<number, number>> = evidence.map(
      (pairs) => new Map([...pairs].map(([f, e]) => [f, combineSignals(e, this.weights)])),
    );
    // Candidates are ranked with the table's other claims on each field taken into account; the
    // one-to-one mapping below settles those claims itself, on the pairs' own scores.
    const ranking = contestScores(combined, this.weights.contested ?? 0);
    const signalsOf = (c: number, f: number): Record<string, number> =>
      Object.fromEntries(Object.entries(evidence[c].get(f) ?? {}).map(([name, e]) => [name, round(e.score)]));

    const columnMatches: ColumnMatch[] = columns.map((column, c) => {
      const ranked = [...ranking[c]].filter(([, s]) => s > 0);
      ranked.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
      const candidates: FieldCandidate[] = ranked.slice(0, this.opts.topK).map(([f, s]) => ({
        system: this.fields[f].system,
        entity: this.fields[f].entityName,
        field: this.fields[f].name,
        score: round(s),
        signals: signalsOf(c, f),
        probability: round(matchProbability(s)),
      }));
      return { column: column.profile.name, index: column.profile.index, candidates };
    });

    // Pairs that can enter a mapping, grouped by entity.
    const byEntity = new Map<number, Pair[]>();
    combined.forEach((pairs, c) => {
      for (const [f, s] of pairs) {
        if (s < this.opts.fieldThreshold) continue;
        const entity = this.fields[f].entity;
        const list = byEntity.get(entity) ?? [];
        list.push({ column: c, field: f, score: s });
        byEntity.set(entity, list);
      }
    });

    let best: { assignment: EntityAssignment; total: number; score: number } | null = null;
    for (const [e, pairs] of [...byEntity].sort((x, y) => x[0] - y[0])) {
      const entity = this.entities[e];
      const result = this.assignEntity(entity, columns, pairs);
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

  private collectEvidence(columns: PreparedColumn[]): { evidence: Array<Map<number, PairEvidence>> } {
    const tableWords = new Set(columns.flatMap((c) => (c.placeholder ? [] : c.words)));
    const siblings = this.text.coverage(tableWords);
    const multiEntity = this.entities.length > 1;

    // Evidence of every proposed pair, without the table context (it depends on all columns).
    const evidence: Array<Map<number, PairEvidence>> = columns.map((column) => {
      const out = new Map<number, PairEvidence>();
      for (const f of this.candidateFields(column)) {
        const e = this.evidence(column, f, siblings);
        if (e !== null) out.set(f, e);
      }
      return out;
    });

    if (multiEntity) {
      // A column clearly belongs to an entity when one of its pairs there clears the field threshold.
      // The table context of an entity's pairs is its count of such columns relative to the entity
      // with the most: the entity the table is about gets 1, whatever else the sheet holds, and the
      // same `email` field of an unrelated entity gets less.
      const strong = new Float64Array(this.entities.length);
      evidence.forEach((pairs) => {
        const seen = new Set<number>();
        for (const [f, e] of pairs) {
          const entity = this.fields[f].entity;
          if (seen.has(entity)) continue;
          if (combineSignals(e, this.weights) >= this.opts.fieldThreshold) seen.add(entity);
        }
        for (const entity of seen) strong[entity]++;
      });
      const most = Math.max(0, ...strong);
      if (most > 0) {
        // One evidence object per entity, shared by its pairs: a wide catalog has millions of pairs.
        const context = new Map<number, SignalEvidence>();
        for (const pairs of evidence) {
          for (const [f, e] of pairs) {
            const entity = this.fields[f].entity;
            let table = context.get(entity);
            if (table === undefined) {
              table = { score: strong[entity] / most, confidence: 1 };
              context.set(entity, table);
            }
            e.table = table;
          }
        }
      }
    }

    this.addFamilyEvidence(columns, evidence);
    return { evidence };
  }

  /**
   * Word ids of each name form for the family signal: its distinct words but the generic ones, and how
   * rare each word is among the catalog's field names (0..1, 1 for a word only one name uses). A family
   * is told by its rare words ("billing", "shipping"), not by the ones most names end with ("type",
   * "status", "flag"). Worked out once for the catalog, so that a table's pairs are checked on arrays.
   */
  private prepareFamilyWords(): void {
    const ids = new Map<string, number>();
    const flat: number[] = [];
    this.familyStart = new Int32Array(this.nameForms.length + 1);
    this.nameForms.forEach((form, i) => {
      this.familyStart[i] = flat.length;
      for (const t of new Set(form.tokens)) {
        if (GENERIC_TOKENS.has(t)) continue;
        let id = ids.get(t);
        if (id === undefined) {
          id = this.familyWords.length;
          ids.set(t, id);
          this.familyWords.push(t);
        }
        flat.push(id);
      }
    });
    this.familyStart[this.nameForms.length] = flat.length;
    this.familyIds = Int32Array.from(flat);
    const n = this.nameForms.length;
    this.familyRarity = Float64Array.from(this.familyWords, (t) => {
      const df = Math.max(1, this.nameKeys.get(`t:${t}`).length);
      return n < 2 ? 1 : Math.max(0, Math.min(1, Math.log(n / df) / Math.log(n)));
    });
    this.familyLent = new Int32Array(this.familyWords.length).fill(-1);
    this.familySeen = new Int32Array(this.familyWords.length);
    this.familyExplained = new Uint8Array(this.familyWords.length);
  }

  /**
   * The family signal (see signals.ts). Each column's best field lends the words of its name to the
   * table's other columns; a pair gets the signal when words of its field's name that its header does
   * not explain are lent by another column's best field (not the same field: that is a contest, see
   * contestScores). Score 1 at the confidence of the share of such words lent, each counted at the
   * score of the best pair lending it and at its rarity: a bonus for the sibling the rest of the table
   * points to, never a penalty for a field it says nothing about. Generic words ("name", "id", units)
   * lend nothing.
   */
  private addFamilyEvidence(columns: PreparedColumn[], evidence: Array<Map<number, PairEvidence>>): void {
    if (columns.length < 2) return;
    const ids = this.familyIds;
    const start = this.familyStart;
    // Word id → index into `lenders` of the columns' best pairs using it (-1: none in this table).
    const lent = this.familyLent;
    const lenders: Array<Array<{ column: number; field: number; score: number }>> = [];
    const touched: number[] = [];
    evidence.forEach((pairs, column) => {
      let best = -1;
      let bestScore = 0;
      for (const [f, e] of pairs) {
        const s = combineSignals(e, this.weights);
        if (s > bestScore || (s === bestScore && best >= 0 && f < best)) {
          best = f;
          bestScore = s;
        }
      }
      if (best < 0) return;
      const form = this.fields[best].form;
      for (let k = start[form]; k < start[form + 1]; k++) {
        const id = ids[k];
        if (lent[id] < 0) {
          lent[id] = lenders.length;
          lenders.push([]);
          touched.push(id);
        }
        lenders[lent[id]].push({ column, field: best, score: bestScore });
      }
    });
    try {
      if (touched.length > 0) this.lendFamilyWords(columns, evidence, lenders);
    } finally {
      for (const id of touched) lent[id] = -1;
    }
  }

  private lendFamilyWords(
    columns: PreparedColumn[],
    evidence: Array<Map<number, PairEvidence>>,
    lenders: ReadonlyArray<ReadonlyArray<{ column: number; field: number; score: number }>>,
  ): void {
    const ids = this.familyIds;
    const start = this.familyStart;
    const lent = this.familyLent;
    const supported: Array<{ form: number; confidence: number }> = [];
    evidence.forEach((pairs, c) => {
      const header = columns[c].tokens;
      // Whether the header explains a word, once per word and column (familySeen holds the column's
      // stamp once worked out): the column's candidates share most words.
      const stamp = ++this.familyStamp;
      supported.length = 0;
      for (const [f, e] of pairs) {
        const form = this.fields[f].form;
        const from = start[form];
        const to = start[form + 1];
        let lentAny = false;
        for (let k = from; k < to; k++) if (lent[ids[k]] >= 0) lentAny = true;
        if (!lentAny) continue;
        let unexplained = 0;
        let support = 0;
        for (let k = from; k < to; k++) {
          const id = ids[k];
          if (!this.leftUnexplained(header, id, stamp)) continue;
          unexplained++;
          if (lent[id] < 0) continue;
          let s = 0;
          for (const l of lenders[lent[id]]) if (l.column !== c && l.field !== f && l.score > s) s = l.score;
          support += s * this.familyRarity[id];
        }
        if (support > 0) {
          const confidence = support / unexplained;
          e.family = { score: 1, confidence };
          supported.push({ form, confidence });
        }
      }
      if (supported.length > 0) this.contrastFamily(header, pairs, supported, stamp);
    });
  }

  /**
   * Siblings are told apart by the words the header leaves unexplained ("City": `billing_city`,
   * `shipping_city`). When the table lends one sibling its qualifier, the others' qualifiers were not
   * chosen: a sibling with nothing lent gets family evidence of 0 at the lent one's confidence. A
   * sibling here explains some of the header's words, and only words the lent one explains too; a
   * field that is no such sibling of a lent one gets no family evidence, and neither does the same
   * name in another entity (the lent word came from this very field there: a contest, not a family).
   */
  private contrastFamily(
    header: string[],
    pairs: Map<number, PairEvidence>,
    supported: ReadonlyArray<{ form: number; confidence: number }>,
    stamp: number,
  ): void {
    const ids = this.familyIds;
    const start = this.familyStart;
    for (const [f, e] of pairs) {
      if (e.family !== undefined) continue;
      const form = this.fields[f].form;
      let explained = 0;
      let unexplained = 0;
      for (let k = start[form]; k < start[form + 1]; k++) {
        if (this.leftUnexplained(header, ids[k], stamp)) unexplained++;
        else explained++;
      }
      if (explained === 0 || unexplained === 0) continue;
      let against = 0;
      for (const s of supported) {
        if (s.confidence <= against || s.form === form) continue;
        let covered = true;
        for (let k = start[form]; k < start[form + 1] && covered; k++) {
          const id = ids[k];
          if (this.familyExplained[id] === 1 && !this.formHas(s.form, id)) covered = false;
        }
        if (covered) against = s.confidence;
      }
      if (against > 0) e.family = { score: 0, confidence: against };
    }
  }

  /** Whether word `id` is left unexplained by the header (worked out once per word and column stamp). */
  private leftUnexplained(header: string[], id: number, stamp: number): boolean {
    if (this.familySeen[id] !== stamp) {
      const t = this.familyWords[id];
      let known = 0;
      for (const h of header) if (tokenSimilarity(h, t) >= EXPLAINED_TOKEN) known = 1;
      this.familyExplained[id] = known;
      this.familySeen[id] = stamp;
    }
    return this.familyExplained[id] === 0;
  }

  private formHas(form: number, id: number): boolean {
    for (let k = this.familyStart[form]; k < this.familyStart[form + 1]; k++)
      if (this.familyIds[k] === id) return true;
    return false;
  }

  /**
   * The blocking step: fields sharing a name key, a description word, a value or a signature bucket
   * with the column, at most maxCandidates of them (those with the most shared evidence first).
   */
  private candidateFields(column: PreparedColumn): number[] {
    const tally = this.tally;
    // Trigrams only for words the catalog does not know as such: they are there to catch typos.
    const keys = [
      ...new Set(
        column.tokens.flatMap((t) =>
          this.nameKeys.get(`t:${t}`).length > 0
            ? nameKeysOf(t).filter((k) => !k.startsWith('g:'))
            : nameKeysOf(t),
        ),
      ),
    ];
    const postings = keys.map((k) => this.nameKeys.get(k));
    const rare = postings.some(
      (p, i) => p.length > 0 && p.length <= this.commonKeyForms && !keys[i].startsWith('g:'),
    );
    postings.forEach((forms, i) => {
      if (forms.length === 0) return;
      if (forms.length > this.commonKeyForms && (rare || keys[i].startsWith('g:'))) return;
      const w = (keys[i].startsWith('g:') ? 0.2 : 1) / Math.log2(2 + forms.length);
      for (const form of forms) for (const f of this.formFields[form]) tally.add(f, w);
    });
    for (const [f, s] of column.description) tally.add(f, s);
    for (const [f, n] of column.sampleHits) tally.add(f, (2 * n) / column.checked);
    for (const [f, n] of column.allowedHits) tally.add(f, (2 * n) / column.checked);
    for (const [f, v] of column.vocabulary) tally.add(f, v);
    for (const f of column.fuzzyProposed) tally.add(f, column.fuzzy.get(f) ?? 0);
    for (const [f, s] of column.headerValues) tally.add(f, s);
    for (const k of lshKeys(column.signature)) for (const f of this.lsh.get(k)) tally.add(f, 0.05);
    return tally.take(this.opts.maxCandidates);
  }

  /**
   * Name score of the column against one field. Names are often written relative to their entity:
   * `name` of `vendor` is what a sheet calls "Supplier name", and `customer_id` of `customer` is what a
   * customer sheet calls "ID". So the entity's own words are also removed from both sides and the rest
   * compared; the better score counts. Removing them (rather than adding them to the field) keeps a
   * shared entity word from making "Cust No" look like `customer.street`. Only fields whose name means
   * nothing alone also get the entity added, so that "Country" finds `country.name`.
   */
  private nameScore(column: PreparedColumn, f: number): number {
    const field = this.fields[f];
    let score = this.formScore(column, field.form, column.tokens, field.form);
    if (field.qualifiedForm !== undefined) {
      score = Math.max(
        score,
        this.formScore(column, field.qualifiedForm, column.tokens, field.qualifiedForm),
      );
    }
    const columnFree = withoutContext(column.tokens, this.entities[field.entity].tokens);
    if (columnFree === column.tokens) {
      return Math.max(
        score,
        this.formScore(column, field.contextFreeForm, column.tokens, field.contextFreeForm),
      );
    }
    // Stripped comparisons are cached per (entity, form): entities share words ("customer" in crm and
    // in billing), so they repeat.
    const key = -1 - (field.entity * this.nameForms.length + field.contextFreeForm);
    return Math.max(score, this.formScore(column, field.contextFreeForm, columnFree, key));
  }

  private formScore(column: PreparedColumn, form: number, tokens: string[], key: number): number {
    let s = column.formScores.get(key);
    if (s === undefined) {
      s = formSimilarity(tokens === column.tokens ? column.form : nameForm(tokens), this.nameForms[form]);
      column.formScores.set(key, s);
    }
    return s;
  }

  /** The pair's evidence, or null when nothing but types and shapes relate them. */
  private evidence(column: PreparedColumn, f: number, siblings: Map<number, number>): PairEvidence | null {
    const field = this.fields[f];
    const name = Math.max(this.nameScore(column, f), column.headerValues.get(f) ?? 0);
    const description = field.hasDescription ? (column.description.get(f) ?? 0) : 0;
    const sampleHits = column.sampleHits.get(f) ?? 0;
    const allowedHits = column.allowedHits.get(f) ?? 0;
    let values: SignalEvidence | undefined;
    if (field.sampleSize > 0 && column.checked > 0) {
      values = containmentEvidence(sampleHits, column.checked);
    } else if (field.signature.length > 0 && column.signature.length > 0) {
      // Only signatures on one side (a profile that keeps no values): estimate from the sketches.
      const c = minhashContainment(
        column.signature,
        column.profile.distinct,
        field.signature,
        field.distinct,
      );
      if (c !== null) {
        values = { score: c, confidence: Math.min(1, column.profile.distinct / VALUE_FULL_CONFIDENCE_AT) };
      }
    }
    const vocabulary = column.vocabulary.get(f) ?? 0;
    const fuzzy = column.fuzzy.get(f) ?? 0;
    if (
      name === 0 &&
      description === 0 &&
      (values?.score ?? 0) === 0 &&
      allowedHits === 0 &&
      vocabulary === 0 &&
      fuzzy === 0
    ) {
      return null;
    }

    const confidence = column.placeholder ? PLACEHOLDER_NAME_CONFIDENCE : 1;
    const evidence: PairEvidence = { name: { score: name, confidence } };
    if (field.hasDescription) evidence.description = { score: description, confidence };
    else if (this.describedCatalog && !column.placeholder) {
      // In a data dictionary that describes its fields, one left undescribed (a technical or legacy
      // field) is known by its name alone: it should not outrank a described field whose description
      // and values were checked and mostly agree.
      evidence.description = { score: 0, confidence: UNDESCRIBED_CONFIDENCE };
    }
    if (field.hasDescription && siblings.size > 0) {
      evidence.siblings = { score: siblings.get(f) ?? 0, confidence: 1 };
    }
    let type = typeCompatibility(column.profile.type, field.type);
    // Every value of the column is a value of the field: whatever the two types were inferred as
    // ("Yes"/"No" read as booleans, a string field of yes/no answers), the field holds such values.
    if (type !== undefined && column.checked > 0 && Math.max(sampleHits, allowedHits) >= column.checked) {
      type = Math.max(type, TYPE_COMPATIBLE);
    }
    if (type !== undefined) evidence.type = { score: type, confidence: 1 };
    if (values !== undefined) evidence.values = values;
    if (field.hasAllowed && column.checked > 0) {
      evidence.allowed = containmentEvidence(allowedHits, column.checked);
    }
    if (this.hasValueWords.has(f) && column.wordCount > 0) {
      const conf = Math.min(1, column.wordCount / VALUE_FULL_CONFIDENCE_AT);
      evidence.vocabulary = { score: vocabulary, confidence: conf };
    }
    if (column.fuzzyChecked > 0 && this.fuzzy.has(f)) {
      const conf = Math.min(1, column.fuzzyChecked / VALUE_FULL_CONFIDENCE_AT);
      evidence.fuzzyValues = { score: fuzzy, confidence: conf };
    } else if (
      this.enumeratedCatalog &&
      column.fuzzyChecked >= 2 &&
      column.profile.distinct <= CLOSED_LIST_MAX &&
      field.sampleSize === 0 &&
      field.type === undefined
    ) {
      // A short list of labels in a catalog that enumerates its lists: a field with no list, no
      // sample and no type is probably not where such a column goes (a count or a date about the
      // same thing, "days to follow-up" for "lost to follow-up"). Weak evidence, but not none.
      evidence.fuzzyValues = { score: 0, confidence: UNLISTED_CONFIDENCE };
    }
    if (column.shape && field.shape) {
      const conf = Math.min(1, column.checked / VALUE_FULL_CONFIDENCE_AT);
      if (!sameMeasure(column.profile.type, field.type)) {
        evidence.format = { score: formatSimilarity(column.shape, field.shape), confidence: conf };
      }
      const d = distributionSimilarity(column.shape, field.shape);
      if (d !== undefined) evidence.distribution = { score: d, confidence: conf };
    }
    return evidence;
  }

  private prepareColumn(profile: ColumnProfile): PreparedColumn {
    const tokens = normaliseName(profile.name);
    const placeholder = isPlaceholderName(tokens);
    const values = [...new Set(profile.values.map(normaliseValue).filter((v) => v !== ''))].slice(
      0,
      VALUE_CHECK_CAP,
    );
    const sampleHits = new Map<number, number>();
    const allowedHits = new Map<number, number>();
    for (const v of values) {
      for (const id of this.valueIndex.get(v)) {
        const hits = id % 2 === 0 ? sampleHits : allowedHits;
        const f = id >> 1;
        hits.set(f, (hits.get(f) ?? 0) + 1);
      }
    }
    const words = placeholder ? [] : textTokens(profile.name);
    const minhash = (profile as ColumnProfile & { minhash?: number[] }).minhash;
    const fuzzy = this.fuzzy.search(values);
    return {
      profile,
      tokens,
      form: nameForm(tokens),
      words,
      placeholder,
      checked: values.length,
      sampleHits,
      allowedHits,
      ...this.vocabularyOf(values),
      shape: values.length > 0 ? valueShape(profile.values) : null,
      signature: signatureOf(minhash, profile.values),
      description: words.length > 0 ? this.text.search(words, headerSynonyms(profile.name)) : new Map(),
      formScores: new Map(),
      headerValues: placeholder ? new Map() : this.headerValueScores(profile.name),
      fuzzy: fuzzy.scores,
      fuzzyChecked: fuzzy.checked,
      fuzzyProposed: fuzzy.proposed,
    };
  }

  /**
   * A header made of a field's values ("Tumor/Normal", "Male/Female", "Paid/Unpaid") names the field by
   * its answers rather than by its question: field → HEADER_VALUES_SCORE × the share of the header's
   * words that are values of the field, for fields holding at least HEADER_VALUES_MIN of them.
   */
  private headerValueScores(header: string): Map<number, number> {
    const scores = new Map<number, number>();
    const words = [
      ...new Set(
        header
          .split(/[^\p{L}\p{N}]+/u)
          .map(normaliseValue)
          .filter((w) => w.length > 1 && !/^\p{N}+$/u.test(w)),
      ),
    ];
    if (words.length < HEADER_VALUES_MIN) return scores;
    const hits = new Map<number, number>();
    for (const w of words) {
      const fields = new Set(this.valueIndex.get(w).map((id) => id >> 1));
      for (const f of fields) hits.set(f, (hits.get(f) ?? 0) + 1);
    }
    for (const [f, n] of hits) {
      if (n >= HEADER_VALUES_MIN) scores.set(f, (HEADER_VALUES_SCORE * n) / words.length);
    }
    return scores;
  }

  /**
   * Rarity-weighted share of the column's value words found among each field's value words: words used
   * by many fields ("yes", "unknown") count little.
   */
  private vocabularyOf(values: string[]): { vocabulary: Map<number, number>; wordCount: number } {
    const words = [...valueWordsOf(values)].slice(0, VALUE_WORD_CAP);
    const vocabulary = new Map<number, number>();
    if (words.length === 0 || this.hasValueWords.size === 0) return { vocabulary, wordCount: 0 };
    const n = this.hasValueWords.size;
    const idf = (df: number) => Math.log(1 + n / (1 + df));
    const mass = words.reduce((s, w) => s + idf(this.valueWords.get(w).length), 0);
    for (const w of words) {
      const holders = this.valueWords.get(w);
      // A word most fields use is noise; walking its postings would cost more than it tells.
      if (holders.length > Math.max(COMMON_VALUE_WORD, n / 10)) continue;
      const share = idf(holders.length) / mass;
      for (const f of holders) vocabulary.set(f, (vocabulary.get(f) ?? 0) + share);
    }
    return { vocabulary, wordCount: words.length };
  }

  /**
   * One-to-one column→field assignment for one entity, greedy on the pair score. Greedy rather than
   * Hungarian: the pairs above the field threshold are few and rarely conflict, and a greedy mapping
   * is one a data owner can follow ("the best pair went first").
   */
  private assignEntity(
    entity: PreparedEntity,
    columns: PreparedColumn[],
    candidates: Pair[],
  ): { pairs: Pair[]; total: number; score: number } | null {
    const pairs = [...candidates].sort(
      (x, y) => y.score - x.score || x.column - y.column || x.field - y.field,
    );
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

/**
 * A header token at least this similar to a word of a field's name explains it (a stem, a synonym, a
 * truncation; see tokenSimilarity); the family signal looks only at the words left unexplained.
 */
const EXPLAINED_TOKEN = PREFIX_SCORE;

/** Distinct words (letters, 3+) of a column's values looked at for the vocabulary signal. */
const VALUE_WORD_CAP = 300;
/** Field values whose words are indexed: a field's vocabulary shows in its first thousand values. */
const VALUE_WORD_SOURCE_CAP = 1000;
const COMMON_VALUE_WORD = 200;

function valueWordsOf(values: Iterable<string>): Set<string> {
  const words = new Set<string>();
  for (const v of values) {
    for (const w of v.split(/[^\p{L}]+/u)) if (w.length >= 3) words.add(w);
    if (words.size >= 50 * VALUE_WORD_CAP) break;
  }
  return words;
}

/** Blocking keys of one name token: the word, its synonym group, the identifier class, its trigrams. */
function nameKeysOf(token: string): string[] {
  const keys = [`t:${token}`];
  const group = SYNONYM_GROUP_OF.get(token);
  if (group !== undefined) keys.push(`s:${group}`);
  if (IDENTIFIER_WORDS.has(token)) keys.push('i:');
  for (const g of trigrams(token)) keys.push(`g:${g}`);
  return keys;
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
