import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createPgDatabase } from './support/services';
import { distributedEnv, dropQueueKeys, startApi } from './support/distributed';

jest.setTimeout(60_000);

describe('API', () => {
  let pg: Awaited<ReturnType<typeof createPgDatabase>>;
  let env: Record<string, string>;
  let api: INestApplication;

  beforeAll(async () => {
    pg = await createPgDatabase();
    env = distributedEnv(pg.url);
    api = await startApi(env);
  });
  afterAll(async () => {
    await api?.close();
    await pg?.drop();
    if (env) await dropQueueKeys(env.SHADOWSCAN_QUEUE_PREFIX);
  });

  it('reports PostgreSQL and Redis as up on /health', async () => {
    const res = await request(api.getHttpServer()).get('/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: { database: { engine: 'postgres', status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('answers 503 naming Redis when Redis is unreachable', async () => {
    const broken = await startApi({ ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await request(broken.getHttpServer()).get('/health').expect(503);
      expect(res.body).toMatchObject({
        status: 'degraded',
        checks: { database: { status: 'up' }, redis: { status: 'down' } },
      });
    } finally {
      await broken.close();
    }
  });

  it('serves the OpenAPI document at /docs', async () => {
    const res = await request(api.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/scans', '/scans/{id}', '/findings', '/health', '/sources']),
    );
  });

  it('rejects a bad scan request with the field named', async () => {
    const res = await request(api.getHttpServer()).post('/scans').send({ sorce: 'x' }).expect(400);
    expect(res.body.message).toMatch(/source/);
  });

  it('answers 404 with a code for an unknown source or scan', async () => {
    const res = await request(api.getHttpServer()).post('/scans').send({ source: 'nope' }).expect(404);
    expect(res.body.code).toBe('source_not_found');
    await request(api.getHttpServer()).get('/scans/00000000-0000-0000-0000-000000000000').expect(404);
  });

  it('validates finding filters', async () => {
    const res = await request(api.getHttpServer()).get('/findings?kind=rumour').expect(400);
    expect(res.body.message).toMatch(/kind/);
    const ok = await request(api.getHttpServer()).get('/findings?limit=5').expect(200);
    expect(ok.body).toEqual({ total: 0, items: [], limit: 5, offset: 0 });
  });

  it('refuses to register a source whose folder does not exist', async () => {
    const res = await request(api.getHttpServer())
      .post('/sources')
      .send({ name: 'ghost', kind: 'local', root: '/definitely/not/here' })
      .expect(400);
    expect(res.body.message).toMatch(/not\/here/);
  });
});
