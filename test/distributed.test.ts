import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ShadowscanStore } from '@shadowscan/store';
import { findingDigest, InlineHarness } from './support/scan-harness';
import { createPgDatabase } from './support/services';
import { distributedEnv, dropQueueKeys, startApi, waitFor, WorkerProcess } from './support/distributed';

const EXAMPLES = path.join(__dirname, '..', 'examples');
const CATALOG = path.join(EXAMPLES, 'catalog.yaml');

jest.setTimeout(180_000);

/** The example workspace plus `extra` generated customer copies, so a scan takes a few seconds. */
function makeWorkspace(extra: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-dist-'));
  cpSync(path.join(EXAMPLES, 'workspace'), dir, { recursive: true });
  const customers = readFileSync(path.join(EXAMPLES, 'systems/crm/customers.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  mkdirSync(path.join(dir, 'Regions'), { recursive: true });
  for (let i = 0; i < extra; i++) {
    const rows: string[] = ['Cust No,Company,E-mail,Tel,Country,Segment,Region note'];
    for (let r = 0; r < 1500; r++) {
      const c = customers[(r * 7 + i) % customers.length].split(',');
      rows.push([c[0], c[1], c[2], c[3], c[4], c[5], `region ${i} row ${r}`].join(','));
    }
    writeFileSync(
      path.join(dir, 'Regions', `accounts region ${String(i).padStart(3, '0')}.csv`),
      rows.join('\n'),
    );
  }
  return dir;
}

async function inlineFindingsRaw(workspace: string, sourceName: string) {
  const inline = await InlineHarness.start({ dataDir: 'memory://' });
  try {
    await inline.scan(workspace, CATALOG, sourceName);
    return await inline.openFindings();
  } finally {
    await inline.close();
  }
}

async function inlineFindings(workspace: string, sourceName: string) {
  const inline = await InlineHarness.start({ dataDir: 'memory://' });
  try {
    await inline.scan(workspace, CATALOG, sourceName);
    return findingDigest(await inline.openFindings());
  } finally {
    await inline.close();
  }
}

describe('distributed: API + BullMQ worker processes + PostgreSQL', () => {
  let pg: Awaited<ReturnType<typeof createPgDatabase>>;
  let env: Record<string, string>;
  let api: INestApplication;
  const workers: WorkerProcess[] = [];
  const workspaces: string[] = [];

  beforeAll(async () => {
    pg = await createPgDatabase();
    env = distributedEnv(pg.url);
    api = await startApi(env);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await api?.close();
    await pg?.drop();
    if (env) await dropQueueKeys(env.SHADOWSCAN_QUEUE_PREFIX);
    workspaces.forEach((w) => rmSync(w, { recursive: true, force: true }));
  });

  async function startScan(name: string, root: string): Promise<string> {
    await request(api.getHttpServer())
      .post('/sources')
      .send({ name, kind: 'local', root, catalog: CATALOG })
      .expect(201);
    const res = await request(api.getHttpServer()).post('/scans').send({ source: name }).expect(202);
    return res.body.id as string;
  }

  async function progress(id: string) {
    return (await request(api.getHttpServer()).get(`/scans/${id}`).expect(200)).body;
  }

  async function apiFindings() {
    const store = api.get(ShadowscanStore);
    const page = await store.listFindings({ limit: 100_000 });
    return page.items.filter((f) => f.status !== 'resolved');
  }

  it('reaches the same findings as the inline run', async () => {
    const ws = makeWorkspace(0);
    workspaces.push(ws);
    const worker = WorkerProcess.start(env);
    workers.push(worker);
    const id = await startScan('examples', ws);
    const done = await waitFor('the scan to complete', async () => {
      const p = await progress(id);
      return p.status === 'completed' && p;
    });
    expect(done.files).toMatchObject({ seen: 9, analyzed: 9, failed: 0, pending: 0 });
    expect(done.progress).toBe(1);
    expect(findingDigest(await apiFindings())).toEqual(await inlineFindings(ws, 'examples'));

    const page = await request(api.getHttpServer())
      .get('/findings?kind=duplicate&limit=2&offset=0')
      .expect(200);
    expect(page.body.total).toBe(5);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items.every((f: { kind: string }) => f.kind === 'duplicate')).toBe(true);
    // Triage through the API: recorded with who and why, visible in the finding's history.
    const target = page.body.items[0];
    await request(api.getHttpServer())
      .patch(`/findings/${target.id}`)
      .send({ status: 'accepted_risk', reason: 'retired with the ERP upgrade', by: 'cfo@example.com' })
      .expect(400);
    const patched = await request(api.getHttpServer())
      .patch(`/findings/${target.id}`)
      .send({
        status: 'remediating',
        reason: 'moving it into the CRM',
        by: 'ana@example.com',
        owner: 'ana@example.com',
      })
      .expect(200);
    expect(patched.body).toMatchObject({ id: target.id, status: 'remediating', owner: 'ana@example.com' });
    const one = await request(api.getHttpServer()).get(`/findings/${target.id}`).expect(200);
    expect(one.body.history.map((e: { change: string }) => e.change)).toEqual(['created', 'triaged']);
    expect(one.body.history[1]).toMatchObject({
      actor: 'ana@example.com',
      from_status: 'open',
      to_status: 'remediating',
    });
    await request(api.getHttpServer()).get('/findings/nope').expect(404);

    // SIGTERM drains and closes; Nest then re-raises the signal, so the process ends by it, cleanly.
    const exit = await worker.kill('SIGTERM');
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(worker.stderr).not.toMatch(/error/i);
  });

  it('survives a worker killed with SIGKILL mid-scan: none lost, none doubled', async () => {
    const ws = makeWorkspace(60);
    workspaces.push(ws);
    const first = WorkerProcess.start(env, { SHADOWSCAN_WORKER_CONCURRENCY: '1' });
    workers.push(first);
    const id = await startScan('big', ws);
    const atKill = await waitFor('some files analysed', async () => {
      const p = await progress(id);
      return p.files.analyzed >= 5 && p;
    });
    await first.kill('SIGKILL');
    expect(atKill.status).toBe('running');
    expect(atKill.files.pending).toBeGreaterThan(0);

    const second = WorkerProcess.start(env, { SHADOWSCAN_WORKER_CONCURRENCY: '2' });
    workers.push(second);
    const done = await waitFor('the scan to complete after the kill', async () => {
      const p = await progress(id);
      return p.status === 'completed' && p;
    });
    expect(done.files).toMatchObject({ seen: 69, analyzed: 69, failed: 0, pending: 0 });

    const store = api.get(ShadowscanStore);
    const mine = (await apiFindings()).filter((f) => f.sourceId === done.sourceId);
    // None doubled: one finding per identity, and each created exactly once in the audit trail.
    expect(new Set(mine.map((f) => f.id)).size).toBe(mine.length);
    const created = await store.db
      .selectFrom('finding_events')
      .select(['finding_id'])
      .where('change', '=', 'created')
      .where(
        'finding_id',
        'in',
        mine.map((f) => f.id),
      )
      .execute();
    expect(created).toHaveLength(mine.length);
    // None lost: exactly what the uninterrupted inline pipeline finds in the same folder. Copy
    // clusters are left out: here they also span the first test's source, by design.
    const perFile = (fs: typeof mine) => findingDigest(fs.filter((f) => f.kind !== 'copy_cluster'));
    expect(perFile(mine)).toEqual(perFile((await inlineFindingsRaw(ws, 'big')) as typeof mine));
  });
});
