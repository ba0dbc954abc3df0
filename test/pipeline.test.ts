import { cpSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createPgDatabase } from './support/services';
import { findingDigest, InlineHarness } from './support/scan-harness';

const EXAMPLES = path.join(__dirname, '..', 'examples');
const CATALOG = path.join(EXAMPLES, 'catalog.yaml');

jest.setTimeout(120_000);

/** What the bundled example must yield (examples/README.md tells why). */
const EXPECTED = [
  { kind: 'duplicate', file: 'Finance/AP/Invoice tracker 2026.csv', entity: 'erp.invoice' },
  { kind: 'duplicate', file: 'Finance/AP/Vendor master (copy from ERP).xlsx', entity: 'erp.vendor' },
  { kind: 'duplicate', file: 'Sales/Archive/Key accounts (copy).xlsx', entity: 'crm.customer' },
  { kind: 'duplicate', file: 'Sales/Contacts export.csv', entity: 'crm.contact' },
  { kind: 'duplicate', file: 'Sales/Key accounts Q3 2026.xlsx', entity: 'crm.customer' },
  { kind: 'unreadable', file: 'Finance/Budget 2027 DRAFT.xlsx', entity: null },
  { kind: 'unreadable', file: 'Finance/Payroll summary (protected).xlsx', entity: null },
];

function copyWorkspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-ws-'));
  cpSync(path.join(EXAMPLES, 'workspace'), dir, { recursive: true });
  return dir;
}

interface TestDb {
  db: { dataDir?: string; databaseUrl?: string };
  drop(): Promise<void>;
}

const engines: Array<[string, () => Promise<TestDb>]> = [
  ['PGlite', async () => ({ db: { dataDir: 'memory://' }, drop: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const pg = await createPgDatabase();
      return { db: { databaseUrl: pg.url }, drop: pg.drop };
    },
  ],
];

describe.each(engines)('embedded pipeline on %s', (_engine, makeDb) => {
  let harness: InlineHarness;
  let drop: () => Promise<void>;
  let workspace: string;

  beforeAll(async () => {
    const d = await makeDb();
    drop = d.drop;
    harness = await InlineHarness.start(d.db);
    workspace = copyWorkspace();
  });
  afterAll(async () => {
    await harness?.close();
    await drop?.();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('finds the duplicates and the unreadable files of the example, and nothing in unrelated sheets', async () => {
    const progress = await harness.scan(workspace, CATALOG);
    expect(progress.status).toBe('completed');
    expect(progress.files).toMatchObject({ seen: 9, changed: 9, analyzed: 9, failed: 0, pending: 0 });
    expect(progress.progress).toBe(1);
    // Issue-2 scope here (duplicates and unreadable files); test/findings.test.ts checks every kind.
    const found = (await harness.openFindings())
      .filter((f) => f.kind === 'duplicate' || f.kind === 'unreadable')
      .map((f) => ({ kind: f.kind, file: f.file, entity: f.system ? `${f.system}.${f.entity}` : null }))
      .sort((a, b) => (a.kind + a.file).localeCompare(b.kind + b.file));
    expect(found).toEqual(EXPECTED);
    const unreadable = (await harness.openFindings()).filter((f) => f.kind === 'unreadable');
    expect(unreadable.map((f) => f.evidence.code).sort()).toEqual(['corrupt', 'encrypted']);
  });

  it('records the column mapping as evidence of a duplicate', async () => {
    const dup = (await harness.openFindings()).find(
      (f) => f.kind === 'duplicate' && f.file === 'Finance/AP/Vendor master (copy from ERP).xlsx',
    )!;
    const mapping = dup.evidence.mapping as Array<{ column: string; field: string }>;
    expect(mapping).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ column: 'Supplier ID', field: 'vendor_id' }),
        expect.objectContaining({ column: 'Supplier name', field: 'vendor_name' }),
        expect.objectContaining({ column: 'IBAN', field: 'iban' }),
      ]),
    );
    expect(dup.evidence.keyOverlap).toBe(1);
  });

  it('rescans an unchanged folder without analysing anything or touching a finding', async () => {
    const before = await harness.openFindings();
    const events = await harness.store.countEvents();
    const progress = await harness.scan(workspace, CATALOG);
    expect(progress.status).toBe('completed');
    expect(progress.files).toMatchObject({ seen: 9, changed: 0, analyzed: 0 });
    expect(await harness.store.countEvents()).toBe(events);
    expect(findingDigest(await harness.openFindings())).toEqual(findingDigest(before));
  });

  it('analyses only what changed, and resolves the findings of a deleted file', async () => {
    unlinkSync(path.join(workspace, 'Finance/Budget 2027 DRAFT.xlsx'));
    writeFileSync(path.join(workspace, 'Ops/new list.csv'), 'Colour,Count\nred,1\nblue,2\n');
    const progress = await harness.scan(workspace, CATALOG);
    expect(progress.files).toMatchObject({ seen: 9, changed: 1, deleted: 1, analyzed: 1 });
    const all = await harness.store.listFindings({ kind: 'unreadable' });
    const budget = all.items.find((f) => f.file === 'Finance/Budget 2027 DRAFT.xlsx')!;
    expect(budget.status).toBe('resolved');
    expect(budget.resolvedAt).not.toBeNull();
  });

  it('reopens the same finding, not a twin, when the file comes back', async () => {
    cpSync(
      path.join(EXAMPLES, 'workspace/Finance/Budget 2027 DRAFT.xlsx'),
      path.join(workspace, 'Finance/Budget 2027 DRAFT.xlsx'),
    );
    await harness.scan(workspace, CATALOG);
    const budget = (await harness.store.listFindings({ kind: 'unreadable' })).items.filter(
      (f) => f.file === 'Finance/Budget 2027 DRAFT.xlsx',
    );
    expect(budget).toHaveLength(1);
    expect(budget[0].status).toBe('open');
  });

  it('resolves the findings of a file that was moved, and files them under its new path', async () => {
    // The local connector identifies files by path, so a move is a deletion plus an addition.
    cpSync(
      path.join(workspace, 'Finance/Budget 2027 DRAFT.xlsx'),
      path.join(workspace, 'Finance/Budget moved.xlsx'),
    );
    unlinkSync(path.join(workspace, 'Finance/Budget 2027 DRAFT.xlsx'));
    await harness.scan(workspace, CATALOG);
    const all = (await harness.store.listFindings({ kind: 'unreadable' })).items;
    expect(all.find((f) => f.file === 'Finance/Budget 2027 DRAFT.xlsx')!.status).toBe('resolved');
    expect(all.find((f) => f.file === 'Finance/Budget moved.xlsx')!.status).toBe('open');
  });

  it('delivers every finding change exactly once to the findings consumer', async () => {
    const undelivered = await harness.store.db
      .selectFrom('finding_events')
      .select('seq')
      .where('delivered_at', 'is', null)
      .execute();
    expect(undelivered).toEqual([]);
  });
});
