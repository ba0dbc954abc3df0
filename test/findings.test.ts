import { createServer, type IncomingMessage, type Server } from 'node:http';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sql } from 'kysely';
import { maskValue } from '@shadowscan/findings';
import { signPayload, WebhookFindingsSink } from '@shadowscan/pipeline';
import { InlineHarness } from './support/scan-harness';

jest.setTimeout(120_000);

const EXAMPLES = path.join(__dirname, '..', 'examples');

interface Drift {
  file: string;
  sheet: string;
  entity: string;
  key: string;
  field: string;
  sheetValue: string;
  officialValue: string;
}

/** A private copy of examples/ (catalog, extracts, workspace) that a test may edit. */
function copyExamples(): { dir: string; catalog: string; workspace: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-ex-'));
  cpSync(EXAMPLES, dir, { recursive: true });
  return { dir, catalog: path.join(dir, 'catalog.yaml'), workspace: path.join(dir, 'workspace') };
}

function editCsvCell(file: string, key: string, column: string, value: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = lines[0].split(',');
  const col = header.indexOf(column);
  const i = lines.findIndex((l) => l.startsWith(`${key},`));
  if (col < 0 || i < 0) throw new Error(`no ${key}/${column} in ${file}`);
  const cells = lines[i].split(',');
  cells[col] = value;
  lines[i] = cells.join(',');
  writeFileSync(file, lines.join('\n'));
}

/** A describe block's fixture: a private copy of the example, scanned once by an embedded pipeline. */
function scannedExample() {
  const ctx = {} as { ex: ReturnType<typeof copyExamples>; h: InlineHarness };
  beforeAll(async () => {
    ctx.ex = copyExamples();
    ctx.h = await InlineHarness.start({ dataDir: 'memory://' });
    await ctx.h.scan(ctx.ex.workspace, ctx.ex.catalog);
  });
  afterAll(async () => {
    await ctx.h?.close();
    if (ctx.ex) rmSync(ctx.ex.dir, { recursive: true, force: true });
  });
  return ctx;
}

describe('findings of the bundled example', () => {
  const ctx = scannedExample();

  it('is exactly the expected set: kinds, files and entities', async () => {
    const got = (await ctx.h.openFindings())
      .map((f) => `${f.kind} ${f.file}${f.entity ? ` → ${f.system}.${f.entity}` : ''}`)
      .sort();
    expect(got).toEqual(
      [
        'contradiction Finance/AP/Vendor master (copy from ERP).xlsx → erp.vendor',
        'contradiction Sales/Archive/Key accounts (copy).xlsx → crm.customer',
        'contradiction Sales/Key accounts Q3 2026.xlsx → crm.customer',
        'copy_cluster Sales/Archive/Key accounts (copy).xlsx',
        'duplicate Finance/AP/Invoice tracker 2026.csv → erp.invoice',
        'duplicate Finance/AP/Vendor master (copy from ERP).xlsx → erp.vendor',
        'duplicate Sales/Archive/Key accounts (copy).xlsx → crm.customer',
        'duplicate Sales/Contacts export.csv → crm.contact',
        'duplicate Sales/Key accounts Q3 2026.xlsx → crm.customer',
        'extension Finance/AP/Invoice tracker 2026.csv → erp.invoice',
        'extension Finance/AP/Vendor master (copy from ERP).xlsx → erp.vendor',
        'extension Sales/Archive/Key accounts (copy).xlsx → crm.customer',
        'extension Sales/Key accounts Q3 2026.xlsx → crm.customer',
        'unreadable Finance/Budget 2027 DRAFT.xlsx',
        'unreadable Finance/Payroll summary (protected).xlsx',
      ].sort(),
    );
  });

  it('counts every drifted cell and shows each as a masked example row', async () => {
    const drift = JSON.parse(readFileSync(path.join(EXAMPLES, 'expected-drift.json'), 'utf8')) as Drift[];
    const contradictions = (await ctx.h.openFindings()).filter((f) => f.kind === 'contradiction');
    const got = contradictions.flatMap((f) =>
      (
        f.evidence.fields as Array<{
          field: string;
          conflicts: number;
          examples: Array<{ key: string; sheet: unknown; official: unknown }>;
        }>
      ).flatMap((fld) => {
        expect(fld.examples).toHaveLength(fld.conflicts);
        return fld.examples.map(
          (e) => `${f.file}|${fld.field}|${e.key}|${String(e.sheet)}|${String(e.official)}`,
        );
      }),
    );
    const type = (field: string) => (field === 'phone' ? 'phone' : undefined);
    const expected = drift.map(
      (d) =>
        `${d.file}|${d.field}|${d.key}|${String(maskValue(d.sheetValue, type(d.field), 'sensitive'))}|${String(maskValue(d.officialValue, type(d.field), 'sensitive'))}`,
    );
    expect(got.sort()).toEqual(expected.sort());
    // IBANs and phone numbers never appear in clear in evidence.
    const text = JSON.stringify(contradictions.map((c) => c.evidence));
    for (const d of drift.filter((x) => x.field === 'iban' || x.field === 'phone')) {
      expect(text).not.toContain(d.sheetValue);
      expect(text).not.toContain(d.officialValue);
    }
  });

  it('names the extension columns and the copies', async () => {
    const open = await ctx.h.openFindings();
    const ext = Object.fromEntries(
      open.filter((f) => f.kind === 'extension').map((f) => [f.file, f.evidence.columns]),
    );
    expect(ext).toEqual({
      'Sales/Key accounts Q3 2026.xlsx': ['Renewal risk', 'Next QBR'],
      'Sales/Archive/Key accounts (copy).xlsx': ['Renewal risk', 'Next QBR'],
      'Finance/AP/Vendor master (copy from ERP).xlsx': ['Bank details checked'],
      'Finance/AP/Invoice tracker 2026.csv': ['Approver'],
    });
    const cluster = open.find((f) => f.kind === 'copy_cluster')!;
    expect(cluster.evidence.files).toEqual([
      'Sales/Archive/Key accounts (copy).xlsx',
      'Sales/Key accounts Q3 2026.xlsx',
    ]);
  });

  it('changes nothing on a rescan of unchanged data: no finding, no audit entry', async () => {
    const before = await ctx.h.store.countEvents();
    const p = await ctx.h.scan(ctx.ex.workspace, ctx.ex.catalog);
    expect(p.files.changed).toBe(0);
    expect(await ctx.h.store.countEvents()).toBe(before);
  });

  it('updates exactly the affected contradiction when one official cell changes, and creates one when a new conflict appears', async () => {
    const vendor = (await ctx.h.openFindings()).find(
      (f) => f.kind === 'contradiction' && f.entity === 'vendor',
    )!;
    const before = await ctx.h.store.countEvents();
    // The ERP fixes one IBAN to what the sheet says: that conflict disappears.
    editCsvCell(path.join(ctx.ex.dir, 'systems/erp/vendors.csv'), 'V-2032', 'iban', 'DE72398900822687281340');
    await ctx.h.scan(ctx.ex.workspace, ctx.ex.catalog);
    const events = await ctx.h.store.db
      .selectFrom('finding_events')
      .selectAll()
      .where('seq', '>', before)
      .execute();
    expect(events.map((e) => [e.finding_id, e.change])).toEqual([[vendor.id, 'updated']]);
    const updated = (await ctx.h.store.getFinding(vendor.id))!;
    expect((updated.evidence.fields as Array<{ conflicts: number }>)[0].conflicts).toBe(2);

    // The ERP now disagrees with the invoice tracker on one amount: a new contradiction, nothing else.
    const tracker = readFileSync(path.join(ctx.ex.workspace, 'Finance/AP/Invoice tracker 2026.csv'), 'utf8');
    const invoiceNo = tracker.split('\n')[1].split(';')[0];
    editCsvCell(path.join(ctx.ex.dir, 'systems/erp/invoices.csv'), invoiceNo, 'amount', '999999.99');
    const mark = await ctx.h.store.countEvents();
    await ctx.h.scan(ctx.ex.workspace, ctx.ex.catalog);
    const created = await ctx.h.store.db
      .selectFrom('finding_events')
      .selectAll()
      .where('seq', '>', mark)
      .execute();
    expect(created).toHaveLength(1);
    expect(created[0].change).toBe('created');
    const c = (await ctx.h.store.getFinding(created[0].finding_id))!;
    expect(c).toMatchObject({
      kind: 'contradiction',
      file: 'Finance/AP/Invoice tracker 2026.csv',
      entity: 'invoice',
    });
    expect(c.evidence.fields).toEqual([
      expect.objectContaining({ field: 'amount', conflicts: 1, compared: 150 }),
    ]);
  });
});

describe('triage and the audit log', () => {
  const ctx = scannedExample();

  const find = async (kind: string, file: string) =>
    (await ctx.h.store.listFindings({ kind: kind as never, limit: 1000 })).items.find(
      (f) => f.file === file,
    )!;

  it('keeps a triage decision and its owner across rescans, and records who and why', async () => {
    const dup = await find('duplicate', 'Sales/Contacts export.csv');
    await ctx.h.store.triageFinding(dup.id, {
      status: 'acknowledged',
      actor: 'ana@example.com',
      reason: 'Marketing owns it',
      owner: 'ana@example.com',
    });
    writeFileSync(path.join(ctx.ex.workspace, 'Ops/touch.csv'), 'a,b\n1,2\n');
    await ctx.h.scan(ctx.ex.workspace, ctx.ex.catalog);
    const after = (await ctx.h.store.getFinding(dup.id))!;
    expect(after).toMatchObject({ status: 'acknowledged', owner: 'ana@example.com' });
    const history = await ctx.h.store.findingEvents(dup.id);
    expect(history.at(-1)).toMatchObject({
      actor: 'ana@example.com',
      change: 'triaged',
      from_status: 'open',
      to_status: 'acknowledged',
    });
    expect(history.at(-1)!.reason).toContain('Marketing owns it');
  });

  it('keeps a false positive suppressed until its evidence changes', async () => {
    const ext = await find('extension', 'Finance/AP/Vendor master (copy from ERP).xlsx');
    await ctx.h.store.triageFinding(ext.id, {
      status: 'false_positive',
      actor: 'bo@example.com',
      reason: 'checked column is ours',
    });
    await ctx.h.scan(ctx.ex.workspace, ctx.ex.catalog);
    expect((await ctx.h.store.getFinding(ext.id))!.status).toBe('false_positive');
  });

  it('refuses to accept a risk without a future expiry', async () => {
    const dup = await find('duplicate', 'Finance/AP/Invoice tracker 2026.csv');
    await expect(
      ctx.h.store.triageFinding(dup.id, { status: 'accepted_risk', actor: 'x', reason: 'later' }),
    ).rejects.toMatchObject({ code: 'triage_invalid' });
    await expect(
      ctx.h.store.triageFinding(dup.id, {
        status: 'accepted_risk',
        actor: 'x',
        reason: 'later',
        riskExpiresAt: '2020-01-01',
      }),
    ).rejects.toMatchObject({ code: 'triage_invalid' });
  });

  it('reopens an accepted risk once its expiry has passed', async () => {
    const dup = await find('duplicate', 'Finance/AP/Invoice tracker 2026.csv');
    await ctx.h.store.triageFinding(dup.id, {
      status: 'accepted_risk',
      actor: 'cfo@example.com',
      reason: 'until the ERP upgrade',
      riskExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await ctx.h.store.db
      .updateTable('findings')
      .set({ risk_expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', dup.id)
      .execute();
    // Nothing changed in the folder: the expiry alone reopens it at the next scan.
    await ctx.h.scan(ctx.ex.workspace, ctx.ex.catalog);
    const after = (await ctx.h.store.getFinding(dup.id))!;
    expect(after.status).toBe('open');
    expect((await ctx.h.store.findingEvents(dup.id)).at(-1)).toMatchObject({
      change: 'reopened',
      reason: 'risk acceptance expired',
    });
  });

  it('verifies an intact audit chain and points at the first tampered entry', async () => {
    const ok = await ctx.h.store.verifyAudit();
    expect(ok).toMatchObject({ ok: true });
    expect(ok.entries).toBeGreaterThan(15);
    const victim = await ctx.h.store.db
      .selectFrom('finding_events')
      .select('seq')
      .orderBy('seq')
      .offset(5)
      .limit(1)
      .executeTakeFirstOrThrow();
    await sql`update finding_events set reason = 'nothing to see' where seq = ${victim.seq}`.execute(
      ctx.h.store.db,
    );
    expect(await ctx.h.store.verifyAudit()).toMatchObject({ ok: false, brokenAt: Number(victim.seq) });
  });
});

describe('webhook delivery', () => {
  let server: Server;
  let url: string;
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  let failFirst = true;
  const SECRET = 'a-webhook-secret-of-some-length';

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failFirst) {
          failFirst = false;
          res.writeHead(503).end();
        } else {
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address() as { port: number };
    url = `http://127.0.0.1:${addr.port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("delivers every change, signed, at least once, a refused delivery's changes included", async () => {
    const ex = copyExamples();
    const h = await InlineHarness.start(
      { dataDir: 'memory://' },
      { SHADOWSCAN_WEBHOOK_URL: url, SHADOWSCAN_WEBHOOK_SECRET: SECRET, SHADOWSCAN_JOB_BACKOFF_MS: '10' },
    );
    try {
      await h.scan(ex.workspace, ex.catalog);
      expect(received.length).toBeGreaterThan(1);
      for (const r of received) {
        const ts = String(r.headers['x-shadowscan-timestamp']);
        expect(r.headers['x-shadowscan-signature']).toBe(signPayload(SECRET, ts, r.body));
        expect(JSON.parse(r.body).idempotencyKey).toBe(r.headers['idempotency-key']);
      }
      const seqsOf = (r: (typeof received)[number]): number[] =>
        JSON.parse(r.body).changes.map((c: { seq: number }) => c.seq);
      const accepted = received.slice(1).flatMap(seqsOf);
      const delivered = new Set(accepted);
      // The refused first delivery's changes came again: in its retry, or in the delivery of another
      // file's job that ran first and took every change waiting (which of the two is a matter of timing).
      for (const seq of seqsOf(received[0])) expect(delivered.has(seq)).toBe(true);
      // A delivery of the same changes carries the same key; other changes, another key.
      for (const a of received)
        for (const b of received) {
          const same = seqsOf(a).join() === seqsOf(b).join();
          expect(a.headers['idempotency-key'] === b.headers['idempotency-key']).toBe(same);
        }
      expect(delivered.size).toBe(await h.store.countEvents());
      // Oldest first, each change once across the accepted deliveries, and batched: a job also takes
      // the changes of other files that are waiting, so there are fewer deliveries than files.
      expect(accepted).toEqual([...accepted].sort((a, b) => a - b));
      expect(accepted).toHaveLength(delivered.size);
      const filesWithChanges = (await h.store.listFindings({ limit: 1000 })).items.length;
      expect(received.length - 1).toBeLessThan(filesWithChanges);
      const undelivered = await h.store.db
        .selectFrom('finding_events')
        .select('seq')
        .where('delivered_at', 'is', null)
        .execute();
      expect(undelivered).toEqual([]);
    } finally {
      await h.close();
      rmSync(ex.dir, { recursive: true, force: true });
    }
  });

  it('sends a refused delivery again with the same idempotency key', async () => {
    const sink = new WebhookFindingsSink(url, SECRET, 5_000);
    const change = (seq: number) => ({
      seq,
      findingId: `f${seq}`,
      change: 'opened',
      fromStatus: null,
      toStatus: 'open',
      kind: 'duplicate',
      file: 'a.xlsx',
      system: 'crm',
      entity: 'customer',
      severity: 'high',
    });
    received.length = 0;
    failFirst = true;
    await expect(sink.deliver('scan-1', [change(1), change(2)])).rejects.toThrow('answered 503');
    await sink.deliver('scan-1', [change(1), change(2)]);
    await sink.deliver('scan-1', [change(3)]);
    const keys = received.map((r) => r.headers['idempotency-key']);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });
});
