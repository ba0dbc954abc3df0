import { jobIdFor, PermanentJobError, type JobName, type JobPayloads } from './jobs';
import type { JobQueue, QueueDefaults, WorkOptions } from './job-queue.port';
import type { JobRegistry } from './job-registry';

interface Pending {
  id: string;
  name: JobName;
  payload: unknown;
  attempt: number;
  notBefore: number;
}

/**
 * Runs jobs in this process with the same contract as BullMQ (ids dedupe, attempts with exponential
 * backoff, a final `failed` call), so the CLI and tests exercise the real stage handlers without Redis.
 */
export class InlineJobQueue implements JobQueue {
  readonly driver = 'inline' as const;
  /** Jobs ready to run, first in first out; `head` is the next one (no shifting of a large array). */
  private ready: Pending[] = [];
  private head = 0;
  /** Retries waiting for their backoff; few at any time. */
  private readonly delayed: Pending[] = [];
  private readonly seen = new Set<string>();
  private registry: JobRegistry | null = null;
  private concurrency = 1;
  private active = 0;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  private readonly errors: Error[] = [];

  constructor(private readonly defaults: QueueDefaults) {}

  async add<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const id = jobIdFor(name, payload);
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.ready.push({ id, name, payload, attempt: 1, notBefore: 0 });
    this.pump();
  }

  async addBulk<N extends JobName>(name: N, payloads: Array<JobPayloads[N]>): Promise<void> {
    for (const p of payloads) await this.add(name, p);
  }

  async work(registry: JobRegistry, opts: WorkOptions): Promise<void> {
    this.registry = registry;
    this.concurrency = opts.concurrency;
    this.pump();
  }

  /** Resolves when nothing is waiting or running. */
  onIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Errors of jobs that failed for good, for callers that want to report them. */
  failures(): readonly Error[] {
    return this.errors;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.active > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private isIdle(): boolean {
    return this.active === 0 && this.head === this.ready.length && this.delayed.length === 0;
  }

  /**
   * Starts ready jobs up to the concurrency. Called on every add and every finished job, so it must not
   * grow with the backlog (a crawl adds thousands of jobs at once).
   */
  private pump(): void {
    if (!this.registry || this.closed) return;
    const now = Date.now();
    this.promoteDue(now);
    while (this.active < this.concurrency && this.head < this.ready.length) {
      const job = this.ready[this.head++];
      if (this.head > 1024 && this.head * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.head);
        this.head = 0;
      }
      this.active++;
      void this.run(job).finally(() => {
        this.active--;
        this.pump();
        if (this.isIdle()) this.idleWaiters.splice(0).forEach((r) => r());
      });
    }
    if (this.timer) clearTimeout(this.timer);
    const next = this.delayed.reduce((m, j) => Math.min(m, j.notBefore), Infinity);
    this.timer = next !== Infinity ? setTimeout(() => this.pump(), Math.max(0, next - now)) : null;
  }

  /** Retries whose backoff has passed join the end of the ready queue. */
  private promoteDue(now: number): void {
    for (let i = 0; i < this.delayed.length;) {
      if (this.delayed[i].notBefore <= now) this.ready.push(...this.delayed.splice(i, 1));
      else i++;
    }
  }

  private async run(job: Pending): Promise<void> {
    const handler = this.registry!.get(job.name);
    try {
      await handler.handle(job.payload as never, {
        attempt: job.attempt,
        maxAttempts: this.defaults.attempts,
      });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (!(err instanceof PermanentJobError) && job.attempt < this.defaults.attempts) {
        const delay = this.defaults.backoffMs * 2 ** (job.attempt - 1);
        this.delayed.push({ ...job, attempt: job.attempt + 1, notBefore: Date.now() + delay });
        return;
      }
      this.errors.push(err);
      await handler.failed?.(job.payload as never, err);
    }
  }
}
