import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  chooseCatalogSource,
  loadCatalog,
  readCatalogInputs,
  summarizeCatalog,
  type CatalogInputs,
  type CatalogSummary,
} from '@shadowscan/catalog';
import type { ResolvedCatalog } from '@shadowscan/domain';
import { JOB_QUEUE, type JobQueue } from '@shadowscan/queue';
import { ShadowscanStore, type CatalogVersion } from '@shadowscan/store';
import { indexOfficialRows } from './official-rows';

/** Who ran a sync; stored with the version it found. */
export type CatalogSyncTrigger = 'cli' | 'job' | 'scan';

export interface CatalogSyncResult {
  /** Absolute path of the catalog file. */
  catalog: string;
  /** The catalog's version number after the sync (1, 2, 3…). */
  number: number;
  /** Content hash of that version. */
  version: string;
  /** A new version was stored (its content differs from the previous version's). */
  changed: boolean;
  previous?: { number: number; version: string };
  syncedAt: string;
  summary: CatalogSummary;
}

export interface CatalogForScan {
  catalog: ResolvedCatalog;
  /** `stored`: the latest stored version was used as it is; `synced`: the catalog was read again. */
  from: 'stored' | 'synced';
  reason: string;
  number: number;
}

/**
 * Systems of record, versioned: a sync reads the catalog file, its extracts and its databases, and
 * stores a new version only when the content changed. Scans use the latest stored version while the
 * catalog's files are unchanged (see chooseCatalogSource). The CLI, the API and the `sync-catalog` job
 * all come here.
 */
@Injectable()
export class CatalogSyncService {
  private readonly log = new Logger(CatalogSyncService.name);

  constructor(
    private readonly store: ShadowscanStore,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  /**
   * Everything is read (and extracts indexed, per content hash) before anything names the new
   * version, so a failing database leaves the store as it was.
   */
  async sync(
    file: string,
    opts: { trigger: CatalogSyncTrigger; env?: Record<string, string | undefined> },
  ): Promise<{ result: CatalogSyncResult; catalog: ResolvedCatalog }> {
    // Inputs first: if the file changes while it is loaded, the next scan sees a difference and syncs.
    const inputs = await readCatalogInputs(file);
    const catalog = await loadCatalog(file, { env: opts.env });
    await indexOfficialRows(this.store, catalog);
    const summary = summarizeCatalog(catalog);
    const rec = await this.store.recordCatalogSync({
      catalog,
      summary,
      origin: inputs,
      syncedBy: opts.trigger,
    });
    const result: CatalogSyncResult = {
      catalog: catalog.source,
      number: rec.number,
      version: rec.version,
      changed: rec.changed,
      previous: rec.previous,
      syncedAt: rec.syncedAt,
      summary,
    };
    this.log.log(
      `catalog ${catalog.source} synced (${opts.trigger}): version ${rec.number}${rec.changed ? ' (new)' : ' (unchanged)'}, ${summary.entities} entities, ${summary.fields} fields`,
    );
    return { result, catalog };
  }

  /**
   * The catalog a scan runs against: the latest stored version while the file and its extracts are
   * unchanged since it was synced, else (or with `refresh`) a sync first.
   */
  async forScan(file: string, opts: { refresh?: boolean } = {}): Promise<CatalogForScan> {
    const current = await readCatalogInputs(file);
    const latest = await this.store.latestCatalogVersion(current.file);
    const decision = chooseCatalogSource({
      current,
      latest: latest ? (latest.origin as unknown as CatalogInputs) : undefined,
      refresh: opts.refresh,
    });
    if (decision.use === 'stored' && latest) {
      const catalog = await this.store.getCatalog(latest.version);
      if (catalog) return { catalog, from: 'stored', reason: decision.reason, number: latest.number };
    }
    const { result, catalog } = await this.sync(file, { trigger: 'scan' });
    return { catalog, from: 'synced', reason: decision.reason, number: result.number };
  }

  /** Queues a `sync-catalog` job (run by a worker, or in this process with the inline driver). */
  async requestSync(file: string): Promise<{ requestId: string; catalog: string }> {
    const catalog = (await readCatalogInputs(file)).file; // fails now if the file cannot be read
    const requestId = randomUUID();
    await this.queue.add('sync-catalog', { catalog, requestId });
    return { requestId, catalog };
  }

  async versions(filter: { catalog?: string; limit?: number } = {}): Promise<CatalogVersion[]> {
    return this.store.listCatalogVersions({
      ...filter,
      catalog: filter.catalog ? path.resolve(filter.catalog) : undefined,
    });
  }
}
