import { Inject, Injectable } from '@nestjs/common';
import { JOB_QUEUE, type JobQueue } from '@shadowscan/queue';

/**
 * Which scans have a findings delivery job that this process added and that has not started reading
 * yet. Only with the in-process queue, where the process that adds a job is the one that runs it: such
 * a job delivers every change of its scan waiting when it starts, so an analysis that committed its
 * changes before then needs no job of its own. Without this, a scan of 5,000 files queued 5,000
 * deliveries, each a query, of which a handful found anything to deliver. With BullMQ another process
 * may run the job, so every analysis that recorded changes adds one, as before.
 */
@Injectable()
export class DeliveryRequests {
  private readonly waiting = new Set<string>();

  constructor(@Inject(JOB_QUEUE) private readonly queue: JobQueue) {}

  /**
   * Whether changes just committed to this scan need a findings job added; if so, the caller adds it
   * (and calls `failed` if adding fails).
   */
  needsJob(scanId: string): boolean {
    if (this.queue.driver !== 'inline') return true;
    if (this.waiting.has(scanId)) return false;
    this.waiting.add(scanId);
    return true;
  }

  /** Adding the job failed: the next changes must try again. */
  failed(scanId: string): void {
    this.waiting.delete(scanId);
  }

  /** A findings job of this scan is about to read the waiting changes: later ones need a new job. */
  starting(scanId: string): void {
    this.waiting.delete(scanId);
  }
}
