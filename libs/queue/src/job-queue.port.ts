import type { JobName, JobPayloads } from './jobs';
import type { JobRegistry } from './job-registry';

export const JOB_QUEUE = Symbol('JOB_QUEUE');

export interface QueueDefaults {
  attempts: number;
  backoffMs: number;
  keepCompleted: number;
  keepFailed: number;
}

export interface WorkOptions {
  concurrency: number;
}

/**
 * The queue as the pipeline sees it. Adapters: BullMQ (Redis, many processes) and inline (in-process,
 * for the CLI and tests). Adding a job whose id already exists is a no-op.
 */
export interface JobQueue {
  readonly driver: 'inline' | 'bullmq';
  add<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
  addBulk<N extends JobName>(name: N, payloads: Array<JobPayloads[N]>): Promise<void>;
  /** Start consuming every queue with the registry's handlers. */
  work(registry: JobRegistry, opts: WorkOptions): Promise<void>;
  /** Stop taking new jobs and wait for the active ones to finish. */
  close(): Promise<void>;
}
