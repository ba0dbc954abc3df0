import { sql } from 'kysely';
import { openDatabase, type OpenDatabase } from './database';
import { ShadowscanStore } from './store';

/**
 * With one writer (PGlite) the store keeps the audit chain's head in memory instead of reading it per
 * transaction. The chain must stay verifiable whatever happens between commits, including a
 * transaction that rolls back after appending its entries.
 */
describe('audit chain with one writer', () => {
  let database: OpenDatabase;
  let store: ShadowscanStore;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    store = new ShadowscanStore(database.db, { oneWriter: true });
    await sql`insert into sources (id, name, kind, config) values ('s', 's', 'local', '{}')`.execute(
      database.db,
    );
    for (const id of ['f1', 'f2'])
      await sql`insert into findings (id, kind, severity, status, source_id, file, title, evidence, evidence_hash,
                  first_seen_at, last_seen_at, last_scan_id)
                values (${id}, 'duplicate', 'medium', 'open', 's', 'a.xlsx', 't', '{}', 'h', now(), now(), 'x')`.execute(
        database.db,
      );
  });
  afterAll(() => database.close());

  beforeAll(async () => {
    await sql`create function refuse() returns trigger language plpgsql as $$
                begin
                  if new.reason = 'refused at commit' then raise exception 'refused'; end if;
                  return null;
                end $$`.execute(database.db);
    await sql`create constraint trigger refuse after insert on finding_events
                deferrable initially deferred for each row execute function refuse()`.execute(database.db);
  });

  const triage = (id: string, reason: string) =>
    store.triageFinding(id, { status: 'acknowledged', actor: 'ana', reason });

  it('chains entries written one after another, and after a rolled-back append', async () => {
    await triage('f1', 'first');
    await triage('f2', 'second');
    // A transaction whose entries are appended and that then fails to commit (a deferred check
    // refuses it): its hashes must not become the head.
    await expect(triage('f2', 'refused at commit')).rejects.toThrow(/refused/);
    await triage('f1', 'third');
    // Concurrent callers: the one connection takes them in turn.
    await Promise.all([triage('f1', 'fourth'), triage('f2', 'fifth'), triage('f1', 'sixth')]);
    expect(await store.verifyAudit()).toEqual({ ok: true, entries: 6 });
  });

  it('picks the chain up from the database in a new process (a new store on the same data)', async () => {
    const other = new ShadowscanStore(database.db, { oneWriter: true });
    await other.triageFinding('f2', { status: 'acknowledged', actor: 'bo', reason: 'seventh' });
    expect(await other.verifyAudit()).toEqual({ ok: true, entries: 7 });
  });
});
