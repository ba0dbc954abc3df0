import type {
  Criticality,
  DetectedFinding,
  ResolvedCatalog,
  SorEntity,
  TableFingerprint,
  TableMatch,
  UnreadableCode,
  Severity,
} from '@shadowscan/domain';
import { evidenceHash, findingId } from './identity';

export interface DetectorThresholds {
  /** Share of the entity's fields a table must map to count as a duplicate when no key overlap is known. */
  minFieldCoverage: number;
  /** Share of the sheet's key values that must exist in the official extract, when both have values. */
  minKeyOverlap: number;
}

/**
 * Defaults a data owner can reason about: a sheet that carries at least a third of an entity's fields,
 * or whose keys are mostly (≥ 50%) real official keys, is a copy of that entity.
 */
export const DEFAULT_THRESHOLDS: DetectorThresholds = { minFieldCoverage: 0.34, minKeyOverlap: 0.5 };

export interface DetectInput {
  sourceId: string;
  /** Path relative to the source root. */
  file: string;
  tables: TableFingerprint[];
  matches: TableMatch[];
  catalog: ResolvedCatalog;
}

export function detectFindings(
  input: DetectInput,
  t: DetectorThresholds = DEFAULT_THRESHOLDS,
): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  input.matches.forEach((m, i) => {
    const table = input.tables[i];
    const assigned = m.entity;
    if (!table || !assigned) return;
    const entity = findEntity(input.catalog, assigned.system, assigned.entity);
    if (!entity) return;
    const coverage = assigned.mapping.length / Math.max(1, entity.fields.length);
    const keyOverlap = keyOverlapOf(table, entity, assigned.mapping);
    const isDuplicate = keyOverlap !== null ? keyOverlap >= t.minKeyOverlap : coverage >= t.minFieldCoverage;
    if (!isDuplicate) return;
    const qualified = `${entity.system}.${entity.name}`;
    const evidence = {
      table: { sheet: table.sheet, range: table.range, headerRow: table.headerRow, rows: table.rowCount },
      score: round(assigned.score),
      fieldCoverage: round(coverage),
      keyOverlap: keyOverlap === null ? null : round(keyOverlap),
      mapping: assigned.mapping.map((p) => ({
        column: p.column,
        field: p.field,
        score: round(p.score),
        signals: Object.fromEntries(Object.entries(p.signals).map(([k, v]) => [k, round(v)])),
      })),
      unmappedFields: entity.fields
        .map((f) => f.name)
        .filter((f) => !assigned.mapping.some((p) => p.field === f)),
    };
    out.push({
      id: findingId({
        kind: 'duplicate',
        sourceId: input.sourceId,
        file: input.file,
        table: `${table.sheet}!${table.range}`,
        entity: qualified,
      }),
      kind: 'duplicate',
      severity: severityFor(entity.criticality, table.rowCount),
      sourceId: input.sourceId,
      file: input.file,
      sheet: table.sheet,
      system: entity.system,
      entity: entity.name,
      title: `${input.file} [${table.sheet}] duplicates ${qualified} (${assigned.mapping.length} of ${entity.fields.length} fields, ${table.rowCount} rows)`,
      evidence,
      // Rounded to two places: a rescan that moves a score in the third decimal is not news.
      evidenceHash: evidenceHash({
        mapping: evidence.mapping.map((p) => [p.column, p.field, round(p.score, 2)]),
        rows: table.rowCount,
        keyOverlap: keyOverlap === null ? null : round(keyOverlap, 2),
        range: table.range,
      }),
    });
  });
  return out;
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

function severityFor(criticality: Criticality | undefined, rows: number): Severity {
  const base: Severity = criticality ?? 'medium';
  const order: Severity[] = ['low', 'medium', 'high', 'critical'];
  // Many rows of official data in a spreadsheet raise the stakes by one step.
  const bump = rows >= 1000 ? 1 : 0;
  return order[Math.min(order.length - 1, order.indexOf(base) + bump)];
}

function round(n: number, places = 3): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}
