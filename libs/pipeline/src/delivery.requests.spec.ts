import type { JobQueue } from '@shadowscan/queue';
import type { ShadowscanStore } from '@shadowscan/store';
import { DeliveryRequests } from './delivery.requests';
import { FindingsStage } from './findings.stage';

const queueOf = (driver: JobQueue['driver']) => ({ driver }) as JobQueue;

describe('DeliveryRequests', () => {
  it('with the in-process queue, asks for one job per scan until that job starts reading', () => {
    const r = new DeliveryRequests(queueOf('inline'));
    expect(r.needsJob('s1')).toBe(true);
    expect(r.needsJob('s1')).toBe(false);
    expect(r.needsJob('s2')).toBe(true);
    r.starting('s1');
    // Changes committed after the job started reading are not seen by it: they need a job of their own.
    expect(r.needsJob('s1')).toBe(true);
    expect(r.needsJob('s2')).toBe(false);
  });

  it('asks again when adding the job failed', () => {
    const r = new DeliveryRequests(queueOf('inline'));
    expect(r.needsJob('s1')).toBe(true);
    r.failed('s1');
    expect(r.needsJob('s1')).toBe(true);
  });

  it('with BullMQ, where another process may run the job, always asks for one', () => {
    const r = new DeliveryRequests(queueOf('bullmq'));
    expect(r.needsJob('s1')).toBe(true);
    expect(r.needsJob('s1')).toBe(true);
  });
});

describe('a findings job and the delivery requests', () => {
  /** An in-process store with `waiting` undelivered changes of scan s1, read in batches. */
  function setup(waiting: number) {
    const log: string[] = [];
    let left = waiting;
    const requests = new DeliveryRequests(queueOf('inline'));
    const store = {
      undeliveredEvents: async (_scan: string, limit: number) => {
        // What an analysis committing now would be told: does it need a job of its own?
        log.push(`read (a new change would ${requests.needsJob('s1') ? '' : 'not '}add a job)`);
        requests.failed('s1'); // undo the probe's mark
        const n = Math.min(left, limit);
        left -= n;
        return Array.from({ length: n }, (_, i) => ({ seq: i + 1 }) as never);
      },
      markDelivered: async () => undefined,
    } as unknown as ShadowscanStore;
    const sink = { deliver: async () => void log.push('deliver') };
    return { log, requests, stage: new FindingsStage(store, sink, requests) };
  }

  it('clears the waiting mark before it reads, so a change committed after the read gets its own job', async () => {
    const { log, requests, stage } = setup(3);
    expect(requests.needsJob('s1')).toBe(true);
    expect(requests.needsJob('s1')).toBe(false);
    await stage.handle({ scanId: 's1', fileId: 'f1' });
    expect(log).toEqual(['read (a new change would add a job)', 'deliver']);
    expect(requests.needsJob('s1')).toBe(true);
  });
});
