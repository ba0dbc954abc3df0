import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FileChanges } from '@shadowscan/domain';
import {
  JOB_QUEUE,
  PermanentJobError,
  type JobHandler,
  type JobPayloads,
  type JobQueue,
} from '@shadowscan/queue';
import { ShadowscanStore } from '@shadowscan/store';
import { connectorFor } from './connector-for';
import { requestFinalize } from './finalize.request';

/**
 * crawl: list what changed in the source since its cursor, record it, and fan out one `analyze` job
 * per changed file version. The cursor moves only when the listing completed and was recorded.
 */
@Injectable()
export class CrawlStage implements JobHandler<'crawl'> {
  readonly job = 'crawl' as const;
  private readonly log = new Logger(CrawlStage.name);

  constructor(
    private readonly store: ShadowscanStore,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  async handle({ scanId }: JobPayloads['crawl']): Promise<void> {
    const scan = await this.store.getScan(scanId);
    if (!scan) throw new PermanentJobError(`scan ${scanId} does not exist`);
    if (scan.status === 'completed' || scan.status === 'failed') return;
    await this.store.markScanRunning(scanId);

    if (!scan.crawled_at) {
      const source = await this.store.getSource(scan.source_id);
      if (!source) throw new PermanentJobError(`source ${scan.source_id} of scan ${scanId} does not exist`);
      const connector = connectorFor(source);
      const changes = await connector.listChanges(source.cursor);
      if (source.cursor_catalog_version !== scan.catalog_version) {
        await this.addUnchangedFiles(scan.source_id, changes);
      }
      await this.store.recordCrawl(scan, changes, scan.catalog_version);
      this.log.log(
        `scan ${scanId}: ${changes.seen} spreadsheets, ${changes.upserts.length} to analyse, ${changes.deletions.length} deleted`,
      );
    }
    // Also the path of a retried crawl: re-adding pending work is idempotent (job ids).
    const pending = await this.store.pendingScanFiles(scanId);
    await this.queue.addBulk(
      'analyze',
      pending.map((f) => ({ scanId, sourceId: f.source_id, fileId: f.file_id, version: f.version })),
    );
    await this.queue.add('findings', { scanId, fileId: null, round: 'crawl' });
    await requestFinalize(this.store, this.queue, scanId);
  }

  async failed({ scanId }: JobPayloads['crawl'], error: Error): Promise<void> {
    await this.store.failScan(scanId, `crawl failed: ${error.message}`);
  }

  /** A new catalog version changes every match: unchanged files are analysed again too. */
  private async addUnchangedFiles(sourceId: string, changes: FileChanges): Promise<void> {
    const changed = new Set([...changes.upserts.map((f) => f.id), ...changes.deletions.map((f) => f.id)]);
    for (const f of await this.store.liveFiles(sourceId)) if (!changed.has(f.id)) changes.upserts.push(f);
    changes.upserts.sort((a, b) => a.path.localeCompare(b.path));
  }
}
