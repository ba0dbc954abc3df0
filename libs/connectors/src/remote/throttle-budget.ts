/**
 * The request budget of one tenant (a Microsoft 365 tenant, a Google Workspace domain), shared by
 * every connector instance in the process: throttling answers slow the whole tenant down instead of
 * failing a scan.
 *
 * - concurrency adapts (AIMD, as TCP does): a throttled answer cuts the number of requests in flight
 *   by a quarter (at most once a second: the answers to requests already in flight say nothing new),
 *   each run of successes adds one back, up to `maxConcurrency`;
 * - the throttled request itself waits Retry-After (or an exponential backoff) before it retries;
 * - once concurrency is already at its floor and the service still throttles, the whole tenant pauses
 *   for Retry-After, as the Graph guidance asks (https://learn.microsoft.com/graph/throttling).
 */
export interface BudgetOptions {
  maxConcurrency: number;
  /** Give up on one request after waiting this long in total (the job then retries; the cursor has not moved). */
  maxWaitMs: number;
}

export interface BudgetStats {
  requests: number;
  throttled: number;
  waitedMs: number;
  concurrency: number;
}

/** What a throttled attempt tells the budget: how long the service asked to wait, if it said. */
export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | null,
    message: string,
  ) {
    super(message);
  }
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 60_000;
const DECREASE_INTERVAL_MS = 1_000;

export class ThrottleBudget {
  private limit: number;
  private inFlight = 0;
  private okStreak = 0;
  private pausedUntil = 0;
  private lastDecrease = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly counters = { requests: 0, throttled: 0, waitedMs: 0 };

  constructor(
    readonly key: string,
    private opts: BudgetOptions,
  ) {
    this.limit = opts.maxConcurrency;
  }

  /** A later registration may raise the ceiling (two sources on one tenant with different settings). */
  widen(opts: BudgetOptions): void {
    this.opts = {
      maxConcurrency: Math.max(this.opts.maxConcurrency, opts.maxConcurrency),
      maxWaitMs: Math.max(this.opts.maxWaitMs, opts.maxWaitMs),
    };
  }

  stats(): BudgetStats {
    return { ...this.counters, concurrency: this.limit };
  }

  /**
   * Runs `attempt` within the budget, retrying it while it throws ThrottledError. Any other error is
   * the caller's to handle.
   */
  async run<T>(attempt: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let n = 0; ; n++) {
      await this.acquire();
      let throttled: ThrottledError;
      try {
        this.counters.requests++;
        const result = await attempt();
        this.release(true);
        return result;
      } catch (e) {
        if (!(e instanceof ThrottledError)) {
          this.release(true);
          throw e;
        }
        throttled = e;
        this.release(false, e.retryAfterMs);
      }
      const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** n) * (0.5 + Math.random() / 2);
      const wait = throttled.retryAfterMs ?? backoff;
      if (Date.now() + wait - started > this.opts.maxWaitMs) {
        throw new Error(
          `${this.key}: still throttled after ${Math.round((Date.now() - started) / 1000)} s (${throttled.message}); the job will retry later`,
        );
      }
      this.counters.waitedMs += wait;
      await sleep(wait);
    }
  }

  private async acquire(): Promise<void> {
    for (;;) {
      const pause = this.pausedUntil - Date.now();
      if (pause > 0) {
        await sleep(pause);
        continue;
      }
      if (this.inFlight < this.limit) {
        this.inFlight++;
        return;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private release(ok: boolean, retryAfterMs?: number | null): void {
    this.inFlight--;
    if (ok) {
      if (++this.okStreak >= this.limit && this.limit < this.opts.maxConcurrency) {
        this.limit++;
        this.okStreak = 0;
      }
    } else {
      this.counters.throttled++;
      this.okStreak = 0;
      if (this.limit <= 1 && retryAfterMs) {
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + retryAfterMs);
      }
      if (Date.now() - this.lastDecrease >= DECREASE_INTERVAL_MS) {
        this.limit = Math.max(1, Math.floor(this.limit * 0.75));
        this.lastDecrease = Date.now();
      }
    }
    // Wake everyone: each waiter re-checks the (possibly lower) limit and the pause.
    this.waiters.splice(0).forEach((w) => w());
  }
}

const budgets = new Map<string, ThrottleBudget>();

/** The process-wide budget of a tenant. */
export function tenantBudget(key: string, opts: BudgetOptions): ThrottleBudget {
  let b = budgets.get(key);
  if (!b) budgets.set(key, (b = new ThrottleBudget(key, opts)));
  else b.widen(opts);
  return b;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/**
 * A connection that broke under the request (a keep-alive socket the server closed as it was reused, a
 * reset): safe to retry for the GETs connectors make.
 */
export function isTransientNetworkError(e: unknown): boolean {
  let cur: unknown = e;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 4; depth++) {
    const x = cur as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && TRANSIENT_CODES.has(x.code)) return true;
    if (typeof x.message === 'string' && /socket hang up|other side closed/i.test(x.message)) return true;
    cur = x.cause;
  }
  return false;
}

/** Retries `fn` a few times when the network broke under it (downloads restart from the beginning). */
export async function retryTransient<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || !isTransientNetworkError(e)) throw e;
      await sleep(100 * 2 ** i);
    }
  }
}
