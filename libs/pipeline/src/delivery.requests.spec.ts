import type { JobQueue } from '@shadowscan/queue';
import { DeliveryRequests } from './delivery.requests';

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
