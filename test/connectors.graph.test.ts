import { existsSync, readFileSync } from 'node:fs';
import { createConnector, GraphConnector } from '@shadowscan/connectors';
import { UnreadableFileError, type FileChanges } from '@shadowscan/domain';
import { GraphEmulator } from './emulators/graph.emulator';
import { Tenant } from './emulators/tenant';
import {
  findingKindsAt,
  scanRemoteSource,
  startRemoteHarness,
  type RemoteHarness,
} from './support/remote-scan';

jest.setTimeout(60_000);

describe('SharePoint/OneDrive connector against the Graph emulator', () => {
  let tenant: Tenant;
  let emu: GraphEmulator;
  let connector: GraphConnector;
  let config: Record<string, unknown>;

  beforeAll(async () => {
    tenant = Tenant.generate({ drives: 3, spreadsheets: 45, others: 15, seed: 1 });
    emu = await new GraphEmulator(tenant, { pageSize: 10, repeatItems: true }).start();
    config = { ...emu.sourceConfig('SS_TEST_GRAPH_SECRET'), readAhead: 4 };
    connector = createConnector('sharepoint', config) as GraphConnector;
  });
  afterAll(() => emu?.stop());

  let first: FileChanges;

  it('enumerates every spreadsheet of every site with human paths, through paging and repeated items', async () => {
    first = await connector.listChanges(null);
    const expected = tenant.spreadsheets();
    expect(first.upserts).toHaveLength(expected.length);
    expect(first.seen).toBe(expected.length);
    expect(new Set(first.upserts.map((f) => f.id)).size).toBe(expected.length);
    const { drive, item } = expected[0];
    const ref = first.upserts.find((f) => f.id === `${drive.id}/${item.id}`)!;
    expect(ref.path).toBe(`${drive.site.displayName}/Documents/${tenant.pathOf(drive, item)}`);
    expect(ref).toMatchObject({
      name: item.name,
      size: item.content!.length,
      lastModifiedBy: item.modifiedBy,
    });
    expect(ref.version).toContain('c:');
    expect(ref.contentHash).toMatch(/^quickXorHash:/);
    expect(first.upserts.some((f) => f.sharingScope === 'organization')).toBe(true);
    expect(first.upserts.every((f) => !f.path.endsWith('.docx'))).toBe(true);
    expect(first.deletions).toEqual([]);
  });

  it('downloads through the 302 without sending the token to the download host', async () => {
    const { drive, item } = tenant.spreadsheets()[3];
    const ref = first.upserts.find((f) => f.id === `${drive.id}/${item.id}`)!;
    const opened = await connector.open(ref, 1_000_000);
    expect(readFileSync(opened.path)).toEqual(item.content);
    await opened.release();
    expect(existsSync(opened.path)).toBe(false);
    expect(emu.counts.unauthorized).toBe(0);
    expect(emu.counts.downloads).toBeGreaterThan(0);
  });

  it('refuses a file over the size cap and reports a vanished one as not_found', async () => {
    const ref = first.upserts[5];
    await expect(connector.open(ref, 3)).rejects.toMatchObject({ code: 'file_too_large' });
    const gone = { ...ref, id: `${ref.id.split('/')[0]}/01NOSUCHITEM` };
    await expect(connector.open(gone, 1_000_000)).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(connector.open(gone, 1_000_000)).rejects.toMatchObject({ code: 'not_found' });
  });

  let cursor: string;

  it('reports nothing when nothing changed, then exactly what changed: edits, deletions, additions, renames', async () => {
    const unchanged = await connector.listChanges(first.nextCursor);
    expect(unchanged.upserts).toEqual([]);
    expect(unchanged.deletions).toEqual([]);
    expect(unchanged.seen).toBe(first.seen);

    const sheets = tenant.spreadsheets().map((s) => s.item);
    tenant.change(sheets.slice(0, 3));
    tenant.remove(sheets.slice(3, 5));
    const added = tenant.add(2);
    // A folder rename moves its spreadsheets to new paths without new content.
    const { drive, item } = tenant.spreadsheets().find((s) => s.item.parent !== s.drive.rootId)!;
    const folder = drive.items.get(item.parent!)!;
    const inFolder = tenant
      .spreadsheets()
      .filter(
        (s) => s.item.parent === folder.id && !sheets.slice(0, 5).includes(s.item) && !added.includes(s.item),
      );
    tenant.rename(folder, `${folder.name} (renamed)`);

    const second = await connector.listChanges(unchanged.nextCursor);
    const ids = (items: Array<{ id: string }>) => items.map((i) => i.id.split('/')[1]).sort();
    expect(ids(second.deletions)).toEqual(
      sheets
        .slice(3, 5)
        .map((i) => i.id)
        .sort(),
    );
    expect(ids(second.upserts)).toEqual(
      [...new Set([...sheets.slice(0, 3), ...added, ...inFolder.map((s) => s.item)].map((i) => i.id))].sort(),
    );
    expect(second.deletions[0].path).toMatch(/^Site \d\/Documents\//);
    expect(second.seen).toBe(first.seen - 2 + 2);
    cursor = second.nextCursor;
  });

  it('resyncs after 410 Gone and still reports only the real differences', async () => {
    const before = emu.counts.delta;
    const target = tenant.spreadsheets()[0];
    tenant.expireTokens(target.drive);
    tenant.change([target.item]);
    const gone = tenant.spreadsheets()[1];
    tenant.remove([gone.item]);
    const after = await connector.listChanges(cursor);
    expect(after.upserts.map((f) => f.id)).toEqual([`${target.drive.id}/${target.item.id}`]);
    expect(after.deletions.map((f) => f.id)).toEqual([`${gone.drive.id}/${gone.item.id}`]);
    expect(emu.counts.delta - before).toBeGreaterThan(tenant.drives.length); // the re-enumeration
    cursor = after.nextCursor;
  });

  it('rides out throttling (429/503 with Retry-After) without failing', async () => {
    emu.faults.set({ throttleRate: 0.4, retryAfterSec: 0 });
    const throttledBefore = connector.throttleStats().throttled;
    try {
      const listed = await connector.listChanges(null);
      expect(listed.upserts).toHaveLength(tenant.spreadsheets().length);
      for (const f of listed.upserts.slice(0, 8)) await (await connector.open(f, 1_000_000)).release();
    } finally {
      emu.faults.set({ throttleRate: 0 });
    }
    expect(connector.throttleStats().throttled).toBeGreaterThan(throttledBefore);
  });

  it('rejects settings without credentials or scope, and never stores a secret', () => {
    expect(() => createConnector('sharepoint', { tenantId: 't', clientId: 'c', allSites: true })).toThrow(
      /exactly one of clientSecret and certificate/,
    );
    expect(() =>
      createConnector('sharepoint', { tenantId: 't', clientId: 'c', clientSecret: { env: 'X' } }),
    ).toThrow(/name what to scan/);
    expect(() =>
      createConnector('sharepoint', {
        tenantId: 't',
        clientId: 'c',
        clientSecret: 'hunter2',
        allSites: true,
      }),
    ).toThrow(/clientSecret/);
  });
});

describe('a SharePoint source scanned by the embedded pipeline', () => {
  let tenant: Tenant;
  let emu: GraphEmulator;
  let harness: RemoteHarness;

  beforeAll(async () => {
    tenant = Tenant.generate({ drives: 4, spreadsheets: 40, others: 10, seed: 2 });
    emu = await new GraphEmulator(tenant, {
      pageSize: 15,
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

  it('analyses every spreadsheet once, then exactly the changed and added ones, resolving deleted files’ findings', async () => {
    const config = { ...emu.sourceConfig('SS_TEST_GRAPH_SECRET2'), readAhead: 4 };
    const first = await scanRemoteSource(harness, 'tenant-sp', 'sharepoint', config);
    const sheets = tenant.spreadsheets();
    expect(first.progress.status).toBe('completed');
    expect(first.progress.files).toMatchObject({
      seen: sheets.length,
      changed: sheets.length,
      analyzed: sheets.length,
      failed: 0,
    });
    expect(first.analysed.size).toBe(sheets.length);

    const findingsBefore = await harness.openFindings();
    const withFindings = sheets.filter(({ drive, item }) =>
      findingsBefore.some(
        (f) => f.file === `${drive.site.displayName}/Documents/${tenant.pathOf(drive, item)}`,
      ),
    );
    expect(withFindings.length).toBeGreaterThan(4);
    const deleted = withFindings.slice(0, 2).map((s) => s.item);
    const changed = sheets
      .map((s) => s.item)
      .filter((i) => !deleted.includes(i))
      .slice(0, 3);
    tenant.remove(deleted);
    tenant.change(changed);
    const added = tenant.add(2);

    const second = await scanRemoteSource(harness, 'tenant-sp', 'sharepoint', config);
    expect(second.progress.files).toMatchObject({ changed: 5, deleted: 2, analyzed: 5, failed: 0 });
    expect([...second.analysed].map((id) => id.split('/')[1]).sort()).toEqual(
      [...changed, ...added].map((i) => i.id).sort(),
    );
    const open = await harness.openFindings();
    for (const item of deleted) {
      const { drive } = { drive: tenant.driveOf(item) };
      const p = `${drive.site.displayName}/Documents/${tenant.pathOf(drive, item)}`;
      expect(open.filter((f) => f.file === p)).toEqual([]);
    }
    expect(emu.counts.unauthorized).toBe(0);
  });
});

describe('a SharePoint file renamed or moved in the source', () => {
  let tenant: Tenant;
  let emu: GraphEmulator;
  let harness: RemoteHarness;

  beforeAll(async () => {
    tenant = Tenant.generate({ drives: 2, spreadsheets: 16, others: 4, seed: 8 });
    emu = await new GraphEmulator(tenant, { pageSize: 50 }).start();
    harness = await startRemoteHarness();
  });
  afterAll(async () => {
    await harness?.close();
    await emu?.stop();
  });

  it('resolves the old path’s findings and files them under the new path (one new analysis each); the file’s metadata is stored', async () => {
    const config = { ...emu.sourceConfig('SS_TEST_GRAPH_SECRET3'), readAhead: 2 };
    await scanRemoteSource(harness, 'rename-sp', 'sharepoint', config);
    const before = await harness.openFindings();
    const [renamed, moved] = tenant
      .spreadsheets()
      .filter((s) => findingKindsAt(before, emu.humanPath(s.item)).length > 0)
      .map((s) => s.item);
    const oldPaths = [renamed, moved].map((i) => emu.humanPath(i));
    const kinds = oldPaths.map((p) => findingKindsAt(before, p));
    const drive = tenant.driveOf(moved);
    const target = [...drive.items.values()].find((i) => i.kind === 'folder' && i.id !== moved.parent)!;
    tenant.rename(renamed, `Renamed ${renamed.name}`);
    tenant.move(moved, target.id);
    const downloads = emu.fetched();

    const second = await scanRemoteSource(harness, 'rename-sp', 'sharepoint', config);
    // Finding identity includes the path, so a move re-analyses the file under its new path.
    expect(second.progress.files).toMatchObject({ changed: 2, deleted: 0, analyzed: 2, failed: 0 });
    expect(emu.fetched() - downloads).toBe(2);
    const after = await harness.openFindings();
    for (const p of oldPaths) expect(findingKindsAt(after, p)).toEqual([]);
    expect([renamed, moved].map((i) => findingKindsAt(after, emu.humanPath(i)))).toEqual(kinds);
    const resolved = (await harness.store.listFindings({ status: 'resolved', limit: 1000 })).items;
    expect(oldPaths.every((p) => resolved.some((f) => f.file === p))).toBe(true);

    const source = (await harness.store.getSourceByName('rename-sp'))!;
    const files = (await harness.store.listFiles(source.id, { limit: 1000 })).items;
    expect(files).toHaveLength(tenant.spreadsheets().length);
    const row = files.find((f) => f.id === emu.fileId(renamed))!;
    expect(row).toMatchObject({
      path: emu.humanPath(renamed),
      size: renamed.content!.length,
      mimeType: renamed.mimeType,
      lastModifiedBy: renamed.modifiedBy,
      etag: `"{${renamed.id}},${renamed.meta}"`,
      version: `"c:{${renamed.id}},${renamed.version}"`,
    });
    expect(row.contentHash).toMatch(/^quickXorHash:/);
    expect(row.webUrl).toMatch(/^https:\/\/contoso\.sharepoint\.com\/sites\//);
    expect(files.some((f) => f.sharingScope === 'organization')).toBe(true);
  });
});
