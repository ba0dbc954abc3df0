import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'shadowscan.js');
const EXAMPLES = path.join(ROOT, 'examples');

jest.setTimeout(120_000);

/** Runs the built CLI as a user would, with no REDIS_URL or DATABASE_URL in its environment. */
function cli(args: string[], cwd = ROOT, extraEnv: Record<string, string> = {}) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...extraEnv };
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('shadowscan CLI', () => {
  let tmp: string;
  beforeAll(() => (tmp = mkdtempSync(path.join(tmpdir(), 'ss-cli-'))));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints help listing the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['scan', 'fingerprint', 'match', 'findings']) expect(r.stdout).toContain(c);
  });

  it('exits 2 on a usage error', () => {
    const r = cli(['scan', EXAMPLES]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--catalog/);
  });

  it('fingerprints a spreadsheet as one JSON line in the contract shape', () => {
    const file = path.join(EXAMPLES, 'workspace/Finance/AP/Vendor master (copy from ERP).xlsx');
    const r = cli(['fingerprint', file, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const fp = JSON.parse(lines[0]);
    expect(fp).toMatchObject({
      file,
      format: 'xlsx',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      risks: {},
    });
    expect(fp.tables[0]).toMatchObject({
      sheet: expect.any(String),
      range: expect.any(String),
      headerRow: 1,
      rowCount: 60,
    });
    // Cell values are not printed unless asked for.
    expect(fp.tables[0].columns[0].values).toBeUndefined();
    expect(r.stdout).not.toContain('DE39800700121732356118');
    const withValues = JSON.parse(cli(['fingerprint', file, '--json', '--values']).stdout);
    expect(withValues.tables[0].columns[0].values).toHaveLength(60);
    expect(fp.tables[0].columns[0]).toMatchObject({
      name: 'Supplier ID',
      index: 0,
      type: 'id',
      nullRatio: 0,
      distinct: 60,
    });
  });

  it('exits 3 with a one-line reason for a corrupt and an encrypted file, and still prints the good one', () => {
    const ws = path.join(EXAMPLES, 'workspace/Finance');
    const r = cli([
      'fingerprint',
      path.join(ws, 'Budget 2027 DRAFT.xlsx'),
      path.join(ws, 'AP/Invoice tracker 2026.csv'),
      path.join(ws, 'Payroll summary (protected).xlsx'),
      '--json',
    ]);
    expect(r.code).toBe(3);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.error?.code ?? 'ok')).toEqual(['corrupt', 'ok', 'encrypted']);
    for (const l of [lines[0], lines[2]]) {
      expect(Object.keys(l)).toEqual(['file', 'error']);
      expect(l.error.message).not.toContain('\n');
    }
    const human = cli(['fingerprint', path.join(ws, 'Budget 2027 DRAFT.xlsx')]);
    expect(human.code).toBe(3);
    expect(human.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('matches columns to official fields in the contract shape', () => {
    const r = cli([
      'match',
      path.join(EXAMPLES, 'workspace/Sales/Key accounts Q3 2026.xlsx'),
      '--catalog',
      path.join(EXAMPLES, 'catalog.yaml'),
      '--top-k',
      '3',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tables[0].entity).toMatchObject({
      system: 'crm',
      entity: 'customer',
      score: expect.any(Number),
    });
    const col = out.tables[0].columns.find((c: { column: string }) => c.column === 'Cust No');
    expect(col.candidates.length).toBeLessThanOrEqual(3);
    expect(col.candidates[0]).toMatchObject({ system: 'crm', entity: 'customer', field: 'customer_id' });
  });

  it('scans the example embedded, writes the report, and lists the findings from the store', () => {
    const db = path.join(tmp, 'db');
    const out = path.join(tmp, 'report');
    const r = cli([
      'scan',
      path.join(EXAMPLES, 'workspace'),
      '--catalog',
      path.join(EXAMPLES, 'catalog.yaml'),
      '--db',
      db,
      '--out',
      out,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.scan).toMatchObject({ status: 'completed', files: { seen: 9, analyzed: 9 } });
    const kinds = report.findings.map((f: { kind: string }) => f.kind).sort();
    expect(kinds.filter((k: string) => k === 'duplicate')).toHaveLength(5);
    expect(kinds.filter((k: string) => k === 'unreadable')).toHaveLength(2);
    for (const f of report.findings) {
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining([
          'id',
          'kind',
          'severity',
          'status',
          'file',
          'sheet',
          'system',
          'entity',
          'evidence',
        ]),
      );
      expect(path.isAbsolute(f.file)).toBe(false);
    }
    expect(report.findings.find((f: { kind: string }) => f.kind === 'unreadable').evidence.code).toMatch(
      /corrupt|encrypted/,
    );

    const listed = cli(['findings', '--db', db, '--kind', 'unreadable', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).total).toBe(2);

    // The audit log of that scan verifies; a person's triage is recorded and still verifies.
    const id = report.findings.find((f: { kind: string }) => f.kind === 'unreadable').id;
    const triaged = cli([
      'triage',
      id,
      '--status',
      'acknowledged',
      '--reason',
      'owner asked for the password',
      '--by',
      'it@example.com',
      '--db',
      db,
      '--json',
    ]);
    expect(triaged.code).toBe(0);
    expect(JSON.parse(triaged.stdout).status).toBe('acknowledged');
    const verify = cli(['audit', 'verify', '--db', db, '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    expect(existsSync(path.join(out, 'report.xlsx'))).toBe(true);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('Shadowscan report');
  });

  it('keeps cell values and secrets out of its logs, even at trace level', () => {
    const r = cli(
      [
        'scan',
        path.join(EXAMPLES, 'workspace'),
        '--catalog',
        path.join(EXAMPLES, 'catalog.yaml'),
        '--db',
        path.join(tmp, 'db-logs'),
        '--out',
        path.join(tmp, 'r2'),
        '--json',
      ],
      ROOT,
      { LOG_LEVEL: 'trace' },
    );
    expect(r.code).toBe(0);
    expect(r.stderr.length).toBeGreaterThan(0);
    // Values that sit in the example's cells: a vendor IBAN, a customer id, an e-mail domain.
    const customers = readFileSync(path.join(EXAMPLES, 'systems/crm/customers.csv'), 'utf8')
      .split('\n')[1]
      .split(',');
    for (const value of [customers[0], customers[1], customers[2]]) expect(r.stderr).not.toContain(value);
    for (const line of r.stderr.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('rejects an unknown SHADOWSCAN_ variable by name', () => {
    const r = cli(['findings', '--db', path.join(tmp, 'db-x')], ROOT, { SHADOWSCAN_QUEUE_DRIVR: 'bullmq' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SHADOWSCAN_QUEUE_DRIVR: unknown variable/);
  });
});
