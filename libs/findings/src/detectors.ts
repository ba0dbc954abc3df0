import { createHash } from 'node:crypto';
import type {
  Criticality,
  DetectedFinding,
  EntityAssignment,
  ResolvedCatalog,
  Severity,
  SorEntity,
  TableFingerprint,
  TableMatch,
  UnreadableCode,
} from '@shadowscan/domain';
import type { ContradictionResult, KeyedMapping } from './contradictions';
import { evidenceHash, findingId } from './identity';

export interface DetectorThresholds {
  /** Share of the entity's fields a table must map to count as a duplicate when no key overlap is known. */
  minFieldCoverage: number;
  /** Share of the sheet's key values that must exist in the official extract, when both have values. */
  minKeyOverlap: number;
  /** Share of compared rows in conflict that makes a contradiction severe. */
  severeConflictRate: number;
}

/**
 * Defaults a data owner can reason about: a sheet that carries at least a third of an entity's fields,
 * or whose keys are mostly (≥ 50%) real official keys, is a copy of that entity; one row in ten in
 * conflict makes a contradiction one step more severe.
 */
export const DEFAULT_THRESHOLDS: DetectorThresholds = {
  minFieldCoverage: 0.34,
  minKeyOverlap: 0.5,
  severeConflictRate: 0.1,
};

export interface DetectInput {
  sourceId: string;
  /** Path relative to the source root. */
  file: string;
  tables: TableFingerprint[];
  matches: TableMatch[];
  catalog: ResolvedCatalog;
  /** How widely the file is shared, where the connector knows: `anonymous` and `organization` raise severity. */
  sharingScope?: string | null;
}

/** A table judged to be a copy of an official entity, with what the other detectors need. */
export interface DuplicateVerdict {
  table: TableFingerprint;
  entity: SorEntity;
  assignment: EntityAssignment;
  coverage: number;
  keyOverlap: number | null;
  /** Present when every key field of the entity is mapped: rows can be joined to official rows. */
  keyed: KeyedMapping | null;
}

export function assessDuplicates(
  input: DetectInput,
  t: DetectorThresholds = DEFAULT_THRESHOLDS,
): DuplicateVerdict[] {
  const out: DuplicateVerdict[] = [];
  input.matches.forEach((m, i) => {
    const table = input.tables[i];
    const assignment = m.entity;
    if (!table || !assignment) return;
    const entity = findEntity(input.catalog, assignment.system, assignment.entity);
    if (!entity) return;
    const coverage = assignment.mapping.length / Math.max(1, entity.fields.length);
    const keyOverlap = keyOverlapOf(table, entity, assignment.mapping);
    const isDuplicate = keyOverlap !== null ? keyOverlap >= t.minKeyOverlap : coverage >= t.minFieldCoverage;
    if (!isDuplicate) return;
    out.push({
      table,
      entity,
      assignment,
      coverage,
      keyOverlap,
      keyed: keyedMapping(table, entity, assignment),
    });
  });
  return out;
}

/** Duplicates and extensions: what the fingerprint and the matches alone can tell. */
export function detectFindings(
  input: DetectInput,
  t: DetectorThresholds = DEFAULT_THRESHOLDS,
): DetectedFinding[] {
  return assessDuplicates(input, t).flatMap((v) => {
    const ext = extensionFinding(input, v);
    return ext ? [duplicateFinding(input, v), ext] : [duplicateFinding(input, v)];
  });
}

export function duplicateFinding(input: DetectInput, v: DuplicateVerdict): DetectedFinding {
  const { table, entity, assignment } = v;
  const qualified = `${entity.system}.${entity.name}`;
  const evidence = {
    table: tableEvidence(table),
    score: round(assignment.score),
    fieldCoverage: round(v.coverage),
    keyOverlap: v.keyOverlap === null ? null : round(v.keyOverlap),
    mapping: assignment.mapping.map((p) => ({
      column: p.column,
      field: p.field,
      score: round(p.score),
      signals: Object.fromEntries(Object.entries(p.signals).map(([k, s]) => [k, round(s)])),
    })),
    unmappedFields: entity.fields
      .map((f) => f.name)
      .filter((f) => !assignment.mapping.some((p) => p.field === f)),
  };
  return {
    id: findingId({
      kind: 'duplicate',
      sourceId: input.sourceId,
      file: input.file,
      table: tableRef(table),
      entity: qualified,
    }),
    kind: 'duplicate',
    severity: bump(bump(base(entity.criticality), table.rowCount >= 1000), widelyShared(input)),
    sourceId: input.sourceId,
    file: input.file,
    sheet: table.sheet,
    system: entity.system,
    entity: entity.name,
    title: `${input.file} [${table.sheet}] duplicates ${qualified} (${assignment.mapping.length} of ${entity.fields.length} fields, ${table.rowCount} rows)`,
    evidence,
    // What the finding says, not how sure the matcher was: a rescan where one official value changed
    // moves value-overlap scores, and that is not news (the stored evidence is refreshed regardless).
    evidenceHash: evidenceHash({
      mapping: evidence.mapping.map((p) => [p.column, p.field]),
      rows: table.rowCount,
      keyOverlap: v.keyOverlap === null ? null : round(v.keyOverlap, 2),
      range: table.range,
    }),
  };
}

/** Columns that map to no field but ride on the official key: data the official system lacks. */
export function extensionFinding(input: DetectInput, v: DuplicateVerdict): DetectedFinding | null {
  if (!v.keyed) return null;
  const mapped = new Set(v.assignment.mapping.map((p) => p.index));
  const extra = v.table.columns.filter((c) => !mapped.has(c.index) && c.type !== 'empty' && c.nullRatio < 1);
  if (extra.length === 0) return null;
  const qualified = `${v.entity.system}.${v.entity.name}`;
  return {
    id: findingId({
      kind: 'extension',
      sourceId: input.sourceId,
      file: input.file,
      table: tableRef(v.table),
      entity: qualified,
    }),
    kind: 'extension',
    severity: bump(bump(lower(base(v.entity.criticality)), v.table.rowCount >= 1000), widelyShared(input)),
    sourceId: input.sourceId,
    file: input.file,
    sheet: v.table.sheet,
    system: v.entity.system,
    entity: v.entity.name,
    title: `${input.file} [${v.table.sheet}] extends ${qualified} with ${extra.length} column(s): ${extra.map((c) => c.name).join(', ')}`,
    evidence: {
      table: tableEvidence(v.table),
      key: v.keyed.key.map((k) => ({ column: k.column, field: k.field })),
      columns: extra.map((c) => c.name),
      profiles: extra.map((c) => ({
        column: c.name,
        type: c.type,
        filled: round(1 - c.nullRatio),
        distinct: c.distinct,
      })),
    },
    evidenceHash: evidenceHash({ columns: extra.map((c) => [c.name, c.type]), range: v.table.range }),
  };
}

export function contradictionFinding(
  input: DetectInput,
  v: DuplicateVerdict,
  r: ContradictionResult,
  t: DetectorThresholds = DEFAULT_THRESHOLDS,
): DetectedFinding | null {
  const conflicting = r.fields.filter((f) => f.conflicts > 0);
  if (conflicting.length === 0) return null;
  const qualified = `${v.entity.system}.${v.entity.name}`;
  const compared = r.fields.reduce((n, f) => Math.max(n, f.compared), 0);
  const rowsInConflict = conflicting.reduce((n, f) => n + f.conflicts, 0);
  const rate = compared === 0 ? 0 : Math.min(1, rowsInConflict / compared);
  return {
    id: findingId({
      kind: 'contradiction',
      sourceId: input.sourceId,
      file: input.file,
      table: tableRef(v.table),
      entity: qualified,
    }),
    kind: 'contradiction',
    severity: bump(
      bump(base(v.entity.criticality), rate >= t.severeConflictRate || rowsInConflict >= 1000),
      widelyShared(input),
    ),
    sourceId: input.sourceId,
    file: input.file,
    sheet: v.table.sheet,
    system: v.entity.system,
    entity: v.entity.name,
    title: `${input.file} [${v.table.sheet}] contradicts ${qualified}: ${conflicting.map((f) => `${f.field} on ${f.conflicts} row(s)`).join(', ')}`,
    evidence: {
      table: tableEvidence(v.table),
      key: v.keyed!.key.map((k) => ({ column: k.column, field: k.field })),
      rows: r.rows,
      joined: r.joined,
      rowsWithoutKey: r.rowsWithoutKey,
      orphans: r.orphans,
      fields: conflicting.map((f) => ({
        field: f.field,
        column: f.column,
        compared: f.compared,
        conflicts: f.conflicts,
        examples: f.examples,
      })),
    },
    // Which rows conflict on which fields, not the masked values: a value change elsewhere is not news.
    evidenceHash: evidenceHash({
      fields: conflicting.map((f) => [
        f.field,
        f.compared,
        f.conflicts,
        f.examples.map((e) => [e.key, e.row]),
      ]),
      orphans: r.orphans.count,
    }),
  };
}

export function unreadableFinding(
  sourceId: string,
  file: string,
  code: UnreadableCode,
  message: string,
): DetectedFinding {
  return {
    id: findingId({ kind: 'unreadable', sourceId, file, table: null, entity: null }),
    kind: 'unreadable',
    severity: code === 'encrypted' ? 'medium' : 'low',
    sourceId,
    file,
    sheet: null,
    system: null,
    entity: null,
    title: `${file} could not be read (${code})`,
    evidence: { code, message },
    evidenceHash: evidenceHash({ code }),
  };
}

/**
 * The table's content signature for copy detection: the fingerprint's own when it has one,
 * otherwise a digest of the row count and each column's name, distinct count and value sketch.
 */
export function tableContentHash(table: TableFingerprint): string {
  const own = (table as { contentSignature?: unknown }).contentSignature;
  if (typeof own === 'string' && own) return own;
  const material = table.columns.map((c) => [
    c.name.trim().toLowerCase(),
    c.distinct,
    (c as { minhash?: number[] }).minhash ?? c.values.slice(0, 64),
  ]);
  return createHash('sha256')
    .update(JSON.stringify([table.rowCount, material]))
    .digest('hex')
    .slice(0, 32);
}

function keyedMapping(table: TableFingerprint, entity: SorEntity, a: EntityAssignment): KeyedMapping | null {
  if (entity.key.length === 0) return null;
  const key: KeyedMapping['key'] = [];
  for (const k of entity.key) {
    const pair = a.mapping.find((p) => p.field === k);
    if (!pair) return null;
    key.push({ index: pair.index, column: pair.column, field: k });
  }
  const fields = a.mapping
    .filter((p) => !entity.key.includes(p.field))
    .map((p) => ({
      index: p.index,
      column: p.column,
      field: p.field,
      type: entity.fields.find((f) => f.name === p.field)?.type ?? table.columns[p.index]?.type,
    }));
  return { key, fields };
}

function tableRef(table: TableFingerprint): string {
  return `${table.sheet}!${table.range}`;
}

function tableEvidence(table: TableFingerprint) {
  return { sheet: table.sheet, range: table.range, headerRow: table.headerRow, rows: table.rowCount };
}

function findEntity(catalog: ResolvedCatalog, system: string, entity: string): SorEntity | undefined {
  return catalog.systems.find((s) => s.name === system)?.entities.find((e) => e.name === entity);
}

/** Share of the sheet's key values found in the official key values; null when either side has none. */
function keyOverlapOf(
  table: TableFingerprint,
  entity: SorEntity,
  mapping: Array<{ index: number; field: string }>,
): number | null {
  if (entity.key.length !== 1) return null;
  const pair = mapping.find((p) => p.field === entity.key[0]);
  const field = entity.fields.find((f) => f.name === entity.key[0]);
  const column = pair ? table.columns[pair.index] : undefined;
  if (!column || !field || column.values.length === 0 || field.values.length === 0) return null;
  const official = new Set(field.values);
  let hits = 0;
  for (const v of column.values) if (official.has(v)) hits++;
  return hits / column.values.length;
}

const ORDER: Severity[] = ['low', 'medium', 'high', 'critical'];

function widelyShared(input: DetectInput): boolean {
  return input.sharingScope === 'anonymous' || input.sharingScope === 'organization';
}

function base(criticality: Criticality | undefined): Severity {
  return criticality ?? 'medium';
}

function bump(s: Severity, when: boolean): Severity {
  return when ? ORDER[Math.min(ORDER.length - 1, ORDER.indexOf(s) + 1)] : s;
}

function lower(s: Severity): Severity {
  return ORDER[Math.max(0, ORDER.indexOf(s) - 1)];
}

function round(n: number, places = 3): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}
