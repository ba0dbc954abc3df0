import { createHash } from 'node:crypto';
import type { FindingKind } from '@shadowscan/domain';

export interface FindingKey {
  kind: FindingKind;
  sourceId: string;
  file: string;
  /** Sheet and table range; null for file-level findings (unreadable). */
  table: string | null;
  /** "system.entity", or null. */
  entity: string | null;
}

/** A finding's identity: the same observation on a rescan gets the same id, so it updates in place. */
export function findingId(k: FindingKey): string {
  return createHash('sha256')
    .update(JSON.stringify([k.kind, k.sourceId, k.file, k.table, k.entity]))
    .digest('hex')
    .slice(0, 32);
}

/** Canonical hash of the evidence that matters for "did this finding change?". */
export function evidenceHash(material: unknown): string {
  return createHash('sha256').update(stableJson(material)).digest('hex').slice(0, 32);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
