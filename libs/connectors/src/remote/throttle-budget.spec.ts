import { parseRetryAfter, ThrottleBudget, ThrottledError } from './throttle-budget';

describe('ThrottleBudget', () => {
  it('retries throttled attempts after Retry-After and lowers the concurrency, without failing', async () => {
    const budget = new ThrottleBudget('t', { maxConcurrency: 8, maxWaitMs: 10_000 });
    let calls = 0;
    const result = await budget.run(async () => {
      if (++calls < 3) throw new ThrottledError(429, 10, 'HTTP 429');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(budget.stats()).toMatchObject({ requests: 3, throttled: 2, waitedMs: 20, concurrency: 6 });
  });

  it('never runs more requests at once than its concurrency', async () => {
    const budget = new ThrottleBudget('t', { maxConcurrency: 3, maxWaitMs: 10_000 });
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        budget.run(async () => {
          peak = Math.max(peak, ++active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('passes other errors through and gives up on a request throttled for too long', async () => {
    const budget = new ThrottleBudget('t', { maxConcurrency: 2, maxWaitMs: 50 });
    await expect(budget.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      budget.run(async () => {
        throw new ThrottledError(503, 40, 'HTTP 503');
      }),
    ).rejects.toThrow(/still throttled/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
  });
});
