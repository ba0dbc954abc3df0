import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { createPgDatabase } from './support/services';
import { InlineHarness } from './support/scan-harness';

jest.setTimeout(120_000);

const EXAMPLES = path.join(__dirname, '..', 'examples');

/**
 * A system of record that is a live PostgreSQL database (introspected, no extract): the sheet's keys
 * are looked up there in batches, and the same drifted cells are found as against the CSV extract.
 */
describe('contradictions against a PostgreSQL system of record', () => {
  let crm: Awaited<ReturnType<typeof createPgDatabase>>;
  let dir: string;
  let h: InlineHarness;

  beforeAll(async () => {
    crm = await createPgDatabase();
    const db = new Client({ connectionString: crm.url });
    await db.connect();
    await db.query(`create table customer (
      customer_id text primary key, company_name text not null, contact_email text, phone text, country text,
      segment text, account_manager text, credit_limit numeric, created_on date)`);
    const [header, ...rows] = readFileSync(path.join(EXAMPLES, 'systems/crm/customers.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(header.split(',')).toHaveLength(9);
    for (const r of rows)
      await db.query('insert into customer values ($1,$2,$3,$4,$5,$6,$7,$8,$9)', r.split(','));
    await db.end();

    dir = mkdtempSync(path.join(tmpdir(), 'ss-dbsor-'));
    mkdirSync(path.join(dir, 'ws'));
    cpSync(
      path.join(EXAMPLES, 'workspace/Sales/Key accounts Q3 2026.xlsx'),
      path.join(dir, 'ws/Key accounts.xlsx'),
    );
    writeFileSync(
      path.join(dir, 'catalog.yaml'),
      'systems:\n  - name: crm\n    connection: env:SHADOWSCAN_TEST_CRM_URL\n    entities:\n      - name: customer\n        criticality: high\n',
    );
    process.env.SHADOWSCAN_TEST_CRM_URL = crm.url;
    h = await InlineHarness.start({ dataDir: 'memory://' });
  });
  afterAll(async () => {
    await h?.close();
    delete process.env.SHADOWSCAN_TEST_CRM_URL;
    await crm?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the drifted cells by looking the keys up in the database', async () => {
    await h.scan(path.join(dir, 'ws'), path.join(dir, 'catalog.yaml'));
    const open = await h.openFindings();
    expect(open.map((f) => `${f.kind} ${f.system}.${f.entity}`).sort()).toEqual(
      expect.arrayContaining(['contradiction crm.customer', 'duplicate crm.customer']),
    );
    const c = open.find((f) => f.kind === 'contradiction')!;
    const counts = Object.fromEntries(
      (c.evidence.fields as Array<{ field: string; conflicts: number }>).map((f) => [f.field, f.conflicts]),
    );
    expect(counts).toEqual({ phone: 3, segment: 1, credit_limit: 4 });
    expect(c.evidence).toMatchObject({ joined: 120, orphans: { count: 0 } });
  });
});
