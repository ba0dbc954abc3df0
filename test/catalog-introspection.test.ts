import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { loadCatalog } from '@shadowscan/catalog';
import type { ColumnProfile, ResolvedCatalog, SorEntity, TableFingerprint } from '@shadowscan/domain';
import { MINHASH_SIZE } from '@shadowscan/domain';
import { Matcher } from '@shadowscan/matching';
import { createPgDatabase } from './support/services';

jest.setTimeout(120_000);

const MYSQL_ADMIN_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
/** Rows in the large table: more than the sample cap below, so sampling must bound the read. */
const BIG_ROWS = 20_000;
const SAMPLE_ROWS = 500;

function writeCatalog(system: string, variable: string, extra = ''): { file: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-introspect-'));
  const file = path.join(dir, 'catalog.yaml');
  writeFileSync(
    file,
    [
      'systems:',
      `  - name: ${system}`,
      `    connection: env:${variable}`,
      `    introspection: { sample_rows: ${SAMPLE_ROWS}, timeout_ms: 20000 }`,
      '    entities:',
      '      - name: customer',
      '        owner: sales-ops@example.com',
      '        criticality: high',
      extra,
    ].join('\n'),
  );
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function entity(catalog: ResolvedCatalog, name: string): SorEntity {
  const found = catalog.systems[0].entities.find((e) => e.name === name);
  if (!found)
    throw new Error(`no entity ${name} in ${catalog.systems[0].entities.map((e) => e.name).join(', ')}`);
  return found;
}

function col(index: number, name: string, type: ColumnProfile['type'], values: string[]): ColumnProfile {
  return { name, index, type, typeShare: 1, nullRatio: 0, distinct: values.length, values };
}

/** What both engines must yield for the same schema. */
function expectCrmSchema(catalog: ResolvedCatalog, origin: 'postgres' | 'mysql'): void {
  const customer = entity(catalog, 'customer');
  expect(customer).toMatchObject({
    system: 'crm',
    key: ['customer_id'],
    owner: 'sales-ops@example.com',
    criticality: 'high',
    description: 'Companies we sell to',
    origin,
  });
  const byName = Object.fromEntries(customer.fields.map((f) => [f.name, f]));
  expect(Object.keys(byName)).toEqual([
    'customer_id',
    'company_name',
    'contact_email',
    'country',
    'created_on',
  ]);
  expect(byName.customer_id.type).toBe('id');
  expect(byName.contact_email.type).toBe('email');
  expect(byName.created_on.type).toBe('date');
  expect(byName.company_name.description).toBe('Registered company name');
  // Profiles have the shape of spreadsheet column profiles: normalised distinct values and a sketch.
  expect([...byName.country.values].sort()).toEqual(['de', 'fr', 'gb']);
  expect(byName.country.distinct).toBe(3);
  expect(byName.country.minhash).toHaveLength(MINHASH_SIZE);
  expect(byName.contact_email.values).toContain('ops@acme.example');
  expect(byName.created_on.values).toContain('2024-03-01');

  const invoice = entity(catalog, 'invoice');
  expect(invoice.key).toEqual(['id']);
  expect(invoice.uniqueKeys).toEqual([['invoice_no']]);
  const ref = invoice.fields.find((f) => f.name === 'customer_id')!;
  expect(ref.references).toEqual({ entity: 'customer', field: 'customer_id' });
  expect(ref.type).toBe('id');
  expect(invoice.fields.find((f) => f.name === 'amount')!.type).toBe('decimal');

  // A large table is profiled from a bounded sample, not read in full.
  const events = entity(catalog, 'event_log');
  expect(events.sampledRows).toBeGreaterThan(0);
  expect(events.sampledRows).toBeLessThanOrEqual(SAMPLE_ROWS);
  expect(events.fields.find((f) => f.name === 'id')!.values.length).toBeLessThanOrEqual(SAMPLE_ROWS);

  // And the introspected catalog is what the matcher uses: a sheet copying customers maps onto it.
  const sheet: TableFingerprint = {
    sheet: 'Customers',
    range: 'A1:C4',
    headerRow: 1,
    rowCount: 3,
    schemaHash: 'x',
    columns: [
      col(0, 'Cust No', 'id', ['c-1', 'c-2', 'c-3']),
      col(1, 'Company', 'string', ['acme', 'globex', 'initech']),
      col(2, 'E-mail', 'email', ['ops@acme.example', 'it@globex.example', 'hi@initech.example']),
      col(3, 'Country', 'string', ['fr', 'de', 'gb']),
    ],
  };
  const match = new Matcher(catalog.systems.flatMap((s) => s.entities)).matchTable(sheet);
  expect(match.entity).toMatchObject({ system: 'crm', entity: 'customer' });
}

describe('database introspection', () => {
  describe('PostgreSQL', () => {
    let db: { url: string; drop(): Promise<void> };
    let catalogFile: { file: string; cleanup(): void };

    beforeAll(async () => {
      db = await createPgDatabase();
      const c = new Client({ connectionString: db.url });
      await c.connect();
      await c.query(`
        create table customer (
          customer_id text primary key,
          company_name varchar(120) not null,
          contact_email varchar(200),
          country char(2),
          created_on date
        );
        comment on table customer is 'Companies we sell to';
        comment on column customer.company_name is 'Registered company name';
        insert into customer values
          ('C-1', 'Acme', 'ops@acme.example', 'FR', '2024-03-01'),
          ('C-2', 'Globex', 'it@globex.example', 'DE', '2024-04-11'),
          ('C-3', 'Initech', 'hi@initech.example', 'GB', null);
        create table invoice (
          id serial primary key,
          invoice_no text not null unique,
          customer_id text references customer (customer_id),
          amount numeric(12, 2)
        );
        insert into invoice (invoice_no, customer_id, amount) values ('INV-1', 'C-1', 120.5), ('INV-2', 'C-2', 80);
        create table event_log (id bigint primary key, kind text);
        insert into event_log select g, 'kind-' || (g % 7) from generate_series(1, ${BIG_ROWS}) g;
        analyze;
      `);
      await c.end();
      catalogFile = writeCatalog('crm', 'TEST_PG_CRM_URL');
    });

    afterAll(async () => {
      catalogFile?.cleanup();
      await db?.drop();
    });

    it('reads tables, keys, references, comments and bounded value profiles into entities', async () => {
      const catalog = await loadCatalog(catalogFile.file, { env: { TEST_PG_CRM_URL: db.url } });
      expectCrmSchema(catalog, 'postgres');
    });

    it('gives the same version for the same data (the sample is repeatable)', async () => {
      const env = { TEST_PG_CRM_URL: db.url };
      const [a, b] = [
        await loadCatalog(catalogFile.file, { env }),
        await loadCatalog(catalogFile.file, { env }),
      ];
      expect(a.version).toBe(b.version);
    });

    it('fails with a coded error that names the variable when the connection is not set', async () => {
      await expect(loadCatalog(catalogFile.file, { env: {} })).rejects.toMatchObject({
        code: 'catalog_invalid',
        message: expect.stringContaining('TEST_PG_CRM_URL'),
      });
    });

    it('reports an unreachable database without echoing its password', async () => {
      const url = 'postgres://reader:s3cret-pw@127.0.0.1:1/nowhere';
      const err = await loadCatalog(catalogFile.file, { env: { TEST_PG_CRM_URL: url } }).catch(
        (e: Error) => e,
      );
      expect(err).toMatchObject({ code: 'catalog_introspection_failed' });
      expect((err as Error).message).not.toContain('s3cret-pw');
    });
  });

  describe('MariaDB', () => {
    const name = `shadowscan_test_${randomBytes(6).toString('hex')}`;
    let url: string;
    let catalogFile: { file: string; cleanup(): void };

    beforeAll(async () => {
      const admin = await createConnection({ uri: MYSQL_ADMIN_URL, multipleStatements: true });
      await admin.query(`create database ${name}`);
      await admin.query(`
        use ${name};
        create table customer (
          customer_id varchar(20) primary key,
          company_name varchar(120) not null comment 'Registered company name',
          contact_email varchar(200),
          country char(2),
          created_on date
        ) comment 'Companies we sell to';
        insert into customer values
          ('C-1', 'Acme', 'ops@acme.example', 'FR', '2024-03-01'),
          ('C-2', 'Globex', 'it@globex.example', 'DE', '2024-04-11'),
          ('C-3', 'Initech', 'hi@initech.example', 'GB', null);
        create table invoice (
          id int auto_increment primary key,
          invoice_no varchar(20) not null unique,
          customer_id varchar(20),
          amount decimal(12, 2),
          foreign key (customer_id) references customer (customer_id)
        );
        insert into invoice (invoice_no, customer_id, amount) values ('INV-1', 'C-1', 120.5), ('INV-2', 'C-2', 80);
        create table event_log (id bigint primary key, kind varchar(20));
        insert into event_log select seq, concat('kind-', seq % 7) from seq_1_to_${BIG_ROWS};
      `);
      await admin.end();
      const u = new URL(MYSQL_ADMIN_URL);
      u.pathname = `/${name}`;
      url = u.toString();
      catalogFile = writeCatalog('crm', 'TEST_MYSQL_CRM_URL');
    });

    afterAll(async () => {
      catalogFile?.cleanup();
      const admin = await createConnection({ uri: MYSQL_ADMIN_URL });
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    });

    it('reads tables, keys, references, comments and bounded value profiles into entities', async () => {
      const catalog = await loadCatalog(catalogFile.file, { env: { TEST_MYSQL_CRM_URL: url } });
      expectCrmSchema(catalog, 'mysql');
    });
  });
});
