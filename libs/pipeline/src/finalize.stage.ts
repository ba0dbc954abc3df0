import { Inject, Injectable, Logger } from '@nestjs/common';
import { detectCopyClusters } from '@shadowscan/findings';
import { JOB_QUEUE, type JobHandler, type JobPayloads, type JobQueue } from '@shadowscan/queue';
import { ShadowscanStore } from '@shadowscan/store';

/**
 * finalize: the cross-file work that needs every file of the scan done — copy clusters over all live
 * files of all sources — then the scan is completed and the changes are delivered.
 */
@Injectable()
export class FinalizeStage implements JobHandler<'finalize'> {
  readonly job = 'finalize' as const;
  private readonly log = new Logger(FinalizeStage.name);

  constructor(
    private readonly store: ShadowscanStore,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  async handle({ scanId }: JobPayloads['finalize']): Promise<void> {
    const scan = await this.store.getScan(scanId);
    if (scan?.status !== 'finalizing') return;
    const tables = await this.store.liveTableSignatures();
    const clusters = detectCopyClusters(
      tables.map((t) => ({
        sourceId: t.source_id,
        sourceName: t.source_name,
        file: t.path,
        sheet: t.sheet,
        range: t.range,
        rows: t.rows,
        schemaHash: t.schema_hash,
        contentHash: t.content_hash,
        sketch: t.sketch,
        modifiedAt: new Date(t.modified_at).toISOString(),
        lastModifiedBy: t.last_modified_by,
      })),
    );
    await this.store.reconcileCopyClusters(scanId, clusters);
    await this.store.reopenExpiredRisks(scanId);
    await this.store.finishScan(scanId);
    await this.queue.add('findings', { scanId, fileId: null, round: 'finalize' });
    this.log.log(`scan ${scanId} completed: ${clusters.length} copy cluster(s)`);
  }

  async failed({ scanId }: JobPayloads['finalize'], error: Error): Promise<void> {
    await this.store.failScan(scanId, `finalize failed: ${error.message}`);
  }
}
