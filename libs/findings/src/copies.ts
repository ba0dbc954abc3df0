import type { DetectedFinding } from '@shadowscan/domain';
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
  modifiedAt: string | null;
  lastModifiedBy: string | null;
}

/**
 * Groups tables that carry the same schema and the same content into copy clusters, across files,
 * folders and sources. A cluster needs two files or more: two tables of one workbook are not copies
 * in the sense that matters (a file copied around).
 */
export function detectCopyClusters(tables: TableCopy[]): DetectedFinding[] {
  const groups = new Map<string, TableCopy[]>();
  for (const t of tables) {
    if (t.rows === 0) continue;
    const k = `${t.schemaHash}:${t.contentHash}`;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  const out: DetectedFinding[] = [];
  for (const [k, members] of groups) {
    const files = new Set(members.map((m) => `${m.sourceId}\u0000${m.file}`));
    if (files.size < 2) continue;
    const sorted = [...members].sort((a, b) =>
      (a.sourceName + a.file + a.sheet).localeCompare(b.sourceName + b.file + b.sheet),
    );
    const first = sorted[0];
    const sources = new Set(sorted.map((m) => m.sourceId));
    out.push({
      id: findingId({ kind: 'copy_cluster', sourceId: '*', file: '*', table: k, entity: null }),
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
          modifiedAt: m.modifiedAt,
          lastModifiedBy: m.lastModifiedBy,
        })),
        sources: sources.size,
        schemaHash: first.schemaHash,
        contentHash: first.contentHash,
      },
      evidenceHash: evidenceHash(sorted.map((m) => [m.sourceName, m.file, m.sheet, m.range])),
    });
  }
  return out;
}
