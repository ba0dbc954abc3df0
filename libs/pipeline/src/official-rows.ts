import type { ResolvedCatalog, SorEntity } from '@shadowscan/domain';
import { officialKey } from '@shadowscan/findings';
import { fingerprintFile, normaliseHeader, normaliseValue, streamTableRows } from '@shadowscan/fingerprint';
import type { ShadowscanStore } from '@shadowscan/store';

const BATCH = 1000;

export const entityRef = (e: Pick<SorEntity, 'system' | 'name'>) => `${e.system}.${e.name}`;

/**
 * Indexes each extract's rows by key in the store (once per catalog version), so contradiction
 * look-ups are batched index reads, not rescans of the extract.
 */
export async function indexOfficialRows(store: ShadowscanStore, catalog: ResolvedCatalog): Promise<void> {
  for (const entity of catalog.systems.flatMap((s) => s.entities)) {
    if (!entity.sample || entity.key.length === 0) continue;
    if (await store.hasOfficialRows(catalog.version, entityRef(entity))) continue;
    const fp = await fingerprintFile(entity.sample);
    const table = fp.tables[0];
    if (!table) continue;
    const fieldOf = table.columns.map(
      (c) => entity.fields.find((f) => normaliseHeader(f.name) === normaliseHeader(c.name))?.name,
    );
    const keyIdx = entity.key.map((k) => fieldOf.indexOf(k));
    if (keyIdx.some((i) => i < 0)) continue;
    await store.saveOfficialRows(
      catalog.version,
      entityRef(entity),
      batches(entity.sample, table, fieldOf, keyIdx),
    );
  }
}

async function* batches(
  file: string,
  table: Parameters<typeof streamTableRows>[1],
  fieldOf: Array<string | undefined>,
  keyIdx: number[],
): AsyncGenerator<Array<{ key: string; row: Record<string, unknown> }>> {
  let batch: Array<{ key: string; row: Record<string, unknown> }> = [];
  for await (const { values } of streamTableRows(file, table)) {
    const key = officialKey(
      keyIdx.map((i) => values[i]),
      normaliseValue,
    );
    if (key === null) continue;
    const row: Record<string, unknown> = {};
    fieldOf.forEach((f, i) => {
      if (f) row[f] = values[i] instanceof Date ? (values[i] as Date).toISOString() : values[i];
    });
    batch.push({ key, row });
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

type Row = Readonly<Record<string, unknown>>;

/**
 * Official rows by key, kept across files: a catalog version's extract rows never change, and the
 * spreadsheets that copy an official table tend to carry the same keys, so a scan of many copies asks
 * the store once per key instead of once per file. Absent keys are remembered too. Least recently used
 * entries go first beyond `capacity`.
 */
export class OfficialRowCache {
  private readonly entries = new Map<string, Row | null>();

  constructor(private readonly capacity = 100_000) {}

  /**
   * The rows of `keys` for one entity of one catalog version, asking `fetch` only for keys not seen
   * before.
   */
  async lookup(
    scope: string,
    keys: string[],
    fetch: (missing: string[]) => Promise<Map<string, Record<string, unknown>>>,
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    const missing: string[] = [];
    for (const key of keys) {
      const id = `${scope}\u0000${key}`;
      const hit = this.entries.get(id);
      if (hit === undefined) {
        missing.push(key);
        continue;
      }
      // Re-insert: the Map's order is the recency order.
      this.entries.delete(id);
      this.entries.set(id, hit);
      if (hit) found.set(key, hit);
    }
    if (missing.length === 0) return found;
    const fetched = await fetch(missing);
    for (const key of missing) {
      const row = fetched.get(key);
      this.entries.set(`${scope}\u0000${key}`, row ? Object.freeze(row) : null);
      if (row) found.set(key, row);
    }
    for (const old of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(old);
    }
    return found;
  }
}
