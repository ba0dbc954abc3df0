import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { UnreadableFileError, type ResolvedCatalog, type SorEntity } from '@shadowscan/domain';
import type { OfficialLookup } from '@shadowscan/findings';
import type { AnalyzeFileInput, SummarisedResult } from './analyze-file';

/**
 * Threads for the CPU-bound part of the `analyze` stage (fingerprint → match → detect), so that one
 * process uses more than one core: the main thread keeps talking to the store and the sources while a
 * file is analysed. The catalog goes to each thread once per version; official rows for the
 * contradiction check are asked of the main thread. A thread that overruns the file's time cap (the
 * readers check it, but a thread stuck in one step cannot) is stopped and replaced, and the file is
 * reported as unreadable.
 */

/** What crosses to a thread: the analysis input without the objects that live on the main thread. */
export type ThreadInput = Omit<AnalyzeFileInput, 'catalog' | 'matcher' | 'lookupFor'>;

export interface WorkerJob {
  id: number;
  catalogVersion: string;
  /** Sent with the first job of a version for this thread. */
  catalog?: ResolvedCatalog;
  /** With the catalog: the entities (system.name) whose official rows can be looked up. */
  lookups?: string[];
  input: ThreadInput;
}

export type PoolRequest =
  | { type: 'analyze'; job: WorkerJob }
  | { type: 'lookup-answer'; lookupId: number; value?: unknown; error?: string };

export type PoolReply =
  | { type: 'done'; job: number; result: SummarisedResult }
  | { type: 'failed'; job: number; error: string }
  | { type: 'lookup'; job: number; lookupId: number; entity: SorEntity; keys: unknown[] };

export interface PoolTask {
  input: ThreadInput;
  catalogVersion: string;
  catalog: ResolvedCatalog;
  /** Entities (system.name) of the catalog whose official rows `lookupFor` can read. */
  lookups: string[];
  lookupFor(entity: SorEntity): Promise<OfficialLookup | null>;
}

interface Running {
  id: number;
  task: PoolTask;
  timer: NodeJS.Timeout;
  resolve(r: SummarisedResult): void;
  reject(e: Error): void;
}

class AnalysisThread {
  readonly worker: Worker;
  readonly versions = new Set<string>();
  running: Running | null = null;
  /** Stopped by the pool for overrunning the time cap. */
  overran = false;

  constructor(
    script: string,
    onReply: (t: AnalysisThread, r: PoolReply) => void,
    onExit: (t: AnalysisThread, why: string) => void,
  ) {
    this.worker = new Worker(script);
    this.worker.on('message', (r: PoolReply) => onReply(this, r));
    this.worker.on('error', (e) => onExit(this, e.message));
    this.worker.on('exit', (code) => onExit(this, `exited with code ${code}`));
    // An idle thread must not keep the process alive (it is ref'd while it works).
    this.worker.unref();
  }
}

/** Grace beyond the readers' own time cap before a thread is presumed stuck and replaced. */
export const STUCK_GRACE_MS = 10_000;

export class AnalysisPool {
  private readonly threads: AnalysisThread[] = [];
  private readonly queue: Array<Omit<Running, 'timer'>> = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly script: string,
    size: number,
    private readonly timeoutMs: number,
    private readonly graceMs = STUCK_GRACE_MS,
  ) {
    for (let i = 0; i < size; i++) this.threads.push(this.spawn());
  }

  /**
   * A pool of `threads` threads (default: one per core beyond the first, at most 4), or null when
   * analysis is to stay on the calling thread: 0 threads, or no compiled worker script (sources run
   * under ts-jest before a build).
   */
  static create(threads: number | undefined, timeoutMs: number): AnalysisPool | null {
    const size = threads ?? Math.min(4, availableParallelism() - 1);
    const script = workerScript();
    if (size <= 0 || !script) return null;
    return new AnalysisPool(script, size, timeoutMs);
  }

  get size(): number {
    return this.threads.length;
  }

  run(task: PoolTask): Promise<SummarisedResult> {
    if (this.closed) return Promise.reject(new Error('the analysis pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(new Error('the analysis pool is closed'));
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private spawn(): AnalysisThread {
    return new AnalysisThread(
      this.script,
      (t, r) => void this.onReply(t, r),
      (t, why) => this.onExit(t, why),
    );
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (thread.running || this.queue.length === 0) continue;
      const next = this.queue.shift()!;
      const { task } = next;
      const timer = setTimeout(() => {
        thread.overran = true;
        void thread.worker.terminate();
      }, this.timeoutMs + this.graceMs);
      thread.running = { ...next, timer };
      thread.worker.ref();
      const sendCatalog = !thread.versions.has(task.catalogVersion);
      thread.versions.add(task.catalogVersion);
      const job: WorkerJob = {
        id: next.id,
        catalogVersion: task.catalogVersion,
        catalog: sendCatalog ? task.catalog : undefined,
        lookups: sendCatalog ? task.lookups : undefined,
        input: task.input,
      };
      thread.worker.postMessage({ type: 'analyze', job } satisfies PoolRequest);
    }
  }

  private finish(thread: AnalysisThread): Running | null {
    const running = thread.running;
    if (!running) return null;
    clearTimeout(running.timer);
    thread.running = null;
    thread.worker.unref();
    return running;
  }

  private async onReply(thread: AnalysisThread, reply: PoolReply): Promise<void> {
    const running = thread.running;
    if (!running || running.id !== reply.job) return;
    if (reply.type === 'lookup') {
      const answer = (value: unknown) =>
        thread.worker.postMessage({
          type: 'lookup-answer',
          lookupId: reply.lookupId,
          value,
        } satisfies PoolRequest);
      try {
        const lookup = await running.task.lookupFor(reply.entity);
        const rows = lookup ? await lookup(reply.keys as Parameters<OfficialLookup>[0]) : new Map();
        answer([...rows]);
      } catch (e) {
        thread.worker.postMessage({
          type: 'lookup-answer',
          lookupId: reply.lookupId,
          error: (e as Error).message,
        } satisfies PoolRequest);
      }
      return;
    }
    this.finish(thread);
    if (reply.type === 'done') running.resolve(reply.result);
    else running.reject(new Error(`analysis of ${running.task.input.file} failed: ${reply.error}`));
    this.dispatch();
  }

  /**
   * A thread that died or was stopped is replaced. A file that overran the time cap is unreadable
   * (timeout); one whose thread crashed fails this attempt, and the job is retried.
   */
  private onExit(thread: AnalysisThread, why: string): void {
    const i = this.threads.indexOf(thread);
    if (i < 0) return;
    const running = this.finish(thread);
    if (this.closed) {
      running?.reject(new Error('the analysis pool is closed'));
      return;
    }
    this.threads[i] = this.spawn();
    if (running) {
      running.reject(
        thread.overran
          ? new UnreadableFileError(
              'timeout',
              `analysis did not finish within ${Math.round((this.timeoutMs + this.graceMs) / 1000)} s`,
            )
          : new Error(`the analysis thread stopped (${why}) while reading ${running.task.input.file}`),
      );
    }
    this.dispatch();
  }
}

/**
 * The compiled worker script beside this module; under ts-jest (a .ts module) the build's copy of
 * it, when there is one (`npm test` builds first).
 */
function workerScript(): string | null {
  const beside = path.join(__dirname, 'analysis.worker.js');
  if (existsSync(beside)) return beside;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const built = path.join(dir, 'dist', path.relative(dir, __dirname), 'analysis.worker.js');
      return existsSync(built) ? built : null;
    }
  }
  return null;
}
