import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { JOB_NAMES, jobIdFor, PermanentJobError, type JobName, type JobPayloads } from './jobs';
import type { JobQueue, QueueDefaults, WorkOptions } from './job-queue.port';
import type { JobRegistry } from './job-registry';

export interface BullmqOptions extends QueueDefaults {
  redisUrl: string;
  prefix: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/** One BullMQ queue per job name; producers (the API) only add, consumers (workers) also `work`. */
export class BullmqJobQueue implements JobQueue {
  readonly driver = 'bullmq' as const;
  private readonly connection: ConnectionOptions;
  private readonly queues = new Map<JobName, Queue>();
  private readonly workers: Worker[] = [];

  constructor(private readonly opts: BullmqOptions) {
    const u = new URL(opts.redisUrl);
    this.connection = {
      host: u.hostname,
      port: Number(u.port || 6379),
      username: u.username || undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
      tls: u.protocol === 'rediss:' ? {} : undefined,
      // Workers must wait for Redis rather than fail a job mid-flight when it blips.
      maxRetriesPerRequest: null,
    };
  }

  private queue(name: JobName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: this.connection,
        prefix: this.opts.prefix,
        defaultJobOptions: {
          attempts: this.opts.attempts,
          backoff: { type: 'exponential', delay: this.opts.backoffMs },
          removeOnComplete: { count: this.opts.keepCompleted },
          removeOnFail: { count: this.opts.keepFailed },
        },
      });
      // Without a listener an unreachable Redis would surface as an unhandled 'error' event.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    await this.queue(name).add(name, payload, { jobId: jobIdFor(name, payload) });
  }

  async addBulk<N extends JobName>(name: N, payloads: Array<JobPayloads[N]>): Promise<void> {
    const q = this.queue(name);
    for (let i = 0; i < payloads.length; i += 500) {
      await q.addBulk(
        payloads.slice(i, i + 500).map((data) => ({ name, data, opts: { jobId: jobIdFor(name, data) } })),
      );
    }
  }

  async work(registry: JobRegistry, opts: WorkOptions): Promise<void> {
    for (const name of JOB_NAMES) {
      const handler = registry.get(name);
      const worker = new Worker(
        name,
        async (job) => {
          try {
            await handler.handle(job.data, {
              attempt: job.attemptsMade + 1,
              maxAttempts: job.opts.attempts ?? 1,
            });
          } catch (err) {
            if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
            throw err;
          }
        },
        {
          connection: this.connection,
          prefix: this.opts.prefix,
          concurrency: opts.concurrency,
          lockDuration: this.opts.lockDurationMs,
          stalledInterval: this.opts.stalledIntervalMs,
        },
      );
      worker.on('failed', (job, err) => {
        if (!job) return;
        const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
        if (final) void handler.failed?.(job.data, err).catch(() => undefined);
      });
      // An 'error' listener keeps a Redis hiccup from becoming an unhandled 'error' event.
      worker.on('error', () => undefined);
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  /** Counts of waiting + active + delayed jobs across all queues (for health and tests). */
  async backlog(): Promise<number> {
    let n = 0;
    for (const name of JOB_NAMES) {
      const c = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      n += Object.values(c).reduce((a, b) => a + b, 0);
    }
    return n;
  }

  /** Fails within `timeoutMs` when Redis does not answer (the workers themselves wait for it forever). */
  async ping(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.queue('crawl').getJobCounts('waiting'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    // Workers first: close() waits for active jobs, which is the graceful drain on SIGTERM.
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
