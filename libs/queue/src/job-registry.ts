import { JOB_NAMES, type JobName, type JobPayloads } from './jobs';

export interface JobContext {
  attempt: number;
  maxAttempts: number;
}

export interface JobHandler<N extends JobName = JobName> {
  readonly job: N;
  handle(payload: JobPayloads[N], ctx: JobContext): Promise<void>;
  /** Called once when the job has failed for good (attempts exhausted or a permanent error). */
  failed?(payload: JobPayloads[N], error: Error): Promise<void>;
}

/**
 * Maps every job name to exactly one handler. Built at boot, so a job nobody handles (or two
 * handlers racing for one) stops the process before it takes traffic.
 */
export class JobRegistry {
  private constructor(private readonly handlers: Map<JobName, JobHandler>) {}

  static from(handlers: JobHandler[]): JobRegistry {
    const byName = new Map<JobName, JobHandler[]>();
    for (const h of handlers) byName.set(h.job, [...(byName.get(h.job) ?? []), h]);
    const problems: string[] = [];
    for (const name of JOB_NAMES) {
      const hs = byName.get(name) ?? [];
      if (hs.length === 0) problems.push(`job "${name}" has no handler`);
      if (hs.length > 1)
        problems.push(
          `job "${name}" has ${hs.length} handlers (${hs.map((h) => h.constructor.name).join(', ')})`,
        );
    }
    for (const name of byName.keys()) {
      if (!(JOB_NAMES as readonly string[]).includes(name))
        problems.push(`handler for unknown job "${name}"`);
    }
    if (problems.length) throw new Error(`Job registry is invalid: ${problems.join('; ')}`);
    return new JobRegistry(new Map([...byName].map(([k, v]) => [k, v[0]])));
  }

  get<N extends JobName>(name: N): JobHandler<N> {
    const h = this.handlers.get(name);
    if (!h) throw new Error(`no handler for job "${name}"`);
    return h as unknown as JobHandler<N>;
  }
}
