import { createHash, randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { ShadowscanError } from '@shadowscan/domain';
import type {
  DetectedFinding,
  FileChanges,
  Finding,
  FindingKind,
  FindingStatus,
  ResolvedCatalog,
} from '@shadowscan/domain';
import type { CatalogVersionsTable, Database, ScansTable, SourcesTable } from './schema';

export type SourceRow = Selectable<SourcesTable>;
export type ScanRow = Selectable<ScansTable>;

export interface ScanProgress {
  id: string;
  sourceId: string;
  sourceName: string;
  status: ScanRow['status'];
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  files: {
    seen: number;
    changed: number;
    deleted: number;
    analyzed: number;
    failed: number;
    pending: number;
  };
  tables: number;
  matchedTables: number;
  /** 0..1: analysed share of the changed files (1 once the crawl found nothing to do). */
  progress: number;
  /** Open findings of this scan's source, by kind. */
  findings: Partial<Record<FindingKind, number>>;
}

export interface FindingFilter {
  id?: string;
  kind?: FindingKind;
  status?: FindingStatus;
  system?: string;
  entity?: string;
  sourceId?: string;
  limit?: number;
  offset?: number;
}

/**
 * Other pending files of a scan are counted up to this cap: enough to know that this file was not among
 * the last ones, so the caller can skip the check that finalises the scan (see `RecordedAnalysis`).
 */
const PENDING_COUNT_CAP = 512;

export interface RecordedAnalysis {
  /** False when the file was already done (a redelivered job): nothing was written. */
  recorded: boolean;
  /** Finding changes recorded for delivery. */
  changes: number;
  /**
   * The scan's other pending files as this transaction saw them, capped at PENDING_COUNT_CAP. Files that
   * finish while this transaction runs still count, so only a value at the cap proves this file was
   * not the last: below it the caller must check (`finalizeIfDone`). The cap must exceed the number of
   * analyses that can run at once across all workers.
   */
  pendingLeft: number;
}

export const FINALIZE_CHECK_BELOW = PENDING_COUNT_CAP;

/** JSON already serialised (by an analysis thread): stored as is. */
export class JsonText {
  constructor(readonly text: string) {}
}

const jsonOf = (v: unknown): string | null =>
  v === null ? null : v instanceof JsonText ? v.text : JSON.stringify(v);

export interface AnalysisRecord {
  scanId: string;
  sourceId: string;
  fileId: string;
  path: string;
  version: string;
  fingerprint: unknown | JsonText | null;
  matches: unknown | JsonText | null;
  errorCode: string | null;
  tables: number;
  matchedTables: number;
  findings: DetectedFinding[];
  /** Per-table signatures for copy-cluster detection. */
  signatures?: Array<{
    sheet: string;
    range: string;
    schemaHash: string;
    contentHash: string;
    sketch: number[];
    rows: number;
  }>;
}

export interface TriageInput {
  status: FindingStatus;
  actor: string;
  reason: string;
  owner?: string | null;
  /** Required for accepted_risk: when the acceptance lapses and the finding reopens. */
  riskExpiresAt?: string | null;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** First entry whose hash does not follow from its content and its predecessor. */
  brokenAt?: number;
  reason?: string;
}

/** A file of a source's inventory, as listed by the API. */
export interface SourceFile {
  id: string;
  path: string;
  name: string;
  size: number;
  modifiedAt: string;
  lastModifiedBy: string | null;
  /** Content version as the connector tracks it (local sha256, Graph cTag, Drive md5 or Sheet version). */
  version: string;
  etag: string | null;
  mimeType: string | null;
  /** The source's own content hash (`quickXorHash:…`, `md5:…`). */
  contentHash: string | null;
  sha256: string | null;
  webUrl: string | null;
  sharingScope: string | null;
  lastScanId: string;
}

export interface TableCopyRow {
  source_id: string;
  source_name: string;
  file_id: string;
  path: string;
  sheet: string;
  range: string;
  rows: number;
  schema_hash: string;
  content_hash: string;
  sketch: number[];
  modified_at: Date | string;
  last_modified_by: string | null;
}

/** A stored version of a catalog file. */
export interface CatalogVersion {
  /** Absolute path of the catalog file. */
  catalog: string;
  /** 1, 2, 3… per catalog file. */
  number: number;
  /** Content hash (what scans reference). */
  version: string;
  systems: number;
  entities: number;
  fields: number;
  summary: Record<string, unknown>;
  /** What the latest sync that found this content read. */
  origin: Record<string, unknown>;
  syncedBy: string;
  syncs: number;
  createdAt: string;
  syncedAt: string;
}

export interface CatalogSyncRecord extends CatalogVersion {
  /** A new version was stored. */
  changed: boolean;
  /** The catalog's latest version before this sync. */
  previous?: { number: number; version: string };
}

function catalogVersionOf(r: Selectable<CatalogVersionsTable>): CatalogVersion {
  return {
    catalog: r.catalog,
    number: r.number,
    version: r.version,
    systems: r.systems,
    entities: r.entities,
    fields: r.fields,
    summary: r.summary,
    origin: r.origin,
    syncedBy: r.synced_by,
    syncs: r.syncs,
    createdAt: iso(r.created_at)!,
    syncedAt: iso(r.synced_at)!,
  };
}

const ACTOR_SCAN = 'scan';

/** Files per multi-row statement when a crawl is recorded (well under PostgreSQL's 65,535 parameters). */
const CRAWL_BATCH = 500;

/** The `files` columns a crawl sets; a file seen again takes all of them from the new listing. */
const FILE_COLUMNS = [
  'path',
  'name',
  'size',
  'modified_at',
  'version',
  'sha256',
  'deleted_at',
  'last_scan_id',
  'sharing_scope',
  'last_modified_by',
  'mime_type',
  'content_hash',
  'web_url',
  'etag',
] as const;

/** Metadata a listing may omit for a file it reports (see recordCrawl). */
const KEPT_FILE_METADATA = [
  'sha256',
  'sharing_scope',
  'last_modified_by',
  'mime_type',
  'content_hash',
  'etag',
] as const;

function iso(v: unknown): string | null {
  return v === null || v === undefined ? null : new Date(v as string | Date).toISOString();
}

/** Every read and write of Shadowscan's state. Same SQL on PostgreSQL and PGlite. */
export class ShadowscanStore {
  /** Audit entries recorded in each open transaction, appended when it is about to commit. */
  private readonly pendingEvents = new WeakMap<Transaction<Database>, PendingEvent[]>();
  /**
   * With one writer: the audit chain's last hash as of the last commit that appended to it (null: the
   * chain is empty; undefined: not known, read it). Saves a statement per analysis with findings.
   */
  private chainHead: string | null | undefined;
  /** Transactions that appended to the chain, counted: only the latest may set `chainHead`. */
  private chainWrites = 0;

  /**
   * `oneWriter`: the database is one connection handed to one borrower at a time (PGlite, see
   * database.ts), so transactions never overlap and the audit chain needs no lock.
   */
  constructor(
    readonly db: Kysely<Database>,
    private readonly opts: { oneWriter?: boolean } = {},
  ) {}

  // ---- sources and catalogs

  async upsertSource(input: {
    name: string;
    kind: string;
    config: Record<string, unknown>;
  }): Promise<SourceRow> {
    return this.db
      .insertInto('sources')
      .values({ id: randomUUID(), name: input.name, kind: input.kind, config: JSON.stringify(input.config) })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ kind: input.kind, config: JSON.stringify(input.config) }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async getSource(id: string): Promise<SourceRow | undefined> {
    return this.db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async getSourceByName(name: string): Promise<SourceRow | undefined> {
    return this.db.selectFrom('sources').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async listSources(): Promise<SourceRow[]> {
    return this.db.selectFrom('sources').selectAll().orderBy('name').execute();
  }

  /** The inventory of a source: its live spreadsheet files with what the source said about each. */
  async listFiles(
    sourceId: string,
    page: { limit?: number; offset?: number } = {},
  ): Promise<{ total: number; items: SourceFile[] }> {
    const q = this.db.selectFrom('files').where('source_id', '=', sourceId).where('deleted_at', 'is', null);
    const { total } = await q.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll()
      .orderBy(sql`path collate "C"`)
      .limit(page.limit ?? 100)
      .offset(page.offset ?? 0)
      .execute();
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        path: r.path,
        name: r.name,
        size: Number(r.size),
        modifiedAt: iso(r.modified_at)!,
        lastModifiedBy: r.last_modified_by,
        version: r.version,
        etag: r.etag,
        mimeType: r.mime_type,
        contentHash: r.content_hash,
        sha256: r.sha256,
        webUrl: r.web_url,
        sharingScope: r.sharing_scope,
        lastScanId: r.last_scan_id,
      })),
    };
  }

  async saveCatalog(catalog: ResolvedCatalog): Promise<void> {
    await this.db
      .insertInto('catalogs')
      .values({ version: catalog.version, source: catalog.source, body: JSON.stringify(catalog) })
      .onConflict((oc) => oc.column('version').doNothing())
      .execute();
  }

  async getCatalog(version: string): Promise<ResolvedCatalog | undefined> {
    const row = await this.db
      .selectFrom('catalogs')
      .select('body')
      .where('version', '=', version)
      .executeTakeFirst();
    return row?.body as ResolvedCatalog | undefined;
  }

  /**
   * Records a sync of a catalog file: a new numbered version when the content differs from the
   * catalog's latest version, else the latest version is marked as synced again. The content, the
   * version row and nothing else are written, in one transaction; syncs of one catalog are serialised.
   */
  async recordCatalogSync(input: {
    catalog: ResolvedCatalog;
    summary: { systems: unknown[]; entities: number; fields: number };
    origin: object;
    syncedBy: string;
  }): Promise<CatalogSyncRecord> {
    const { catalog, summary } = input;
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`catalog:${catalog.source}`}))`.execute(trx);
      await trx
        .insertInto('catalogs')
        .values({ version: catalog.version, source: catalog.source, body: JSON.stringify(catalog) })
        .onConflict((oc) => oc.column('version').doNothing())
        .execute();
      const latest = await trx
        .selectFrom('catalog_versions')
        .selectAll()
        .where('catalog', '=', catalog.source)
        .orderBy('number', 'desc')
        .limit(1)
        .executeTakeFirst();
      const previous = latest ? { number: latest.number, version: latest.version } : undefined;
      if (latest?.version === catalog.version) {
        const row = await trx
          .updateTable('catalog_versions')
          .set({
            origin: JSON.stringify(input.origin),
            synced_by: input.syncedBy,
            syncs: sql<number>`syncs + 1`,
            synced_at: sql<Date>`now()`,
          })
          .where('catalog', '=', latest.catalog)
          .where('number', '=', latest.number)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { ...catalogVersionOf(row), changed: false, previous };
      }
      const row = await trx
        .insertInto('catalog_versions')
        .values({
          catalog: catalog.source,
          number: (latest?.number ?? 0) + 1,
          version: catalog.version,
          systems: summary.systems.length,
          entities: summary.entities,
          fields: summary.fields,
          summary: JSON.stringify(summary),
          origin: JSON.stringify(input.origin),
          synced_by: input.syncedBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { ...catalogVersionOf(row), changed: true, previous };
    });
  }

  /** The latest version of a catalog file (by absolute path), or undefined if it was never synced. */
  async latestCatalogVersion(catalog: string): Promise<CatalogVersion | undefined> {
    const row = await this.db
      .selectFrom('catalog_versions')
      .selectAll()
      .where('catalog', '=', catalog)
      .orderBy('number', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && catalogVersionOf(row);
  }

  /** Versions of one catalog file (or of all), newest first. */
  async listCatalogVersions(filter: { catalog?: string; limit?: number } = {}): Promise<CatalogVersion[]> {
    let q = this.db.selectFrom('catalog_versions').selectAll();
    if (filter.catalog) q = q.where('catalog', '=', filter.catalog);
    const rows = await q
      .orderBy('catalog')
      .orderBy('number', 'desc')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(catalogVersionOf);
  }

  // ---- scans

  async createScan(sourceId: string, catalogVersion: string): Promise<ScanRow> {
    return this.db
      .insertInto('scans')
      .values({
        id: randomUUID(),
        source_id: sourceId,
        catalog_version: catalogVersion,
        status: 'queued',
        error: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async getScan(id: string): Promise<ScanRow | undefined> {
    return this.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async markScanRunning(id: string): Promise<void> {
    await this.db
      .updateTable('scans')
      .set({ status: 'running', started_at: sql<Date>`coalesce(started_at, now())` })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }

  async failScan(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('scans')
      .set({ status: 'failed', error, finished_at: new Date() })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }

  /**
   * Records what a crawl found, atomically: the inventory, the files this scan must analyse, the
   * findings of deleted files resolved, and the new cursor. A crawl retried after this commits finds
   * `crawled_at` set and only re-enqueues what is still pending.
   */
  async recordCrawl(scan: ScanRow, changes: FileChanges, cursorCatalogVersion: string): Promise<void> {
    await this.transaction(async (trx) => {
      const now = new Date();
      // Multi-row statements, CRAWL_BATCH files at a time: a first crawl records thousands of files, and
      // a round trip per file and table (PGlite runs each one through WASM) dominated the crawl.
      const upserts = [...new Map(changes.upserts.map((f) => [f.id, f])).values()];
      for (let i = 0; i < upserts.length; i += CRAWL_BATCH) {
        const batch = upserts.slice(i, i + CRAWL_BATCH);
        // A renamed or moved file keeps its id: the findings filed under its old path are resolved.
        const before = await trx
          .selectFrom('files')
          .select(['id', 'path'])
          .where('source_id', '=', scan.source_id)
          .where(sql<boolean>`id = any(${sql.val(batch.map((f) => f.id))}::text[])`)
          .execute();
        const pathBefore = new Map(before.map((r) => [r.id, r.path]));
        const moved = batch.filter((f) => pathBefore.has(f.id) && pathBefore.get(f.id) !== f.path);
        for (const f of moved) {
          await this.resolveFindingsOfFile(
            trx,
            scan.source_id,
            pathBefore.get(f.id)!,
            new Set(),
            scan.id,
            null,
          );
        }
        await trx
          .insertInto('files')
          .values(batch.map((f) => this.fileRow(scan, f)))
          .onConflict((oc) =>
            oc.columns(['source_id', 'id']).doUpdateSet((eb) => {
              const set: Record<string, unknown> = {};
              for (const c of FILE_COLUMNS) set[c] = eb.ref(`excluded.${c}`);
              // A file reported only because its folder moved comes without the listing's metadata:
              // while its content version is the same, keep what is known (not the web link, which
              // may embed the old path).
              for (const c of KEPT_FILE_METADATA) {
                set[c] = sql`case when excluded.version = files.version
                  then coalesce(excluded.${sql.ref(c)}, files.${sql.ref(c)}) else excluded.${sql.ref(c)} end`;
              }
              return set as never;
            }),
          )
          .execute();
        await trx
          .insertInto('scan_files')
          .values(
            batch.map((f) => ({
              scan_id: scan.id,
              source_id: scan.source_id,
              file_id: f.id,
              path: f.path,
              version: f.version,
              state: 'pending' as const,
              error_code: null,
              error: null,
              finished_at: null,
            })),
          )
          .onConflict((oc) => oc.columns(['scan_id', 'file_id']).doNothing())
          .execute();
      }
      for (let i = 0; i < changes.deletions.length; i += CRAWL_BATCH) {
        const batch = changes.deletions.slice(i, i + CRAWL_BATCH);
        await trx
          .updateTable('files')
          .set({ deleted_at: now, last_scan_id: scan.id })
          .where('source_id', '=', scan.source_id)
          .where(sql<boolean>`id = any(${sql.val(batch.map((d) => d.id))}::text[])`)
          .execute();
      }
      for (const d of changes.deletions) {
        // Deletions are the crawl's doing: their events carry no file id and go out with the crawl's delivery.
        await this.resolveFindingsOfFile(trx, scan.source_id, d.path, new Set(), scan.id, null);
      }
      await trx
        .updateTable('scans')
        .set({
          files_seen: changes.seen,
          files_changed: changes.upserts.length,
          files_deleted: changes.deletions.length,
          crawled_at: now,
        })
        .where('id', '=', scan.id)
        .execute();
      await trx
        .updateTable('sources')
        .set({ cursor: changes.nextCursor, cursor_catalog_version: cursorCatalogVersion })
        .where('id', '=', scan.source_id)
        .execute();
    });
  }

  /** The live files of a source as a crawl would report them (the inverse of fileRow). */
  async liveFiles(sourceId: string): Promise<Array<FileChanges['upserts'][number]>> {
    const rows = await this.db
      .selectFrom('files')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map((f) => ({
      id: f.id,
      path: f.path,
      name: f.name,
      size: Number(f.size),
      modifiedAt: new Date(f.modified_at).toISOString(),
      version: f.version,
      sha256: f.sha256 ?? undefined,
      sharingScope: f.sharing_scope ?? undefined,
      lastModifiedBy: f.last_modified_by ?? undefined,
      mimeType: f.mime_type ?? undefined,
      contentHash: f.content_hash ?? undefined,
      webUrl: f.web_url ?? undefined,
      etag: f.etag ?? undefined,
    }));
  }

  /** The inventory row of a file as a crawl reports it. */
  private fileRow(scan: ScanRow, f: FileChanges['upserts'][number]) {
    return {
      source_id: scan.source_id,
      id: f.id,
      path: f.path,
      name: f.name,
      size: f.size,
      modified_at: f.modifiedAt,
      version: f.version,
      sha256: f.sha256 ?? null,
      deleted_at: null,
      last_scan_id: scan.id,
      sharing_scope: f.sharingScope ?? null,
      last_modified_by: f.lastModifiedBy ?? null,
      mime_type: f.mimeType ?? null,
      content_hash: f.contentHash ?? null,
      web_url: f.webUrl ?? null,
      etag: f.etag ?? null,
    };
  }

  async pendingScanFiles(scanId: string) {
    return (
      this.db
        .selectFrom('scan_files')
        .select(['source_id', 'file_id', 'version', 'path'])
        .where('scan_id', '=', scanId)
        .where('state', '=', 'pending')
        // Byte order, as connectors list: read-ahead downloads then match the order of analysis.
        .orderBy(sql`path collate "C"`)
        .execute()
    );
  }

  async getFile(sourceId: string, fileId: string) {
    return this.db
      .selectFrom('files')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('id', '=', fileId)
      .executeTakeFirst();
  }

  async getScanFile(scanId: string, fileId: string) {
    return this.db
      .selectFrom('scan_files')
      .selectAll()
      .where('scan_id', '=', scanId)
      .where('file_id', '=', fileId)
      .executeTakeFirst();
  }

  /**
   * What an analysis job needs to know, in one read: the scan file (absent: not part of the scan), the
   * scan's catalog version, the source (absent: deleted) and the file's sharing scope.
   */
  async analysisContext(scanId: string, sourceId: string, fileId: string) {
    const row = await this.db
      .selectFrom('scan_files as sf')
      .innerJoin('scans as s', 's.id', 'sf.scan_id')
      .leftJoin('sources as src', (j) => j.on('src.id', '=', sourceId))
      .leftJoin('files as f', (j) => j.on('f.source_id', '=', sourceId).onRef('f.id', '=', 'sf.file_id'))
      .select([
        'sf.path',
        'sf.state',
        's.catalog_version',
        'src.id as source_id',
        'src.kind as source_kind',
        'src.config as source_config',
        'f.sharing_scope',
      ])
      .where('sf.scan_id', '=', scanId)
      .where('sf.file_id', '=', fileId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      scanFile: { path: row.path, state: row.state },
      catalogVersion: row.catalog_version,
      source:
        row.source_id === null
          ? null
          : { id: row.source_id, kind: row.source_kind!, config: row.source_config! },
      sharingScope: row.sharing_scope,
    };
  }

  /**
   * Persists one analysis in one transaction: the fingerprint and matches, the findings with their
   * lifecycle events, and the scan file marked done. Returns whether it was recorded (false when the
   * file was already done, a redelivered job: nothing is written) and how many finding changes it
   * recorded for delivery.
   */
  async recordAnalysis(a: AnalysisRecord): Promise<RecordedAnalysis> {
    return this.transaction(async (trx) => {
      const fingerprint = jsonOf(a.fingerprint);
      const matches = jsonOf(a.matches);
      // One round trip: claim the file (only while pending: a redelivered job writes nothing), upsert
      // its analysis, replace its table signatures, count the scan's other pending files, and read
      // the findings to bring in line (see applyFindings). Data-modifying CTEs run once whether or not
      // the select reads them, and all see the statement's snapshot: the file still counts as pending
      // there, hence its exclusion. They must not touch one row twice: the old signatures deleted are
      // those the new ones do not replace (another version, or a table no longer there), and the new
      // ones are upserted.
      const keep = a.findings.map((f) => f.id);
      const signatures = JSON.stringify(
        (a.signatures ?? []).map((sig) => ({
          sheet: sig.sheet,
          range: sig.range,
          schema_hash: sig.schemaHash,
          content_hash: sig.contentHash,
          sketch: sig.sketch,
          rows: sig.rows,
        })),
      );
      const { rows } = await sql<{ claimed: number; pending_left: number; findings: ExistingFinding[] }>`
        with claimed as (
          update scan_files
          set state = 'done', tables = ${a.tables}, matched_tables = ${a.matchedTables},
              error_code = ${a.errorCode}, finished_at = now()
          where scan_id = ${a.scanId} and file_id = ${a.fileId} and state = 'pending'
          returning file_id
        ), analysis as (
          insert into analyses (source_id, file_id, version, fingerprint, matches, error_code)
          select ${a.sourceId}, ${a.fileId}, ${a.version}, ${fingerprint}::json, ${matches}::json, ${a.errorCode}
          from claimed
          on conflict (source_id, file_id, version) do update set
            fingerprint = excluded.fingerprint, matches = excluded.matches, error_code = excluded.error_code
        ), cleared as (
          delete from table_signatures
          where source_id = ${a.sourceId} and file_id = ${a.fileId} and exists (select 1 from claimed)
            and (version <> ${a.version} or (sheet, range) not in (
              select x.sheet, x.range from json_to_recordset(${signatures}::json) as x(sheet text, range text)
            ))
        ), signed as (
          insert into table_signatures
            (source_id, file_id, version, sheet, range, schema_hash, content_hash, sketch, rows)
          select distinct on (x.sheet, x.range)
                 ${a.sourceId}, ${a.fileId}, ${a.version}, x.sheet, x.range, x.schema_hash, x.content_hash,
                 x.sketch, x.rows
          from claimed, json_to_recordset(${signatures}::json)
               as x(sheet text, range text, schema_hash text, content_hash text, sketch jsonb, rows integer)
          on conflict (source_id, file_id, version, sheet, range) do update set
            schema_hash = excluded.schema_hash, content_hash = excluded.content_hash,
            sketch = excluded.sketch, rows = excluded.rows
        )
        select (select count(*) from claimed)::int as claimed,
               (select count(*)::int from (
                  select 1 from scan_files
                  where scan_id = ${a.scanId} and state = 'pending' and file_id <> ${a.fileId}
                  limit ${PENDING_COUNT_CAP}
               ) p) as pending_left,
               (select coalesce(json_agg(json_build_object(
                  'id', id, 'status', status, 'evidence_hash', evidence_hash,
                  'risk_expires_at', risk_expires_at, 'source_id', source_id, 'file', file, 'kind', kind
                )), '[]') from findings
                where id = any(${keep}::text[])
                   or (source_id = ${a.sourceId} and file = ${a.path} and kind <> 'copy_cluster'
                       and status <> 'resolved')
               ) as findings
      `.execute(trx);
      const { claimed, pending_left: pendingLeft, findings } = rows[0];
      if (!claimed) return { recorded: false, changes: 0, pendingLeft };
      await this.applyFindings(trx, a, findings);
      return { recorded: true, changes: this.pendingEvents.get(trx)!.length, pendingLeft };
    });
  }

  async markScanFileFailed(scanId: string, fileId: string, error: string): Promise<void> {
    await this.db
      .updateTable('scan_files')
      .set({ state: 'failed', error: error.slice(0, 2000), finished_at: new Date() })
      .where('scan_id', '=', scanId)
      .where('file_id', '=', fileId)
      .where('state', '=', 'pending')
      .execute();
  }

  /**
   * Moves the scan to `finalizing` once the crawl is recorded and no file is pending. Returns true for
   * the one call that did, which then runs the cross-file work (copy clusters) and `finishScan`.
   */
  async completeScanIfDone(scanId: string): Promise<boolean> {
    const row = await this.db
      .updateTable('scans')
      .set({ status: 'finalizing' })
      .where('id', '=', scanId)
      .where('status', '=', 'running')
      .where('crawled_at', 'is not', null)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('scan_files')
              .select('file_id')
              .where('scan_files.scan_id', '=', scanId)
              .where('scan_files.state', '=', 'pending'),
          ),
        ),
      )
      .returning('id')
      .executeTakeFirst();
    return !!row;
  }

  /**
   * `completeScanIfDone` and a read of the scan's status in one statement: 'finalizing' when this call
   * (or an earlier one) moved the scan there.
   */
  async finalizeIfDone(scanId: string): Promise<ScanRow['status'] | undefined> {
    const { rows } = await sql<{ status: ScanRow['status'] | null }>`
      with moved as (
        update scans set status = 'finalizing'
        where id = ${scanId} and status = 'running' and crawled_at is not null
          and not exists (select 1 from scan_files where scan_id = ${scanId} and state = 'pending')
        returning status
      )
      select coalesce((select status from moved), (select status from scans where id = ${scanId})) as status
    `.execute(this.db);
    return rows[0]?.status ?? undefined;
  }

  async finishScan(scanId: string): Promise<void> {
    await this.db
      .updateTable('scans')
      .set({ status: 'completed', finished_at: new Date() })
      .where('id', '=', scanId)
      .where('status', '=', 'finalizing')
      .execute();
  }

  // ---- official rows (contradiction look-ups against extracts)

  async hasOfficialRows(catalogVersion: string, entity: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('official_row_index')
      .select('rows')
      .where('catalog_version', '=', catalogVersion)
      .where('entity', '=', entity)
      .executeTakeFirst();
    return !!row;
  }

  /** Indexes an extract's rows by key, once per catalog version; the marker row commits last. */
  async saveOfficialRows(
    catalogVersion: string,
    entity: string,
    rows: AsyncIterable<Array<{ key: string; row: Record<string, unknown> }>>,
  ): Promise<number> {
    let n = 0;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('official_rows')
        .where('catalog_version', '=', catalogVersion)
        .where('entity', '=', entity)
        .execute();
      for await (const batch of rows) {
        if (batch.length === 0) continue;
        // Later rows win on a repeated key, as a look-up by key would see them.
        const unique = [...new Map(batch.map((b) => [b.key, b])).values()];
        await trx
          .insertInto('official_rows')
          .values(
            unique.map((b) => ({
              catalog_version: catalogVersion,
              entity,
              key: b.key,
              row: JSON.stringify(b.row),
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(['catalog_version', 'entity', 'key'])
              .doUpdateSet({ row: (eb) => eb.ref('excluded.row') }),
          )
          .execute();
        n += unique.length;
      }
      await trx
        .insertInto('official_row_index')
        .values({ catalog_version: catalogVersion, entity, rows: n })
        .onConflict((oc) => oc.columns(['catalog_version', 'entity']).doUpdateSet({ rows: n }))
        .execute();
    });
    return n;
  }

  async lookupOfficialRows(
    catalogVersion: string,
    entity: string,
    keys: string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('official_rows')
      .select(['key', 'row'])
      .where('catalog_version', '=', catalogVersion)
      .where('entity', '=', entity)
      .where(sql<boolean>`key = any(${sql.val(keys)}::text[])`)
      .execute();
    return new Map(rows.map((r) => [r.key, r.row as Record<string, unknown>]));
  }

  // ---- copy clusters

  /** Every table of a live file whose schema another file shares: the input of copy-cluster detection. */
  async liveTableSignatures(): Promise<TableCopyRow[]> {
    const rows = await this.db
      .selectFrom('table_signatures as t')
      .innerJoin('files as f', (j) =>
        j
          .onRef('f.source_id', '=', 't.source_id')
          .onRef('f.id', '=', 't.file_id')
          .onRef('f.version', '=', 't.version'),
      )
      .innerJoin('sources as s', 's.id', 't.source_id')
      .select([
        't.source_id',
        's.name as source_name',
        't.file_id',
        'f.path',
        't.sheet',
        't.range',
        't.rows',
        't.schema_hash',
        't.content_hash',
        't.sketch',
        'f.modified_at',
        'f.last_modified_by',
      ])
      .where('f.deleted_at', 'is', null)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('table_signatures as o')
            .select('o.file_id')
            .whereRef('o.schema_hash', '=', 't.schema_hash')
            .where((eb) =>
              eb.or([
                eb('o.source_id', '<>', eb.ref('t.source_id')),
                eb('o.file_id', '<>', eb.ref('t.file_id')),
              ]),
            ),
        ),
      )
      .execute();
    return rows as TableCopyRow[];
  }

  /** Upserts the detected copy clusters and resolves those no longer observed. */
  async reconcileCopyClusters(scanId: string, detected: DetectedFinding[]): Promise<void> {
    await this.transaction(async (trx) => {
      await this.upsertFindings(trx, scanId, null, detected);
      const keep = new Set(detected.map((f) => f.id));
      const stale = await trx
        .selectFrom('findings')
        .select(['id', 'status'])
        .where('kind', '=', 'copy_cluster')
        .where('status', '<>', 'resolved')
        .execute();
      await this.resolveAll(
        trx,
        stale.filter((f) => !keep.has(f.id)),
        scanId,
        null,
        'no longer observed',
      );
    });
  }

  /** Accepted risks whose expiry has passed reopen, whether or not their file was analysed again. */
  async reopenExpiredRisks(scanId: string): Promise<number> {
    return this.transaction(async (trx) => {
      const expired = await trx
        .selectFrom('findings')
        .select(['id', 'status'])
        .where('status', '=', 'accepted_risk')
        .where('risk_expires_at', '<=', new Date())
        .execute();
      for (const f of expired) {
        await trx
          .updateTable('findings')
          .set({ status: 'open', risk_expires_at: null })
          .where('id', '=', f.id)
          .execute();
        this.event(trx, f.id, scanId, null, 'reopened', f.status, 'open', 'scan', 'risk acceptance expired');
      }
      return expired.length;
    });
  }

  // ---- triage and audit

  async getFinding(id: string): Promise<Finding | undefined> {
    const page = await this.listFindings({ id, limit: 1 });
    return page.items[0];
  }

  async findingEvents(id: string) {
    return this.db
      .selectFrom('finding_events')
      .select(['seq', 'actor', 'change', 'from_status', 'to_status', 'reason', 'at', 'scan_id', 'hash'])
      .where('finding_id', '=', id)
      .orderBy('seq')
      .execute();
  }

  /** A person's decision on a finding, recorded with who and why. */
  async triageFinding(id: string, t: TriageInput): Promise<Finding> {
    await this.transaction(async (trx) => {
      const f = await trx
        .selectFrom('findings')
        .select(['status', 'owner'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!f) throw new ShadowscanError('finding_not_found', `No finding ${id}.`);
      if (t.status === 'accepted_risk' && !t.riskExpiresAt) {
        throw new ShadowscanError('triage_invalid', 'Accepting a risk needs an expiry date (riskExpiresAt).');
      }
      const expires = t.status === 'accepted_risk' ? new Date(t.riskExpiresAt!) : null;
      if (expires && (Number.isNaN(expires.getTime()) || expires.getTime() <= Date.now())) {
        throw new ShadowscanError('triage_invalid', 'riskExpiresAt must be a date in the future.');
      }
      await trx
        .updateTable('findings')
        .set({
          status: t.status,
          owner: t.owner === undefined ? f.owner : t.owner,
          risk_expires_at: expires,
          resolved_at: t.status === 'resolved' ? new Date() : null,
        })
        .where('id', '=', id)
        .execute();
      const ownerNote = t.owner !== undefined && t.owner !== f.owner ? ` (owner: ${t.owner ?? 'none'})` : '';
      this.event(trx, id, null, null, 'triaged', f.status, t.status, t.actor, `${t.reason}${ownerNote}`);
    });
    return (await this.getFinding(id))!;
  }

  /** Recomputes the audit chain: each entry's hash covers its content and the previous entry's hash. */
  async verifyAudit(): Promise<AuditVerification> {
    let prev: string | null = null;
    let entries = 0;
    let after = 0;
    for (;;) {
      const batch = await this.db
        .selectFrom('finding_events')
        .selectAll()
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(5000)
        .execute();
      if (batch.length === 0) break;
      for (const e of batch) {
        entries++;
        if (e.prev_hash !== prev) {
          return {
            ok: false,
            entries,
            brokenAt: Number(e.seq),
            reason: 'its previous-hash does not match the entry before it',
          };
        }
        const expected = auditHash(prev, {
          finding: e.finding_id,
          scan: e.scan_id,
          file: e.file_id,
          actor: e.actor,
          change: e.change,
          from: e.from_status,
          to: e.to_status,
          reason: e.reason,
          at: new Date(e.at as Date).toISOString(),
        });
        if (e.hash !== expected)
          return {
            ok: false,
            entries,
            brokenAt: Number(e.seq),
            reason: 'its content does not match its hash',
          };
        prev = e.hash;
        after = Number(e.seq);
      }
    }
    return { ok: true, entries };
  }

  async scanProgress(id: string): Promise<ScanProgress | undefined> {
    const scan = await this.db
      .selectFrom('scans')
      .innerJoin('sources', 'sources.id', 'scans.source_id')
      .selectAll('scans')
      .select('sources.name as source_name')
      .where('scans.id', '=', id)
      .executeTakeFirst();
    if (!scan) return undefined;
    const files = await this.db
      .selectFrom('scan_files')
      .select([
        'state',
        sql<number>`count(*)::int`.as('n'),
        sql<number>`coalesce(sum(tables), 0)::int`.as('tables'),
        sql<number>`coalesce(sum(matched_tables), 0)::int`.as('matched'),
      ])
      .where('scan_id', '=', id)
      .groupBy('state')
      .execute();
    const by = (s: string) => files.find((f) => f.state === s)?.n ?? 0;
    const analyzed = by('done');
    const failed = by('failed');
    const pending = by('pending');
    const total = analyzed + failed + pending;
    const findings = await this.db
      .selectFrom('findings')
      .select(['kind', sql<number>`count(*)::int`.as('n')])
      .where('source_id', '=', scan.source_id)
      .where('status', 'not in', ['resolved', 'false_positive'])
      .groupBy('kind')
      .execute();
    return {
      id: scan.id,
      sourceId: scan.source_id,
      sourceName: scan.source_name,
      status: scan.status,
      error: scan.error,
      createdAt: iso(scan.created_at)!,
      finishedAt: iso(scan.finished_at),
      files: {
        seen: scan.files_seen,
        changed: scan.files_changed,
        deleted: scan.files_deleted,
        analyzed,
        failed,
        pending,
      },
      tables: files.reduce((s, f) => s + f.tables, 0),
      matchedTables: files.reduce((s, f) => s + f.matched, 0),
      progress: scan.crawled_at ? (total === 0 ? 1 : (analyzed + failed) / total) : 0,
      findings: Object.fromEntries(findings.map((f) => [f.kind, f.n])),
    };
  }

  // ---- findings

  async listFindings(filter: FindingFilter = {}): Promise<{ total: number; items: Finding[] }> {
    let q = this.db.selectFrom('findings');
    if (filter.id) q = q.where('id', '=', filter.id);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.system) q = q.where('system', '=', filter.system);
    if (filter.entity) q = q.where('entity', '=', filter.entity);
    if (filter.sourceId) q = q.where('source_id', '=', filter.sourceId);
    const { total } = await q.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll()
      .orderBy('kind')
      .orderBy('file')
      .orderBy('sheet')
      .orderBy('id')
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0)
      .execute();
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind as FindingKind,
        severity: r.severity as Finding['severity'],
        status: r.status as FindingStatus,
        sourceId: r.source_id,
        file: r.file,
        sheet: r.sheet,
        system: r.system,
        entity: r.entity,
        title: r.title,
        evidence: r.evidence,
        evidenceHash: r.evidence_hash,
        firstSeenAt: new Date(r.first_seen_at).toISOString(),
        lastSeenAt: new Date(r.last_seen_at).toISOString(),
        resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
        lastScanId: r.last_scan_id,
        owner: r.owner,
        riskExpiresAt: iso(r.risk_expires_at),
      })),
    };
  }

  /** Finding changes recorded for one analysis (or, with fileId null, a crawl) that no consumer has delivered. */
  /**
   * The scan's oldest finding changes not yet delivered, in the order they were recorded, at most
   * `limit`: what a `findings` job delivers (its own file's changes and any others waiting).
   */
  async undeliveredEvents(scanId: string, limit: number) {
    return this.db
      .selectFrom('finding_events')
      .innerJoin('findings', 'findings.id', 'finding_events.finding_id')
      .select([
        'finding_events.seq',
        'finding_events.finding_id',
        'finding_events.change',
        'finding_events.from_status',
        'finding_events.to_status',
        'findings.kind',
        'findings.file',
        'findings.system',
        'findings.entity',
        'findings.severity',
      ])
      .where('finding_events.scan_id', '=', scanId)
      .where('finding_events.delivered_at', 'is', null)
      .orderBy('finding_events.seq')
      .limit(limit)
      .execute();
  }

  async markDelivered(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db
      .updateTable('finding_events')
      .set({ delivered_at: new Date() })
      .where('seq', 'in', seqs)
      .execute();
  }

  async countEvents(findingId?: string): Promise<number> {
    let q = this.db.selectFrom('finding_events').select(sql<number>`count(*)::int`.as('n'));
    if (findingId) q = q.where('finding_id', '=', findingId);
    return (await q.executeTakeFirstOrThrow()).n;
  }

  /**
   * Brings the findings of one file in line with what its analysis detected: new ones open, changed
   * ones get the new evidence, a finding that was auto-resolved and is seen again reopens, and those
   * no longer detected are resolved. Triage states set by people are kept. `rows` are what the
   * caller read in one go: the findings detected now (to update) and those filed under this path (to
   * resolve).
   */
  private async applyFindings(
    trx: Transaction<Database>,
    a: AnalysisRecord,
    rows: ExistingFinding[],
  ): Promise<void> {
    const keep = new Set(a.findings.map((f) => f.id));
    const ofFile = (r: ExistingFinding) =>
      r.source_id === a.sourceId && r.file === a.path && r.kind !== 'copy_cluster' && r.status !== 'resolved';
    await this.upsertFindings(
      trx,
      a.scanId,
      a.fileId,
      a.findings,
      new Map(rows.filter((r) => keep.has(r.id)).map((r) => [r.id, r])),
    );
    const stale = rows.filter((r) => !keep.has(r.id) && ofFile(r));
    await this.resolveAll(trx, stale, a.scanId, a.fileId, 'no longer observed');
  }

  private async upsertFindings(
    trx: Transaction<Database>,
    scanId: string,
    fileId: string | null,
    findings: DetectedFinding[],
    known?: Map<string, ExistingFinding>,
  ): Promise<void> {
    const now = new Date();
    const existing =
      known ??
      new Map(
        findings.length === 0
          ? []
          : (
              await trx
                .selectFrom('findings')
                .select(['id', 'status', 'evidence_hash', 'risk_expires_at'])
                .where(
                  'id',
                  'in',
                  findings.map((f) => f.id),
                )
                .execute()
            ).map((r) => [r.id, r]),
      );
    const created: Array<Insertable<Database['findings']>> = [];
    for (const f of findings) {
      const prev = existing.get(f.id);
      const values = {
        kind: f.kind,
        severity: f.severity,
        source_id: f.sourceId,
        file: f.file,
        sheet: f.sheet,
        system: f.system,
        entity: f.entity,
        title: f.title,
        evidence: JSON.stringify(f.evidence),
        evidence_hash: f.evidenceHash,
        last_seen_at: now,
        last_scan_id: scanId,
      };
      if (!prev) {
        created.push({
          id: f.id,
          status: 'open',
          first_seen_at: now,
          resolved_at: null,
          owner: null,
          risk_expires_at: null,
          ...values,
        });
        this.event(trx, f.id, scanId, fileId, 'created', null, 'open');
        continue;
      }
      const changed = prev.evidence_hash !== f.evidenceHash;
      const expired =
        prev.status === 'accepted_risk' &&
        prev.risk_expires_at !== null &&
        new Date(prev.risk_expires_at).getTime() <= now.getTime();
      // A false positive stays suppressed until its evidence changes; a resolved one came back; an
      // accepted risk lapses at its expiry.
      let reason: string | null = null;
      if (prev.status === 'resolved') reason = 'observed again';
      else if (prev.status === 'false_positive' && changed)
        reason = 'evidence changed since it was marked a false positive';
      else if (expired) reason = 'risk acceptance expired';
      const status = reason ? 'open' : prev.status;
      await trx
        .updateTable('findings')
        .set({
          ...values,
          status,
          resolved_at: reason ? null : undefined,
          risk_expires_at: reason ? null : undefined,
        })
        .where('id', '=', f.id)
        .execute();
      if (reason) this.event(trx, f.id, scanId, fileId, 'reopened', prev.status, 'open', 'scan', reason);
      else if (changed) this.event(trx, f.id, scanId, fileId, 'updated', prev.status, prev.status);
    }
    // One multi-row insert; the findings exist before the transaction's audit entries are written.
    if (created.length) await trx.insertInto('findings').values(created).execute();
  }

  private async resolveFindingsOfFile(
    trx: Transaction<Database>,
    sourceId: string,
    path: string,
    keep: Set<string>,
    scanId: string,
    fileId: string | null,
  ): Promise<void> {
    const stale = await trx
      .selectFrom('findings')
      .select(['id', 'status'])
      .where('source_id', '=', sourceId)
      .where('file', '=', path)
      .where('kind', '<>', 'copy_cluster')
      .where('status', 'not in', ['resolved'])
      .execute();
    await this.resolveAll(
      trx,
      stale.filter((f) => !keep.has(f.id)),
      scanId,
      fileId,
      'no longer observed',
    );
  }

  /** Resolves these findings (one statement) with an audit entry each. */
  private async resolveAll(
    trx: Transaction<Database>,
    findings: Array<{ id: string; status: string }>,
    scanId: string,
    fileId: string | null,
    reason: string,
  ): Promise<void> {
    if (findings.length === 0) return;
    await trx
      .updateTable('findings')
      .set({ status: 'resolved', resolved_at: new Date(), last_scan_id: scanId })
      .where(
        'id',
        'in',
        findings.map((f) => f.id),
      )
      .execute();
    for (const f of findings)
      this.event(trx, f.id, scanId, fileId, 'resolved', f.status, 'resolved', 'scan', reason);
  }

  /**
   * A transaction whose audit entries (see `event`) are appended, in the order they were recorded,
   * just before it commits: one lock, one read of the chain's head (none with one writer, which
   * knows it) and one insert per transaction instead of per entry.
   */
  private async transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const [result, appended] = await this.db.transaction().execute(async (trx) => {
      const events: PendingEvent[] = [];
      this.pendingEvents.set(trx, events);
      const r = await fn(trx);
      return [r, await this.appendEvents(trx, events)] as const;
    });
    // Committed: with one writer, the chain's head is now known without reading it, unless a later
    // transaction has appended since (then it records its own).
    if (this.opts.oneWriter && appended && appended.number === this.chainWrites)
      this.chainHead = appended.head;
    return result;
  }

  /**
   * Appends to the audit log (when the transaction commits, see `transaction`). Each entry carries the
   * hash of the one before, so editing or deleting an entry breaks the chain (`shadowscan audit
   * verify`). The advisory lock orders concurrent writers (several workers) so the chain stays
   * linear; with one writer (PGlite) there is nothing to order.
   */
  private event(
    trx: Transaction<Database>,
    findingId: string,
    scanId: string | null,
    fileId: string | null,
    change: FindingChange,
    from: string | null,
    to: string,
    actor = ACTOR_SCAN,
    reason: string | null = null,
  ): void {
    const pending = this.pendingEvents.get(trx);
    if (!pending) throw new Error('internal: an audit entry outside a store transaction');
    pending.push({ findingId, scanId, fileId, change, from, to, actor, reason, at: new Date() });
  }

  private async appendEvents(trx: Transaction<Database>, events: PendingEvent[]): Promise<ChainWrite | null> {
    if (events.length === 0) return null;
    const number = ++this.chainWrites;
    let prev: string | null;
    if (this.opts.oneWriter && this.chainHead !== undefined) {
      prev = this.chainHead;
    } else {
      if (!this.opts.oneWriter) await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
      const last = await trx
        .selectFrom('finding_events')
        .select('hash')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      prev = last?.hash ?? null;
    }
    // Unknown until this transaction commits (it may yet roll back): meanwhile, read it.
    this.chainHead = undefined;
    const rows = events.map((e) => {
      const hash = auditHash(prev, {
        finding: e.findingId,
        scan: e.scanId,
        file: e.fileId,
        actor: e.actor,
        change: e.change,
        from: e.from,
        to: e.to,
        reason: e.reason,
        at: e.at.toISOString(),
      });
      const row = {
        finding_id: e.findingId,
        scan_id: e.scanId,
        file_id: e.fileId,
        actor: e.actor,
        change: e.change,
        from_status: e.from,
        to_status: e.to,
        at: e.at,
        reason: e.reason,
        prev_hash: prev,
        hash,
        delivered_at: null,
      };
      prev = hash;
      return row;
    });
    // A multi-row VALUES takes its serial numbers in row order: seq follows the chain.
    for (let i = 0; i < rows.length; i += EVENT_BATCH) {
      await trx
        .insertInto('finding_events')
        .values(rows.slice(i, i + EVENT_BATCH))
        .execute();
    }
    return { number, head: prev };
  }
}

/** Audit entries per insert statement. */
const EVENT_BATCH = 1000;

/** What a transaction appended to the audit chain: its turn among those that did, and the new head. */
interface ChainWrite {
  number: number;
  head: string | null;
}

interface PendingEvent {
  findingId: string;
  scanId: string | null;
  fileId: string | null;
  change: FindingChange;
  from: string | null;
  to: string;
  actor: string;
  reason: string | null;
  at: Date;
}

interface ExistingFinding {
  id: string;
  status: string;
  evidence_hash: string;
  risk_expires_at: Date | string | null;
  /** Present where the read also looks for the findings filed under a path. */
  source_id?: string;
  file?: string;
  kind?: string;
}

/** Arbitrary constant: the advisory lock that serialises audit-log appends. */
const AUDIT_LOCK = 727_001;

type FindingChange = 'created' | 'updated' | 'resolved' | 'reopened' | 'triaged';

export function auditHash(prev: string | null, entry: Record<string, string | null>): string {
  const canonical = JSON.stringify(
    Object.keys(entry)
      .sort()
      .map((k) => [k, entry[k]]),
  );
  return createHash('sha256')
    .update(`${prev ?? ''}\n${canonical}`)
    .digest('hex');
}
