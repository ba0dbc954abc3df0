import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import type { ResolvedCatalog } from '@shadowscan/domain';
import { CatalogSyncService } from '@shadowscan/pipeline';
import { distributedEnv, dropQueueKeys, startApi, waitFor, WorkerProcess } from './support/distributed';
import { createPgDatabase } from './support/services';
import { InlineHarness } from './support/scan-harness';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'shadowscan.js');
/** The catalog names its database by this variable; the test process and the CLI get it set. */
const VARIABLE = 'TEST_CATALOG_SYNC_CRM_URL';
const UNREACHABLE = 'postgres://reader:s3cret-pw@127.0.0.1:1/nowhere';

function fieldsOf(catalog: ResolvedCatalog | undefined, entity: string): string[] {
  const e = catalog?.systems.flatMap((s) => s.entities).find((x) => x.name === entity);
  return e?.fields.map((f) => f.name) ?? [];
}

/** A system of record in PostgreSQL (introspected) and a catalog file that points at it. */
async function systemOfRecord() {
  const db = await createPgDatabase();
  const sql = async (text: string) => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  await sql(`
    create table customer (customer_id text primary key, company_name text not null, country char(2));
    comment on column customer.company_name is 'Registered company name';
    insert into customer values ('C-1', 'Acme', 'FR'), ('C-2', 'Globex', 'DE'), ('C-3', 'Initech', 'GB');
    create table invoice (id serial primary key, customer_id text references customer (customer_id), amount numeric(12, 2));
    insert into invoice (customer_id, amount) values ('C-1', 10), ('C-2', 20.5);
  `);
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-catalog-sync-'));
  const file = path.join(dir, 'catalog.yaml');
  writeFileSync(path.join(dir, 'employees.csv'), 'employee_id,name,email\nE-1,Ana,ana@example.com\n');
  writeFileSync(
    file,
    [
      'systems:',
      '  - name: crm',
      `    connection: env:${VARIABLE}`,
      '    introspection: { sample_rows: 100, timeout_ms: 20000 }',
      '    entities:',
      '      - { name: customer, owner: sales-ops@example.com, criticality: high }',
      '  - name: hr',
      '    entities:',
      '      - { name: employee, key: [employee_id], sample: ./employees.csv }',
      '',
    ].join('\n'),
  );
  return {
    url: db.url,
    dir,
    file,
    sql,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    },
  };
}

type Sor = Awaited<ReturnType<typeof systemOfRecord>>;

const engines: Array<
  [string, () => Promise<{ db: { dataDir?: string; databaseUrl?: string }; drop(): Promise<void> }>]
> = [
  ['PGlite', async () => ({ db: { dataDir: 'memory://' }, drop: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const pg = await createPgDatabase();
      return { db: { databaseUrl: pg.url }, drop: pg.drop };
    },
  ],
];

describe.each(engines)('catalog sync, stored on %s', (_engine, makeStore) => {
  let sor: Sor;
  let harness: InlineHarness;
  let dropStore: () => Promise<void>;
  let catalogs: CatalogSyncService;

  beforeAll(async () => {
    sor = await systemOfRecord();
    process.env[VARIABLE] = sor.url;
    const s = await makeStore();
    dropStore = s.drop;
    harness = await InlineHarness.start(s.db);
    catalogs = harness.app.get(CatalogSyncService);
  });
  afterAll(async () => {
    delete process.env[VARIABLE];
    await harness?.close();
    await dropStore?.();
    await sor?.cleanup();
  });

  it('stores one version when nothing changed between two syncs, and says so', async () => {
    const first = await catalogs.sync(sor.file, { trigger: 'cli' });
    expect(first.result).toMatchObject({ catalog: sor.file, number: 1, changed: true, previous: undefined });
    expect(first.result.summary).toMatchObject({
      systems: [
        { name: 'crm', origin: 'postgres', connection: `env:${VARIABLE}`, entities: 2, fields: 6 },
        { name: 'hr', origin: 'file', entities: 1, fields: 3 },
      ],
      entities: 3,
      fields: 9,
    });
    const second = await catalogs.sync(sor.file, { trigger: 'cli' });
    expect(second.result).toMatchObject({
      number: 1,
      changed: false,
      version: first.result.version,
      previous: { number: 1, version: first.result.version },
    });
    const versions = await catalogs.versions({ catalog: sor.file });
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      number: 1,
      syncs: 2,
      systems: 2,
      entities: 3,
      fields: 9,
      syncedBy: 'cli',
    });
    expect(Date.parse(versions[0].syncedAt)).toBeGreaterThanOrEqual(Date.parse(versions[0].createdAt));
    // "From what": the file and extract hashes, and the database by its env reference — never its URL.
    expect(versions[0].origin).toMatchObject({
      file: sor.file,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      databases: [{ system: 'crm', connection: `env:${VARIABLE}` }],
      extracts: [{ path: path.join(sor.dir, 'employees.csv'), sha256: expect.any(String) }],
    });
    expect(JSON.stringify(versions)).not.toContain(sor.url);
  });

  it('stores a new version with the new field when an introspected table gains a column', async () => {
    await sor.sql(
      `alter table customer add column vat_number text; update customer set vat_number = 'FR' || customer_id`,
    );
    const { result } = await catalogs.sync(sor.file, { trigger: 'cli' });
    expect(result).toMatchObject({ number: 2, changed: true, previous: { number: 1 } });
    expect(result.summary.fields).toBe(10);
    const stored = await harness.store.getCatalog(result.version);
    expect(fieldsOf(stored, 'customer')).toContain('vat_number');
    const versions = await catalogs.versions({ catalog: sor.file });
    expect(versions.map((v) => v.number)).toEqual([2, 1]);
    expect(fieldsOf(await harness.store.getCatalog(versions[1].version), 'customer')).not.toContain(
      'vat_number',
    );
  });

  it('lets scans use the latest stored version until the catalog is synced (or its file changes)', async () => {
    await sor.sql(`alter table customer add column segment text`);
    const stored = await harness.scans.catalogForScan(sor.file);
    expect(stored).toMatchObject({ from: 'stored', number: 2 });
    expect(fieldsOf(stored.catalog, 'customer')).not.toContain('segment');

    const refreshed = await harness.scans.catalogForScan(sor.file, { refresh: true });
    expect(refreshed).toMatchObject({ from: 'synced', number: 3 });
    expect(fieldsOf(refreshed.catalog, 'customer')).toContain('segment');

    // An edited extract is seen at once, without a sync.
    writeFileSync(
      path.join(sor.dir, 'employees.csv'),
      'employee_id,name,email,phone\nE-1,Ana,ana@example.com,+33 1 23 45 67 89\n',
    );
    const edited = await harness.scans.catalogForScan(sor.file);
    expect(edited).toMatchObject({ from: 'synced', reason: 'inputs_changed', number: 4 });
    expect(fieldsOf(edited.catalog, 'employee')).toContain('phone');

    // And the scan itself runs against it.
    const ws = mkdtempSync(path.join(tmpdir(), 'ss-catalog-sync-ws-'));
    try {
      writeFileSync(
        path.join(ws, 'customers.csv'),
        'Customer ID,Company,Country\nC-1,Acme,FR\nC-2,Globex,DE\n',
      );
      await harness.scans.registerLocalSource('sync-ws', { root: ws });
      const scan = await harness.scans.startScan('sync-ws', edited.catalog.version);
      await harness.queue.onIdle();
      expect((await harness.store.scanProgress(scan.id))?.status).toBe('completed');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('runs as a sync-catalog job on the queue', async () => {
    await sor.sql(`alter table invoice add column due_on date`);
    const before = (await catalogs.versions({ catalog: sor.file }))[0];
    const { requestId, catalog } = await catalogs.requestSync(sor.file);
    expect(catalog).toBe(sor.file);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await harness.queue.onIdle();
    const after = (await catalogs.versions({ catalog: sor.file }))[0];
    expect(after).toMatchObject({ number: before.number + 1, syncedBy: 'job' });
    expect(fieldsOf(await harness.store.getCatalog(after.version), 'invoice')).toContain('due_on');
  });

  it('names the system when its database cannot be read, and stores nothing', async () => {
    await sor.sql(`alter table invoice add column paid_on date`);
    const before = await catalogs.versions({ catalog: sor.file });
    const catalogRows = await harness.store.db.selectFrom('catalogs').select('version').execute();
    process.env[VARIABLE] = UNREACHABLE;
    try {
      const err = await catalogs.sync(sor.file, { trigger: 'cli' }).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'catalog_introspection_failed' });
      expect((err as Error).message).toMatch(/System "crm"/);
      expect((err as Error).message).not.toContain('s3cret-pw');
    } finally {
      process.env[VARIABLE] = sor.url;
    }
    expect(await catalogs.versions({ catalog: sor.file })).toEqual(before);
    expect(await harness.store.db.selectFrom('catalogs').select('version').execute()).toHaveLength(
      catalogRows.length,
    );
  });
});

/** Runs the built CLI as a user would (`npm run build` first). */
function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('shadowscan catalog sync / list', () => {
  let sor: Sor;
  let db: string;

  beforeAll(async () => {
    sor = await systemOfRecord();
    db = path.join(sor.dir, 'db');
  });
  afterAll(async () => sor?.cleanup());

  it('syncs, keeps one version when nothing changed, and adds one when a column is added', async () => {
    const env = { [VARIABLE]: sor.url };
    const first = cli(['catalog', 'sync', '--catalog', sor.file, '--db', db], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/new version 1 \(first\)/);
    expect(first.stdout).toMatch(
      /systems +2: crm \(postgres via env:TEST_CATALOG_SYNC_CRM_URL, 2 entities, 6 fields\), hr \(file, 1 entities, 3 fields\)/,
    );
    expect(first.stdout).toMatch(/entities +3/);
    expect(first.stdout).toMatch(/fields +9/);

    const again = cli(['catalog', 'sync', '-c', sor.file, '--db', db, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      catalog: sor.file,
      number: 1,
      changed: false,
      summary: { entities: 3, fields: 9 },
    });

    await sor.sql(`alter table customer add column vat_number text`);
    const changed = JSON.parse(cli(['catalog', 'sync', '-c', sor.file, '--db', db, '--json'], env).stdout);
    expect(changed).toMatchObject({
      number: 2,
      changed: true,
      previous: { number: 1 },
      summary: { fields: 10 },
    });

    const list = cli(['catalog', 'list', '--db', db, '--json'], {});
    expect(list.code).toBe(0);
    expect(
      JSON.parse(list.stdout).map((v: { number: number; syncs: number }) => [v.number, v.syncs]),
    ).toEqual([
      [2, 1],
      [1, 2],
    ]);
    const human = cli(['catalog', 'list', '-c', sor.file, '--db', db], {});
    expect(human.stdout).toMatch(/v2 .*10 fields/);
  });

  it('exits 1 naming the system when its database cannot be read, leaving the versions as they were', () => {
    const r = cli(['catalog', 'sync', '--catalog', sor.file, '--db', db], { [VARIABLE]: UNREACHABLE });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^shadowscan: System "crm": cannot read the database behind env:TEST_CATALOG_SYNC_CRM_URL/,
    );
    expect(r.stderr).not.toContain('s3cret-pw');
    expect(r.stdout).toBe('');
    const list = JSON.parse(cli(['catalog', 'list', '-c', sor.file, '--db', db, '--json'], {}).stdout);
    expect(list.map((v: { number: number }) => v.number)).toEqual([2, 1]);
  });

  it('exits 2 with the variable named when the connection is not set', () => {
    const r = cli(['catalog', 'sync', '--catalog', sor.file, '--db', db], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TEST_CATALOG_SYNC_CRM_URL/);
  });

  it('lets a scan use the stored version without reading the database', () => {
    const ws = path.join(sor.dir, 'ws');
    mkdirSync(ws);
    writeFileSync(path.join(ws, 'customers.csv'), 'Customer ID,Company,Country\nC-1,Acme,FR\n');
    // The variable is unset: a scan that re-read the database would fail.
    const args = [
      'scan',
      ws,
      '--catalog',
      sor.file,
      '--db',
      db,
      '--out',
      path.join(sor.dir, 'report'),
      '--json',
    ];
    const r = cli(args, {});
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scan.catalog).toMatchObject({ number: 2, from: 'stored' });
    const forced = cli([...args, '--sync-catalog'], {});
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(/TEST_CATALOG_SYNC_CRM_URL/);
  });
});

describe('POST /catalogs/sync: the API queues a sync-catalog job, a BullMQ worker process runs it', () => {
  let sor: Sor;
  let pg: Awaited<ReturnType<typeof createPgDatabase>>;
  let env: Record<string, string>;
  let api: INestApplication;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    sor = await systemOfRecord();
    pg = await createPgDatabase();
    env = distributedEnv(pg.url);
    api = await startApi(env);
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await api?.close();
    await pg?.drop();
    if (env) await dropQueueKeys(env.SHADOWSCAN_QUEUE_PREFIX);
    await sor?.cleanup();
  });

  it('accepts a catalog file or a source, and the worker stores the version', async () => {
    const http = () => request(api.getHttpServer());
    const bad = await http().post('/catalogs/sync').send({}).expect(400);
    expect(bad.body.message).toMatch(/catalog.*source/);
    await http().post('/catalogs/sync').send({ source: 'nope' }).expect(404);
    const missing = await http()
      .post('/catalogs/sync')
      .send({ catalog: '/no/such/catalog.yaml' })
      .expect(400);
    expect(missing.body.code).toBe('catalog_invalid');

    const queued = await http().post('/catalogs/sync').send({ catalog: sor.file }).expect(202);
    expect(queued.body).toMatchObject({ catalog: sor.file, status: 'queued', requestId: expect.any(String) });
    worker = WorkerProcess.start(env, { [VARIABLE]: sor.url });
    const [v1] = await waitFor('the first version', async () => {
      const res = await http().get('/catalogs').query({ catalog: sor.file });
      return res.body.length > 0 && res.body;
    });
    expect(v1).toMatchObject({ catalog: sor.file, number: 1, entities: 3, fields: 9, syncedBy: 'job' });

    // A second request is a new job (not deduplicated away), and finds nothing new.
    await http().post('/catalogs/sync').send({ catalog: sor.file }).expect(202);
    const [again] = await waitFor('the second sync', async () => {
      const res = await http().get('/catalogs').query({ catalog: sor.file });
      return res.body[0]?.syncs === 2 && res.body;
    });
    expect(again).toMatchObject({ number: 1, syncs: 2 });

    const docs = await http().get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/catalogs', '/catalogs/sync']));
  });
});
