import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobHandler, JobPayloads } from '@shadowscan/queue';
import { ShadowscanStore } from '@shadowscan/store';
import { FINDINGS_SINK, type FindingsSink } from './findings-sink.port';

/**
 * findings: deliver the changes one analysis (or a crawl's deletions) recorded, then mark them
 * delivered. The changes were written in the analysis transaction, so none is lost if a worker dies
 * between the commit and the delivery; at worst one is delivered twice.
 */
@Injectable()
export class FindingsStage implements JobHandler<'findings'> {
  readonly job = 'findings' as const;

  constructor(
    private readonly store: ShadowscanStore,
    @Inject(FINDINGS_SINK) private readonly sink: FindingsSink,
  ) {}

  async handle({ scanId, fileId }: JobPayloads['findings']): Promise<void> {
    const events = await this.store.undeliveredEvents(scanId, fileId);
    if (events.length === 0) return;
    await this.sink.deliver(
      scanId,
      events.map((e) => ({
        seq: Number(e.seq),
        findingId: e.finding_id,
        change: e.change,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        kind: e.kind,
        file: e.file,
        system: e.system,
        entity: e.entity,
        severity: e.severity,
      })),
    );
    await this.store.markDelivered(events.map((e) => Number(e.seq)));
  }
}

/** The default sink: a log line per batch (counts, never evidence). */
@Injectable()
export class LogFindingsSink implements FindingsSink {
  private readonly log = new Logger('Findings');

  async deliver(scanId: string, changes: Parameters<FindingsSink['deliver']>[1]): Promise<void> {
    const byChange = new Map<string, number>();
    for (const c of changes)
      byChange.set(`${c.change} ${c.kind}`, (byChange.get(`${c.change} ${c.kind}`) ?? 0) + 1);
    this.log.log(`scan ${scanId}: ${[...byChange].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  }
}
