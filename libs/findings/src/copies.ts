import { minhashJaccard, type DetectedFinding, type TableFingerprint } from '@shadowscan/domain';
import { evidenceHash, findingId } from './identity';

export interface TableCopy {
  sourceId: string;
  sourceName: string;
  file: string;
  sheet: string;
  range: string;
  rows: number;
  schemaHash: string;
  contentHash: string;
  /** MinHash of all the table's values (see tableSketch); empty when unknown. */
  sketch: number[];
  modifiedAt: string | null;
  lastModifiedBy: string | null;
}

/** Estimated value overlap at or above which two tables of one schema are near-duplicate copies. */
export const NEAR_DUPLICATE_JACCARD = 0.8;
const BANDS = 32;

/**
 * A table's content sketch: the element-wise minimum of its columns' MinHash signatures, which is
 * the MinHash of the union of its values. Two copies of a table, one edited a little, stay close.
 */
export function tableSketch(table: TableFingerprint): number[] {
  const sigs = table.columns.map((c) => c.minhash ?? []).filter((s) => s.length > 0);
  if (sigs.length === 0) return [];
  return sigs[0].map((_, i) => sigs.reduce((m, s) => Math.min(m, s[i]), Infinity));
}

/**
 * Groups tables that carry the same schema and the same, or nearly the same, content into copy
 * clusters, across files, folders and sources. Exact copies share a content signature; near
 * duplicates are proposed by LSH over the content sketches (32 bands of 4) and confirmed by their
 * estimated Jaccard similarity. A cluster needs two files or more.
 */
export function detectCopyClusters(
  tables: TableCopy[],
  threshold = NEAR_DUPLICATE_JACCARD,
): DetectedFinding[] {
  const live = tables.filter((t) => t.rows > 0);
  const parent = live.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const union = (a: number, b: number) => {
    const [x, y] = [find(a), find(b)];
    if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
  };
  const buckets = new Map<string, number[]>();
  live.forEach((t, i) => {
    const keys = [`exact:${t.schemaHash}:${t.contentHash}`];
    if (t.sketch.length >= BANDS) {
      const width = Math.floor(t.sketch.length / BANDS);
      for (let b = 0; b < BANDS; b++)
        keys.push(`lsh:${t.schemaHash}:${b}:${t.sketch.slice(b * width, (b + 1) * width).join(',')}`);
    }
    for (const k of keys) buckets.set(k, [...(buckets.get(k) ?? []), i]);
  });
  for (const [k, members] of buckets) {
    if (members.length < 2) continue;
    const exact = k.startsWith('exact:');
    for (let j = 1; j < members.length; j++) {
      const [a, b] = [live[members[0]], live[members[j]]];
      if (exact || (minhashJaccard(a.sketch, b.sketch) ?? 0) >= threshold) union(members[0], members[j]);
    }
  }
  const groups = new Map<number, TableCopy[]>();
  live.forEach((t, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), t]));

  const out: DetectedFinding[] = [];
  for (const members of groups.values()) {
    const files = new Set(members.map((m) => `${m.sourceId}\u0000${m.file}`));
    if (files.size < 2) continue;
    const sorted = [...members].sort((a, b) =>
      (a.sourceName + a.file + a.sheet + a.range).localeCompare(b.sourceName + b.file + b.sheet + b.range),
    );
    const first = sorted[0];
    const sources = new Set(sorted.map((m) => m.sourceId));
    const similarity = (m: TableCopy) =>
      m.contentHash === first.contentHash
        ? 1
        : Math.round((minhashJaccard(m.sketch, first.sketch) ?? 0) * 100) / 100;
    out.push({
      // Named after its schema and first member, so the cluster keeps its identity while members change.
      id: findingId({
        kind: 'copy_cluster',
        sourceId: '*',
        file: '*',
        table: `${first.schemaHash}:${first.sourceName}:${first.file}:${first.sheet}`,
        entity: null,
      }),
      kind: 'copy_cluster',
      severity: files.size >= 5 ? 'high' : 'medium',
      sourceId: first.sourceId,
      file: first.file,
      sheet: first.sheet,
      system: null,
      entity: null,
      title: `${files.size} files carry the same table as ${first.file} [${first.sheet}] (${first.rows} rows)`,
      evidence: {
        files: sorted.map((m) => m.file),
        copies: sorted.map((m) => ({
          source: m.sourceName,
          file: m.file,
          sheet: m.sheet,
          range: m.range,
          rows: m.rows,
          similarity: similarity(m),
          modifiedAt: m.modifiedAt,
          lastModifiedBy: m.lastModifiedBy,
        })),
        sources: sources.size,
        schemaHash: first.schemaHash,
      },
      evidenceHash: evidenceHash(sorted.map((m) => [m.sourceName, m.file, m.sheet, m.range, m.contentHash])),
    });
  }
  return out;
}
