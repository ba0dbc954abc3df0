import { sql } from 'kysely';
import { openDatabase, type OpenDatabase } from './database';
import { ShadowscanStore, type AnalysisRecord } from './store';

const sig = (sheet: string, range: string, contentHash: string) => ({
  sheet,
  range,
  schemaHash: `schema-${sheet}`,
  contentHash,
  sketch: [1, 2, 3],
  rows: 10,
});

/** recordAnalysis writes a file's analysis, signatures and findings in one statement plus a few. */
describe('recording an analysis', () => {
  let database: OpenDatabase;
  let store: ShadowscanStore;
  let scans = 0;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    store = new ShadowscanStore(database.db, { oneWriter: true });
    await sql`insert into sources (id, name, kind, config) values ('s', 's', 'local', '{}')`.execute(
      database.db,
    );
    await sql`insert into catalogs (version, source, body) values ('c', 'catalog.yaml', '{}')`.execute(
      database.db,
    );
  });
  afterAll(() => database.close());

  /** A new scan in which file f, at `version`, is pending. */
  async function pending(version: string): Promise<string> {
    const scanId = `scan-${++scans}`;
    await sql`insert into scans (id, source_id, catalog_version, status) values (${scanId}, 's', 'c', 'running')`.execute(
      database.db,
    );
    await sql`insert into scan_files (scan_id, source_id, file_id, path, version, state)
              values (${scanId}, 's', 'f', 'a.xlsx', ${version}, 'pending')`.execute(database.db);
    return scanId;
  }

  const record = (scanId: string, version: string, signatures: AnalysisRecord['signatures']) =>
    store.recordAnalysis({
      scanId,
      sourceId: 's',
      fileId: 'f',
      path: 'a.xlsx',
      version,
      fingerprint: { tables: [] },
      matches: [],
      errorCode: null,
      tables: signatures?.length ?? 0,
      matchedTables: 0,
      findings: [],
      signatures,
    });

  const signatures = async () =>
    (
      await database.db
        .selectFrom('table_signatures')
        .select(['version', 'sheet', 'range', 'content_hash'])
        .orderBy('sheet')
        .execute()
    ).map((r) => `${r.version} ${r.sheet}!${r.range} ${r.content_hash}`);

  it('keeps exactly the signatures of the latest analysis of a file', async () => {
    const first = await pending('v1');
    expect(await record(first, 'v1', [sig('A', 'A1:C9', 'a1'), sig('B', 'A1:D5', 'b1')])).toMatchObject({
      recorded: true,
    });
    expect(await signatures()).toEqual(['v1 A!A1:C9 a1', 'v1 B!A1:D5 b1']);

    // The same version analysed again (a later scan, e.g. with a new catalog): a table gone, one changed.
    await record(await pending('v1'), 'v1', [sig('A', 'A1:C9', 'a2')]);
    expect(await signatures()).toEqual(['v1 A!A1:C9 a2']);

    // A new version: the old version's signatures go.
    await record(await pending('v2'), 'v2', [sig('C', 'B2:E8', 'c1'), sig('C', 'B2:E8', 'c1')]);
    expect(await signatures()).toEqual(['v2 C!B2:E8 c1']);

    // A file that now has no table keeps no signature.
    await record(await pending('v3'), 'v3', []);
    expect(await signatures()).toEqual([]);
  });

  it('writes nothing for a file that is no longer pending (a redelivered job)', async () => {
    const scanId = await pending('v4');
    await record(scanId, 'v4', [sig('D', 'A1:B2', 'd1')]);
    const again = await record(scanId, 'v4', [sig('E', 'A1:B2', 'e1')]);
    expect(again).toMatchObject({ recorded: false, changes: 0 });
    expect(await signatures()).toEqual(['v4 D!A1:B2 d1']);
  });
});
