import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { createConnector, GoogleDriveConnector } from '@shadowscan/connectors';
import type { FileChanges } from '@shadowscan/domain';
import { DriveEmulator, parseQuery } from './emulators/drive.emulator';
import { Tenant } from './emulators/tenant';
import { scanRemoteSource, startRemoteHarness, type RemoteHarness } from './support/remote-scan';

jest.setTimeout(60_000);

describe('Google Drive connector against the Drive emulator', () => {
  let tenant: Tenant;
  let emu: DriveEmulator;
  let connector: GoogleDriveConnector;
  let first: FileChanges;

  beforeAll(async () => {
    tenant = Tenant.generate({ drives: 3, spreadsheets: 45, others: 15, nativeRate: 0.2, seed: 3 });
    emu = await new DriveEmulator(tenant, { pageSize: 7 }).start();
    connector = createConnector('gdrive', {
      ...emu.sourceConfig('SS_TEST_GDRIVE_KEY'),
      readAhead: 4,
    }) as GoogleDriveConnector;
  });
  afterAll(() => emu?.stop());

  it('lists every spreadsheet (native Sheets included) of every shared drive, through paging', async () => {
    first = await connector.listChanges(null);
    const sheets = tenant.spreadsheets();
    expect(first.upserts).toHaveLength(sheets.length);
    expect(first.seen).toBe(sheets.length);
    const native = sheets.find((s) => s.item.native)!;
    const ref = first.upserts.find((f) => f.id === native.item.id)!;
    expect(ref.path).toBe(emu.humanPath(native.item));
    expect(ref.version).toMatch(/^gsheet:/);
    expect(ref.mimeType).toBe('application/vnd.google-apps.spreadsheet');
    const csv = first.upserts.find((f) => f.path.endsWith('.csv'))!;
    expect(csv.version).toMatch(/^md5:[0-9a-f]{32}$/);
    expect(csv.lastModifiedBy).toMatch(/@contoso\.example$/);
    // Impersonation through domain-wide delegation: the token was asked for the configured user.
    expect([...emu.subjects]).toEqual(['auditor@contoso.example']);
  });

  it('downloads binaries with alt=media and exports native Sheets as xlsx', async () => {
    const csv = tenant.spreadsheets().find((s) => s.item.name.endsWith('.csv'))!;
    const csvRef = first.upserts.find((f) => f.id === csv.item.id)!;
    const opened = await connector.open(csvRef, 1_000_000);
    expect(readFileSync(opened.path)).toEqual(csv.item.content);
    await opened.release();

    const native = tenant.spreadsheets().find((s) => s.item.native)!;
    const nativeRef = first.upserts.find((f) => f.id === native.item.id)!;
    const exported = await connector.open(nativeRef, 1_000_000);
    expect(exported.path).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(exported.path);
    expect(wb.worksheets[0].getRow(1).getCell(1).value).toBe('customer_id');
    await exported.release();
    expect(emu.counts.exports).toBeGreaterThan(0);
  });

  it('turns exportSizeLimitExceeded into an export_too_large unreadable file', async () => {
    const native = tenant.spreadsheets().filter((s) => s.item.native)[1];
    native.item.exportTooLarge = true;
    const ref = first.upserts.find((f) => f.id === native.item.id)!;
    await expect(connector.open(ref, 1_000_000)).rejects.toMatchObject({ code: 'export_too_large' });
    native.item.exportTooLarge = false;
  });

  it('follows the changes feed: exactly the edits, deletions and additions', async () => {
    const unchanged = await connector.listChanges(first.nextCursor);
    expect(unchanged.upserts).toEqual([]);
    expect(unchanged.deletions).toEqual([]);
    const sheets = tenant.spreadsheets().map((s) => s.item);
    tenant.change(sheets.slice(0, 3));
    tenant.remove(sheets.slice(3, 5));
    const added = tenant.add(2, { nativeRate: 0.5 });
    const next = await connector.listChanges(unchanged.nextCursor);
    expect(next.upserts.map((f) => f.id).sort()).toEqual(
      [...sheets.slice(0, 3), ...added].map((i) => i.id).sort(),
    );
    expect(next.deletions.map((f) => f.id).sort()).toEqual(
      sheets
        .slice(3, 5)
        .map((i) => i.id)
        .sort(),
    );
    expect(next.deletions.map((f) => f.path).sort()).toEqual(
      sheets
        .slice(3, 5)
        .map((i) => emu.humanPath(i))
        .sort(),
    );

    // A page token the service rejects: a full listing, diffed against what we knew.
    tenant.expireTokens(tenant.drives[0]);
    const one = tenant.spreadsheets().find((s) => s.drive === tenant.drives[0])!.item;
    tenant.change([one]);
    const resynced = await connector.listChanges(next.nextCursor);
    expect(resynced.upserts.map((f) => f.id)).toEqual([one.id]);
    expect(resynced.deletions).toEqual([]);
  });

  it('retries 403 userRateLimitExceeded and 429 rateLimitExceeded itself (gaxios does not retry 403)', async () => {
    emu.faults.set({ throttleRate: 0.4, retryAfterSec: 0 });
    const before = connector.throttleStats().throttled;
    try {
      const listed = await connector.listChanges(null);
      expect(listed.upserts).toHaveLength(tenant.spreadsheets().length);
      for (const f of listed.upserts.slice(0, 6)) await (await connector.open(f, 1_000_000)).release();
    } finally {
      emu.faults.set({ throttleRate: 0 });
    }
    expect(connector.throttleStats().throttled).toBeGreaterThan(before);
  });

  it('parses the q subset the connector sends', () => {
    const q = parseQuery(
      "(mimeType = 'text/csv' or mimeType = 'application/vnd.google-apps.spreadsheet') and trashed = false",
    );
    expect(q({ mimeType: 'text/csv', trashed: false })).toBe(true);
    expect(q({ mimeType: 'text/csv', trashed: true })).toBe(false);
    expect(q({ mimeType: 'image/png', trashed: false })).toBe(false);
    expect(parseQuery("'abc' in parents and not name contains 'x'")({ parents: ['abc'], name: 'y' })).toBe(
      true,
    );
  });

  it('rejects settings that name nothing to scan or inline a key', () => {
    expect(() => createConnector('gdrive', { serviceAccountKey: { env: 'K' } })).toThrow(/name what to scan/);
    expect(() =>
      createConnector('gdrive', { serviceAccountKey: '{"private_key":"…"}', users: ['a@b.c'] }),
    ).toThrow(/serviceAccountKey/);
  });
});

describe('a Google Drive source scanned by the embedded pipeline', () => {
  let tenant: Tenant;
  let emu: DriveEmulator;
  let harness: RemoteHarness;

  beforeAll(async () => {
    tenant = Tenant.generate({ drives: 3, spreadsheets: 30, others: 10, nativeRate: 0.2, seed: 4 });
    emu = await new DriveEmulator(tenant, {
      pageSize: 10,
      latencyMs: 5,
      throttleRate: 0.05,
      retryAfterSec: 0,
    }).start();
    harness = await startRemoteHarness();
  });
  afterAll(async () => {
    await harness?.close();
    await emu?.stop();
  });

  it('analyses every spreadsheet once, then only what changed; an over-limit export is an unreadable finding', async () => {
    const config = { ...emu.sourceConfig('SS_TEST_GDRIVE_KEY2'), readAhead: 4 };
    const tooBig = tenant.spreadsheets().find((s) => s.item.native)!.item;
    tooBig.exportTooLarge = true;
    const first = await scanRemoteSource(harness, 'tenant-gd', 'gdrive', config);
    const sheets = tenant.spreadsheets();
    expect(first.failures).toEqual([]);
    expect(first.progress.files).toMatchObject({ seen: sheets.length, analyzed: sheets.length, failed: 0 });
    const unreadable = (await harness.openFindings()).filter(
      (f) => f.kind === 'unreadable' && f.file === emu.humanPath(tooBig),
    );
    expect(unreadable).toHaveLength(1);

    const deleted = [tooBig];
    const changed = sheets
      .map((s) => s.item)
      .filter((i) => i !== tooBig)
      .slice(0, 2);
    tenant.remove(deleted);
    tenant.change(changed);
    const added = tenant.add(1);
    const second = await scanRemoteSource(harness, 'tenant-gd', 'gdrive', config);
    expect(second.progress.files).toMatchObject({ changed: 3, deleted: 1, analyzed: 3, failed: 0 });
    expect([...second.analysed].sort()).toEqual([...changed, ...added].map((i) => i.id).sort());
    expect((await harness.openFindings()).filter((f) => f.file === emu.humanPath(tooBig))).toEqual([]);
  });
});
