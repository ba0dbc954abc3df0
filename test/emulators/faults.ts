import { mulberry32 } from './tenant';

/** What an emulator does to requests: latency, and throttling answers on a share of them. */
export interface FaultOptions {
  latencyMs?: number;
  /** Share of requests (0..1) answered with a throttling status. */
  throttleRate?: number;
  /** Retry-After seconds sent with a throttling answer (0 = send `Retry-After: 0`; null = no header). */
  retryAfterSec?: number | null;
  seed?: number;
}

export class Faults {
  latencyMs: number;
  throttleRate: number;
  retryAfterSec: number | null;
  readonly counts = { requests: 0, throttled: 0 };
  private readonly rand: () => number;

  constructor(opts: FaultOptions = {}) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.throttleRate = opts.throttleRate ?? 0;
    this.retryAfterSec = opts.retryAfterSec === undefined ? 1 : opts.retryAfterSec;
    this.rand = mulberry32(opts.seed ?? 7);
  }

  set(opts: FaultOptions): void {
    if (opts.latencyMs !== undefined) this.latencyMs = opts.latencyMs;
    if (opts.throttleRate !== undefined) this.throttleRate = opts.throttleRate;
    if (opts.retryAfterSec !== undefined) this.retryAfterSec = opts.retryAfterSec;
  }

  async delay(): Promise<void> {
    this.counts.requests++;
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
  }

  /** True when this request is to be throttled. */
  throttle(): boolean {
    const hit = this.throttleRate > 0 && this.rand() < this.throttleRate;
    if (hit) this.counts.throttled++;
    return hit;
  }

  pick<T>(options: T[]): T {
    return options[Math.floor(this.rand() * options.length)];
  }
}
