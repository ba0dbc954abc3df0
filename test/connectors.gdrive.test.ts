import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { createConnector, gdriveConfigSchema, GoogleDriveConnector } from '@shadowscan/connectors';
import type { FileChanges } from '@shadowscan/domain';
import { DriveEmulator, parseQuery } from './emulators/drive.emulator';
import { Tenant } from './emulators/tenant';
import {
  findingKindsAt,
  scanRemoteSource,
  startRemoteHarness,
  type RemoteHarness,
} from './support/remote-scan';

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

describe("users' My Drives through domain-wide delegation", () => {
  const USERS = ['cfo@contoso.example', 'hr@contoso.example'];
  let tenant: Tenant;
  let emu: DriveEmulator;
  let connector: GoogleDriveConnector;

  beforeAll(async () => {
    // Drive 0 stays a shared drive; drives 1 and 2 are the My Drives of the two users.
    tenant = Tenant.generate({ drives: 3, spreadsheets: 30, others: 9, nativeRate: 0.2, seed: 5 });
    emu = await new DriveEmulator(tenant, { pageSize: 6, myDrives: USERS }).start();
    connector = createConnector('gdrive', {
      ...emu.sourceConfig('SS_TEST_GDRIVE_KEY3'),
      users: USERS,
      readAhead: 2,
    }) as GoogleDriveConnector;
  });
  afterAll(() => emu?.stop());

  it('lists each user’s own files (corpora=user) as that user, under My Drive/<user>', async () => {
    const listed = await connector.listChanges(null);
    const sheets = tenant.spreadsheets();
    expect(listed.upserts.map((f) => f.id).sort()).toEqual(sheets.map((s) => s.item.id).sort());
    for (const { item } of sheets) {
      expect(listed.upserts.find((f) => f.id === item.id)!.path).toBe(emu.humanPath(item));
    }
    const mine = sheets.filter((s) => emu.ownerOf(s.drive) === USERS[1]);
    expect(mine.length).toBeGreaterThan(0);
    expect(emu.humanPath(mine[0].item)).toMatch(/^My Drive\/hr@contoso\.example\//);
    expect(emu.counts.userLists).toBeGreaterThanOrEqual(USERS.length * 2); // folders and sheets per user
    expect([...emu.subjects].sort()).toEqual(['auditor@contoso.example', ...USERS].sort());

    // Each file is downloaded as its owner: another user's token would get 404.
    const notFoundBefore = emu.counts.notFound;
    for (const s of [mine[0], sheets.find((x) => emu.ownerOf(x.drive) === USERS[0])!]) {
      const ref = listed.upserts.find((f) => f.id === s.item.id)!;
      const opened = await connector.open(ref, 1_000_000);
      await opened.release();
    }
    expect(emu.counts.notFound).toBe(notFoundBefore);

    // The changes feed of a My Drive (no driveId, restrictToMyDrive) reports a user's edit.
    tenant.change([mine[0].item]);
    const next = await connector.listChanges(listed.nextCursor);
    expect(next.upserts.map((f) => f.id)).toEqual([mine[0].item.id]);
    expect(next.deletions).toEqual([]);
  });

  it('a connector that did not list a file tries each identity until the owner can read it', async () => {
    const fresh = new GoogleDriveConnector(
      gdriveConfigSchema.parse({ ...emu.sourceConfig('SS_TEST_GDRIVE_KEY3'), users: USERS, readAhead: 0 }),
    );
    const s = tenant.spreadsheets().find((x) => emu.ownerOf(x.drive) === USERS[1] && !x.item.native)!;
    const opened = await fresh.open({ id: s.item.id, path: emu.humanPath(s.item), version: 'md5:x' }, 1e6);
    expect(readFileSync(opened.path)).toEqual(s.item.content);
    await opened.release();
  });
});

describe('a Google Drive file renamed or moved in the source', () => {
  let tenant: Tenant;
  let emu: DriveEmulator;
  let harness: RemoteHarness;

  beforeAll(async () => {
    tenant = Tenant.generate({ drives: 2, spreadsheets: 16, others: 4, seed: 9 });
    // Drive 1 is a user's My Drive: moves there go through the user's changes feed.
    emu = await new DriveEmulator(tenant, { pageSize: 50, myDrives: ['cfo@contoso.example'] }).start();
    harness = await startRemoteHarness();
  });
  afterAll(async () => {
    await harness?.close();
    await emu?.stop();
  });

  it('resolves the old path’s findings and files them under the new path (one new analysis each); the file’s metadata is stored', async () => {
    const config = {
      ...emu.sourceConfig('SS_TEST_GDRIVE_KEY4'),
      users: ['cfo@contoso.example'],
      readAhead: 2,
    };
    await scanRemoteSource(harness, 'rename-gd', 'gdrive', config);
    const before = await harness.openFindings();
    const withFindings = tenant
      .spreadsheets()
      .filter((s) => findingKindsAt(before, emu.humanPath(s.item)).length);
    const renamed = withFindings.find((s) => !emu.ownerOf(s.drive))!.item;
    const moved = withFindings.find((s) => emu.ownerOf(s.drive))!.item;
    const oldPaths = [renamed, moved].map((i) => emu.humanPath(i));
    const kinds = oldPaths.map((p) => findingKindsAt(before, p));
    const drive = tenant.driveOf(moved);
    const target = [...drive.items.values()].find((i) => i.kind === 'folder' && i.id !== moved.parent)!;
    tenant.rename(renamed, `Renamed ${renamed.name}`);
    tenant.move(moved, target.id);
    const downloads = emu.fetched();

    const second = await scanRemoteSource(harness, 'rename-gd', 'gdrive', config);
    expect(second.progress.files).toMatchObject({ changed: 2, deleted: 0, analyzed: 2, failed: 0 });
    expect(emu.fetched() - downloads).toBe(2);
    const after = await harness.openFindings();
    for (const p of oldPaths) expect(findingKindsAt(after, p)).toEqual([]);
    expect([renamed, moved].map((i) => findingKindsAt(after, emu.humanPath(i)))).toEqual(kinds);

    const source = (await harness.store.getSourceByName('rename-gd'))!;
    const files = (await harness.store.listFiles(source.id, { limit: 1000 })).items;
    expect(files).toHaveLength(tenant.spreadsheets().length);
    const csv =
      files.find((f) => f.path.endsWith('.csv') && f.id === renamed.id) ??
      files.find((f) => f.path.endsWith('.csv'))!;
    expect(csv.contentHash).toMatch(/^md5:[0-9a-f]{32}$/);
    expect(csv.version).toBe(csv.contentHash);
    expect(csv.mimeType).toBe('text/csv');
    expect(csv.etag).toMatch(/^\d+$/);
    expect(csv.webUrl).toMatch(/^https:\/\/docs\.google\.com\//);
    expect(csv.lastModifiedBy).toMatch(/@contoso\.example$/);
    expect(files.find((f) => f.id === moved.id)!.path).toBe(emu.humanPath(moved));
  });
});
