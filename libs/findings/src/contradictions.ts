import type { ColumnType } from '@shadowscan/domain';
import { comparatorFor, isBlank, type Comparator } from './compare';
import { maskValue, type MaskingPolicy } from './masking';

/** A sheet table joined to an official entity: which columns hold the key, which hold mapped fields. */
export interface KeyedMapping {
  /** Column index per entity key field, in the entity's key order. */
  key: Array<{ index: number; column: string; field: string }>;
  fields: Array<{ index: number; column: string; field: string; type?: ColumnType }>;
}

/**
 * Official rows by normalised key (see `officialKey`), fetched in batches. `raw` carries the key parts
 * as the sheet has them, for look-ups that go to a database index on the original values.
 */
export type OfficialLookup = (
  keys: Array<{ key: string; raw: unknown[] }>,
) => Promise<Map<string, Record<string, unknown>>>;

export interface ContradictionOptions {
  batchSize: number;
  maxExamples: number;
  masking: MaskingPolicy;
  normalise: (v: unknown) => string;
}

export interface FieldConflicts {
  field: string;
  column: string;
  compared: number;
  conflicts: number;
  examples: Array<{ key: string; row: number; sheet: unknown; official: unknown }>;
}

export interface ContradictionResult {
  rows: number;
  rowsWithoutKey: number;
  joined: number;
  orphans: { count: number; examples: string[] };
  /** Every mapped field, conflicting or not (the finding lists those with conflicts). */
  fields: FieldConflicts[];
}

const KEY_SEPARATOR = '\u001f';

/** The index key of a (possibly composite) key: normalised parts joined by U+001F. */
export function officialKey(parts: unknown[], normalise: (v: unknown) => string): string | null {
  const norm = parts.map(normalise);
  return norm.some((p) => p === '') ? null : norm.join(KEY_SEPARATOR);
}

/**
 * Streams the sheet's rows, joins them to the official rows by key in batches, and counts, per
 * mapped field, rows compared and rows in conflict. Only a pair of non-empty values is compared: a
 * blank cell in a copy is a gap, not a claim.
 */
export async function findContradictions(
  rows: AsyncIterable<{ row: number; values: unknown[] }>,
  mapping: KeyedMapping,
  lookup: OfficialLookup,
  opts: ContradictionOptions,
): Promise<ContradictionResult> {
  const result: ContradictionResult = {
    rows: 0,
    rowsWithoutKey: 0,
    joined: 0,
    orphans: { count: 0, examples: [] },
    fields: mapping.fields.map((f) => ({
      field: f.field,
      column: f.column,
      compared: 0,
      conflicts: 0,
      examples: [],
    })),
  };
  const comparators: Comparator[] = mapping.fields.map((f) => comparatorFor(f.type));
  type Pending = { key: string; raw: unknown[]; shownKey: string; row: number; values: unknown[] };

  const compare = (batch: Pending[], official: Map<string, Record<string, unknown>>) => {
    for (const r of batch) {
      const o = official.get(r.key);
      if (!o) {
        result.orphans.count++;
        if (result.orphans.examples.length < opts.maxExamples) result.orphans.examples.push(r.shownKey);
        continue;
      }
      result.joined++;
      mapping.fields.forEach((f, i) => {
        const sheetValue = r.values[f.index];
        const officialValue = o[f.field];
        if (isBlank(sheetValue) || isBlank(officialValue)) return;
        const acc = result.fields[i];
        acc.compared++;
        if (comparators[i](sheetValue, officialValue)) return;
        acc.conflicts++;
        if (acc.examples.length < opts.maxExamples) {
          acc.examples.push({
            key: r.shownKey,
            row: r.row,
            sheet: maskValue(sheetValue, f.type, opts.masking),
            official: maskValue(officialValue, f.type, opts.masking),
          });
        }
      });
    }
  };

  // One look-up in flight while the next batch is read: reading and querying overlap.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async (batch: Pending[]) => {
    if (batch.length === 0) return;
    const unique = new Map<string, unknown[]>();
    for (const b of batch) if (!unique.has(b.key)) unique.set(b.key, b.raw);
    const query = lookup([...unique].map(([key, raw]) => ({ key, raw })));
    await inFlight;
    inFlight = query.then((official) => compare(batch, official));
    // Surface a failed look-up now rather than at the end; the next await rethrows it.
    inFlight.catch(() => undefined);
  };

  let batch: Pending[] = [];
  for await (const { row, values } of rows) {
    result.rows++;
    const raw = mapping.key.map((k) => values[k.index]);
    const key = officialKey(raw, opts.normalise);
    if (key === null) {
      result.rowsWithoutKey++;
      continue;
    }
    batch.push({ key, raw, shownKey: raw.map((p) => String(p).trim()).join(' / '), row, values });
    if (batch.length >= opts.batchSize) {
      await flush(batch);
      batch = [];
    }
  }
  await flush(batch);
  await inFlight;
  return result;
}
