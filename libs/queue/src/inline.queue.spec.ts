import { InlineJobQueue } from './inline.queue';
import { JobRegistry, type JobHandler } from './job-registry';
import { PermanentJobError, type JobName, type JobPayloads } from './jobs';

const defaults = { attempts: 3, backoffMs: 1, keepCompleted: 10, keepFailed: 10 };

function handlers(
  over: Partial<Record<JobName, JobHandler['handle']>>,
  failed?: JobHandler['failed'],
): JobHandler[] {
  const names: JobName[] = ['crawl', 'analyze', 'finalize', 'findings', 'sync-catalog'];
  return names.map((job) => ({ job, handle: over[job] ?? (async () => undefined), failed }));
}

describe('JobRegistry', () => {
  it('refuses a job with no handler', () => {
    expect(() => JobRegistry.from(handlers({}).filter((h) => h.job !== 'findings'))).toThrow(
      /job "findings" has no handler/,
    );
  });

  it('refuses a job with two handlers', () => {
    const hs = handlers({});
    expect(() => JobRegistry.from([...hs, hs[0]])).toThrow(/job "crawl" has 2 handlers/);
  });
});

describe('InlineJobQueue', () => {
  it('runs each job id once, however often it is added', async () => {
    const seen: string[] = [];
    const q = new InlineJobQueue(defaults);
    await q.work(
      JobRegistry.from(handlers({ crawl: async (p) => void seen.push((p as JobPayloads['crawl']).scanId) })),
      { concurrency: 2 },
    );
    await q.add('crawl', { scanId: 's1' });
    await q.add('crawl', { scanId: 's1' });
    await q.addBulk('crawl', [{ scanId: 's2' }, { scanId: 's1' }]);
    await q.onIdle();
    expect(seen.sort()).toEqual(['s1', 's2']);
  });

  it('retries a failing job with backoff, then reports the final failure once', async () => {
    let calls = 0;
    const failed = jest.fn(async () => undefined);
    const q = new InlineJobQueue(defaults);
    await q.work(
      JobRegistry.from(
        handlers(
          {
            crawl: async () => {
              calls++;
              throw new Error('redis away');
            },
          },
          failed,
        ),
      ),
      { concurrency: 1 },
    );
    await q.add('crawl', { scanId: 's1' });
    await q.onIdle();
    expect(calls).toBe(3);
    expect(failed).toHaveBeenCalledTimes(1);
    expect(q.failures().map((e) => e.message)).toEqual(['redis away']);
  });

  it('does not retry a permanent error', async () => {
    let calls = 0;
    const q = new InlineJobQueue(defaults);
    await q.work(
      JobRegistry.from(
        handlers({
          crawl: async () => {
            calls++;
            throw new PermanentJobError('scan not found');
          },
        }),
      ),
      { concurrency: 1 },
    );
    await q.add('crawl', { scanId: 'x' });
    await q.onIdle();
    expect(calls).toBe(1);
  });

  it('lets a handler enqueue follow-up jobs and waits for them', async () => {
    const done: string[] = [];
    const q = new InlineJobQueue(defaults);
    await q.work(
      JobRegistry.from(
        handlers({
          crawl: async (p) => {
            const scanId = (p as JobPayloads['crawl']).scanId;
            await q.addBulk(
              'analyze',
              [1, 2, 3].map((i) => ({ scanId, sourceId: 'src', fileId: `f${i}`, version: 'v1' })),
            );
          },
          analyze: async (p) => {
            await new Promise((r) => setTimeout(r, 5));
            done.push((p as JobPayloads['analyze']).fileId);
          },
        }),
      ),
      { concurrency: 2 },
    );
    await q.add('crawl', { scanId: 's' });
    await q.onIdle();
    expect(done.sort()).toEqual(['f1', 'f2', 'f3']);
  });
});
