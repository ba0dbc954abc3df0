import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { ShadowscanError } from '@shadowscan/domain';
import type {
  DetectedFinding,
  FileChanges,
  Finding,
  FindingKind,
  FindingStatus,
  ResolvedCatalog,
} from '@shadowscan/domain';
import type { Database, ScansTable, SourcesTable } from './schema';

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

export interface AnalysisRecord {
  scanId: string;
  sourceId: string;
  fileId: string;
  path: string;
  version: string;
  fingerprint: unknown | null;
  matches: unknown | null;
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

const ACTOR_SCAN = 'scan';

function iso(v: unknown): string | null {
  return v === null || v === undefined ? null : new Date(v as string | Date).toISOString();
}

/** Every read and write of Shadowscan's state. Same SQL on PostgreSQL and PGlite. */
export class ShadowscanStore {
  constructor(readonly db: Kysely<Database>) {}

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
    await this.db.transaction().execute(async (trx) => {
      const now = new Date();
      for (const f of changes.upserts) {
        // A renamed or moved file keeps its id: the findings filed under its old path are resolved.
        const before = await trx
          .selectFrom('files')
          .select('path')
          .where('source_id', '=', scan.source_id)
          .where('id', '=', f.id)
          .executeTakeFirst();
        if (before && before.path !== f.path) {
          await this.resolveFindingsOfFile(trx, scan.source_id, before.path, new Set(), scan.id, null);
        }
        const row = {
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
        };
        await trx
          .insertInto('files')
          .values(row)
          .onConflict((oc) => oc.columns(['source_id', 'id']).doUpdateSet(row))
          .execute();
        await trx
          .insertInto('scan_files')
          .values({
            scan_id: scan.id,
            source_id: scan.source_id,
            file_id: f.id,
            path: f.path,
            version: f.version,
            state: 'pending',
            error_code: null,
            error: null,
            finished_at: null,
          })
          .onConflict((oc) => oc.columns(['scan_id', 'file_id']).doNothing())
          .execute();
      }
      for (const d of changes.deletions) {
        await trx
          .updateTable('files')
          .set({ deleted_at: now, last_scan_id: scan.id })
          .where('source_id', '=', scan.source_id)
          .where('id', '=', d.id)
          .execute();
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
   * Persists one analysis in one transaction: the fingerprint and matches, the findings with their
   * lifecycle events, and the scan file marked done. Returns false when the file was already done
   * (a redelivered job), in which case nothing is written.
   */
  async recordAnalysis(a: AnalysisRecord): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('scan_files')
        .set({
          state: 'done',
          tables: a.tables,
          matched_tables: a.matchedTables,
          error_code: a.errorCode,
          finished_at: new Date(),
        })
        .where('scan_id', '=', a.scanId)
        .where('file_id', '=', a.fileId)
        .where('state', '=', 'pending')
        .returning('file_id')
        .executeTakeFirst();
      if (!claimed) return false;
      const analysis = {
        source_id: a.sourceId,
        file_id: a.fileId,
        version: a.version,
        fingerprint: a.fingerprint === null ? null : JSON.stringify(a.fingerprint),
        matches: a.matches === null ? null : JSON.stringify(a.matches),
        error_code: a.errorCode,
      };
      await trx
        .insertInto('analyses')
        .values(analysis)
        .onConflict((oc) => oc.columns(['source_id', 'file_id', 'version']).doUpdateSet(analysis))
        .execute();
      await trx
        .deleteFrom('table_signatures')
        .where('source_id', '=', a.sourceId)
        .where('file_id', '=', a.fileId)
        .execute();
      if (a.signatures?.length) {
        await trx
          .insertInto('table_signatures')
          .values(
            a.signatures.map((sig) => ({
              source_id: a.sourceId,
              file_id: a.fileId,
              version: a.version,
              sheet: sig.sheet,
              range: sig.range,
              schema_hash: sig.schemaHash,
              content_hash: sig.contentHash,
              sketch: JSON.stringify(sig.sketch),
              rows: sig.rows,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await this.applyFindings(trx, a);
      return true;
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
    await this.db.transaction().execute(async (trx) => {
      await this.upsertFindings(trx, scanId, null, detected);
      const keep = new Set(detected.map((f) => f.id));
      const stale = await trx
        .selectFrom('findings')
        .select(['id', 'status'])
        .where('kind', '=', 'copy_cluster')
        .where('status', '<>', 'resolved')
        .execute();
      for (const f of stale) {
        if (keep.has(f.id)) continue;
        await this.setStatus(trx, f.id, f.status, 'resolved', scanId, null, 'no longer observed');
      }
    });
  }

  /** Accepted risks whose expiry has passed reopen, whether or not their file was analysed again. */
  async reopenExpiredRisks(scanId: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
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
        await this.event(
          trx,
          f.id,
          scanId,
          null,
          'reopened',
          f.status,
          'open',
          'scan',
          'risk acceptance expired',
        );
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
    await this.db.transaction().execute(async (trx) => {
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
      await this.event(
        trx,
        id,
        null,
        null,
        'triaged',
        f.status,
        t.status,
        t.actor,
        `${t.reason}${ownerNote}`,
      );
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
  async undeliveredEvents(scanId: string, fileId: string | null) {
    let q = this.db
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
      .where('finding_events.delivered_at', 'is', null);
    q =
      fileId === null
        ? q.where('finding_events.file_id', 'is', null)
        : q.where('finding_events.file_id', '=', fileId);
    return q.orderBy('finding_events.seq').execute();
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
   * no longer detected are resolved. Triage states set by people are kept.
   */
  private async applyFindings(trx: Transaction<Database>, a: AnalysisRecord): Promise<void> {
    await this.upsertFindings(trx, a.scanId, a.fileId, a.findings);
    await this.resolveFindingsOfFile(
      trx,
      a.sourceId,
      a.path,
      new Set(a.findings.map((f) => f.id)),
      a.scanId,
      a.fileId,
    );
  }

  private async upsertFindings(
    trx: Transaction<Database>,
    scanId: string,
    fileId: string | null,
    findings: DetectedFinding[],
  ): Promise<void> {
    const now = new Date();
    const existing = new Map(
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
        await trx
          .insertInto('findings')
          .values({
            id: f.id,
            status: 'open',
            first_seen_at: now,
            resolved_at: null,
            owner: null,
            risk_expires_at: null,
            ...values,
          })
          .execute();
        await this.event(trx, f.id, scanId, fileId, 'created', null, 'open');
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
      if (reason)
        await this.event(trx, f.id, scanId, fileId, 'reopened', prev.status, 'open', 'scan', reason);
      else if (changed) await this.event(trx, f.id, scanId, fileId, 'updated', prev.status, prev.status);
    }
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
    for (const f of stale) {
      if (keep.has(f.id)) continue;
      await this.setStatus(trx, f.id, f.status, 'resolved', scanId, fileId, 'no longer observed');
    }
  }

  private async setStatus(
    trx: Transaction<Database>,
    id: string,
    from: string,
    to: string,
    scanId: string,
    fileId: string | null,
    reason: string,
  ): Promise<void> {
    await trx
      .updateTable('findings')
      .set({ status: to, resolved_at: to === 'resolved' ? new Date() : null, last_scan_id: scanId })
      .where('id', '=', id)
      .execute();
    await this.event(
      trx,
      id,
      scanId,
      fileId,
      to === 'resolved' ? 'resolved' : 'updated',
      from,
      to,
      'scan',
      reason,
    );
  }

  /**
   * Appends to the audit log. Each entry carries the hash of the one before, so editing or deleting
   * an entry breaks the chain (`shadowscan audit verify`). The advisory lock orders concurrent
   * writers (several workers) so the chain stays linear.
   */
  private async event(
    trx: Transaction<Database>,
    findingId: string,
    scanId: string | null,
    fileId: string | null,
    change: FindingChange,
    from: string | null,
    to: string,
    actor = ACTOR_SCAN,
    reason: string | null = null,
  ): Promise<void> {
    await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
    const last = await trx
      .selectFrom('finding_events')
      .select('hash')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const prev = last?.hash ?? null;
    const at = new Date();
    const hash = auditHash(prev, {
      finding: findingId,
      scan: scanId,
      file: fileId,
      actor,
      change,
      from,
      to,
      reason,
      at: at.toISOString(),
    });
    await trx
      .insertInto('finding_events')
      .values({
        finding_id: findingId,
        scan_id: scanId,
        file_id: fileId,
        actor,
        change,
        from_status: from,
        to_status: to,
        at,
        reason,
        prev_hash: prev,
        hash,
        delivered_at: null,
      })
      .execute();
  }
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
