import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobHandler, JobPayloads } from '@shadowscan/queue';
import { ShadowscanStore } from '@shadowscan/store';
import { DeliveryRequests } from './delivery.requests';
import { FINDINGS_SINK, type FindingsSink } from './findings-sink.port';

/** Changes per delivery (one webhook call). */
const DELIVERY_BATCH = 500;

/**
 * findings: deliver the finding changes the scan recorded and nobody delivered yet, oldest first, then
 * mark them delivered. The job of one analysis (or of a crawl's deletions) also takes the changes of
 * others waiting, so a scan of many files makes few deliveries, and the jobs that follow find nothing
 * left. The changes were written in the analysis transaction, so none is lost if a worker dies between
 * the commit and the delivery; at worst some are delivered twice (each carries its `seq`, and a batch
 * its idempotency key): after a crash, or by two worker processes at once.
 */
@Injectable()
export class FindingsStage implements JobHandler<'findings'> {
  readonly job = 'findings' as const;

  constructor(
    private readonly store: ShadowscanStore,
    @Inject(FINDINGS_SINK) private readonly sink: FindingsSink,
    private readonly requests: DeliveryRequests,
  ) {}

  /** Deliveries of one scan in this process run one after another, so two jobs never send the same changes. */
  private readonly delivering = new Map<string, Promise<void>>();

  async handle({ scanId }: JobPayloads['findings']): Promise<void> {
    const previous = this.delivering.get(scanId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.deliverWaiting(scanId));
    this.delivering.set(scanId, run);
    try {
      await run;
    } finally {
      if (this.delivering.get(scanId) === run) this.delivering.delete(scanId);
    }
  }

  private async deliverWaiting(scanId: string): Promise<void> {
    this.requests.starting(scanId);
    for (;;) {
      const events = await this.store.undeliveredEvents(scanId, DELIVERY_BATCH);
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
      if (events.length < DELIVERY_BATCH) return;
    }
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
