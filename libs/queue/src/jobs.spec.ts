import { jobIdFor } from './jobs';

describe('jobIdFor sync-catalog', () => {
  const catalog = '/etc/shadowscan/catalog.yaml';

  it('gives one id per request, so a redelivered request runs once and a later one runs again', () => {
    const a = jobIdFor('sync-catalog', { catalog, requestId: 'r1' });
    expect(jobIdFor('sync-catalog', { catalog, requestId: 'r1' })).toBe(a);
    expect(jobIdFor('sync-catalog', { catalog, requestId: 'r2' })).not.toBe(a);
    expect(jobIdFor('sync-catalog', { catalog: '/other.yaml', requestId: 'r1' })).not.toBe(a);
  });

  it('is a valid BullMQ custom id (no ":")', () => {
    expect(jobIdFor('sync-catalog', { catalog: 'C:/a:b.yaml', requestId: 'x:y' })).toMatch(
      /^sync-catalog-[0-9a-f]{20}$/,
    );
  });
});
