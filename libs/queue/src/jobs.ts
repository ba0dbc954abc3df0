import { createHash } from 'node:crypto';

/**
 * Queue (and job) names. Renaming one strands the jobs already waiting under the old name in Redis:
 * add the new name, drain the old one, then remove it.
 */
export const JOB_NAMES = ['crawl', 'analyze', 'finalize', 'findings', 'sync-catalog'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** Payloads carry ids and versions, never file bytes or cell values. */
export interface JobPayloads {
  /** List what changed in a source since its cursor and fan out one `analyze` per new file version. */
  crawl: { scanId: string };
  /** Fingerprint, match and detect one file version, persisting the result in one transaction. */
  analyze: { scanId: string; sourceId: string; fileId: string; version: string };
  /** Cross-file work once every file is done (copy clusters), then the scan is completed. */
  finalize: { scanId: string };
  /**
   * Deliver the finding changes that one analysis recorded (fileId), or that the crawl's deletions and
   * the finalize step recorded (fileId null; `round` tells the two deliveries apart).
   */
  findings: { scanId: string; fileId: string | null; round?: 'crawl' | 'finalize' };
  /**
   * Read a catalog file, its extracts and its databases, and store the result as a new version if its
   * content changed. `catalog` is the file's absolute path; `requestId` tells one request from the next
   * (a later sync of the same catalog must run, a redelivered one must not run twice).
   */
  'sync-catalog': { catalog: string; requestId: string };
}

export type JobOf<N extends JobName> = { name: N; payload: JobPayloads[N] };

/**
 * The one place that decides a job's id, which is what makes enqueueing idempotent: a retried crawl
 * or a re-delivered message adds the same id, and the queue keeps one job.
 * BullMQ forbids ':' in custom ids, hence the dashes and the digest.
 */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  switch (name) {
    case 'crawl':
      return `crawl-${(payload as JobPayloads['crawl']).scanId}`;
    case 'analyze': {
      const p = payload as JobPayloads['analyze'];
      return `analyze-${p.scanId}-${digest(`${p.sourceId}\u0000${p.fileId}\u0000${p.version}`)}`;
    }
    case 'finalize':
      return `finalize-${(payload as JobPayloads['finalize']).scanId}`;
    case 'findings': {
      const p = payload as JobPayloads['findings'];
      return `findings-${p.scanId}-${digest(p.fileId ?? `(${p.round ?? 'crawl'})`)}`;
    }
    case 'sync-catalog': {
      const p = payload as JobPayloads['sync-catalog'];
      return `sync-catalog-${digest(`${p.catalog}\u0000${p.requestId}`)}`;
    }
    default:
      throw new Error(`unknown job name ${String(name)}`);
  }
}

function digest(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 20);
}

/** Thrown by a handler when retrying cannot help (bad input, missing record): the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}
