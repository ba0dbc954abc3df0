import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { postgresLookup, readOnlyPool } from '@shadowscan/catalog';
import { APP_CONFIG, type CoreConfig } from '@shadowscan/config';
import { UnreadableFileError } from '@shadowscan/domain';
import type { OfficialLookup } from '@shadowscan/findings';
import { normaliseValue } from '@shadowscan/fingerprint';
import {
  JOB_QUEUE,
  PermanentJobError,
  type JobHandler,
  type JobPayloads,
  type JobQueue,
} from '@shadowscan/queue';
import { FINALIZE_CHECK_BELOW, JsonText, ShadowscanStore } from '@shadowscan/store';
import { connectorFor } from './connector-for';
import type { ResolvedCatalog, SorEntity } from '@shadowscan/domain';
import { analyzeFile, summarised, unreadableResult, type SummarisedResult } from './analyze-file';
import { AnalysisPool, type ThreadInput } from './analysis.pool';
import { CatalogCache } from './catalog.cache';
import { entityRef, OfficialRowCache } from './official-rows';
import { thresholdsOf, evidenceOf } from './pipeline-config';
import { requestFinalize } from './finalize.request';
import { DeliveryRequests } from './delivery.requests';

/**
 * analyze: one file version → fingerprint, matches and findings, persisted in one transaction that
 * also marks the file done. A redelivered job (worker killed after the commit) finds it done and only
 * makes sure the delivery and the scan's completion happen.
 */
@Injectable()
export class AnalyzeStage implements JobHandler<'analyze'>, OnApplicationShutdown {
  readonly job = 'analyze' as const;
  private readonly log = new Logger(AnalyzeStage.name);
  /** Read-only pools to PostgreSQL systems of record, one per database URL. */
  private readonly pools = new Map<string, Pool>();
  /** Catalog version + entity whose official rows are known to be indexed. */
  private readonly indexed = new Set<string>();
  /** Per catalog version, the entities whose official rows can be looked up. */
  private readonly lookupEntities = new Map<string, Promise<string[]>>();
  /** Official rows already read, by catalog version, entity and key (they never change). */
  private readonly officialRows = new OfficialRowCache();
  /** Analysis threads, started with the first file (undefined: not yet; null: analyse on this thread). */
  private pool: AnalysisPool | null | undefined;

  constructor(
    private readonly store: ShadowscanStore,
    private readonly catalogs: CatalogCache,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly cfg: CoreConfig,
    private readonly deliveries: DeliveryRequests,
  ) {}

  async handle(p: JobPayloads['analyze']): Promise<void> {
    const ctx = await this.store.analysisContext(p.scanId, p.sourceId, p.fileId);
    if (!ctx) throw new PermanentJobError(`file ${p.fileId} is not part of scan ${p.scanId}`);
    const { scanFile, source } = ctx;
    // A redelivered job (the file is already done) still makes sure its changes are delivered.
    let deliver = true;
    // Whether this may have been the scan's last pending file: then it asks for the scan's finalisation.
    let mayBeLast = true;
    if (scanFile.state === 'pending') {
      if (!source) throw new PermanentJobError(`scan ${p.scanId} or source ${p.sourceId} does not exist`);
      const maxBytes = this.cfg.SHADOWSCAN_MAX_FILE_MB * 1024 * 1024;
      const started = Date.now();
      let result: SummarisedResult;
      const connector = connectorFor(source);
      try {
        const opened = await connector.open(
          { id: p.fileId, path: scanFile.path, version: p.version },
          maxBytes,
        );
        try {
          result = await this.analyze(ctx.catalogVersion, {
            absPath: opened.path,
            file: scanFile.path,
            sourceId: source.id,
            limits: { maxFileBytes: maxBytes, timeoutMs: this.cfg.SHADOWSCAN_FILE_TIMEOUT_MS },
            thresholds: thresholdsOf(this.cfg),
            evidence: evidenceOf(this.cfg),
            sharingScope: ctx.sharingScope ?? null,
          });
        } finally {
          await opened.release();
        }
      } catch (e) {
        if (!(e instanceof UnreadableFileError)) throw e;
        result = summarised(unreadableResult({ sourceId: source.id, file: scanFile.path }, e));
      }
      const { tables, matchedTables, fingerprintJson, matchesJson } = result.summary;
      const recorded = await this.store.recordAnalysis({
        scanId: p.scanId,
        sourceId: p.sourceId,
        fileId: p.fileId,
        path: scanFile.path,
        version: p.version,
        fingerprint: fingerprintJson === null ? null : new JsonText(fingerprintJson),
        matches: new JsonText(matchesJson),
        errorCode: result.error?.code ?? null,
        tables,
        matchedTables,
        findings: result.findings,
        signatures: result.signatures,
      });
      // Nothing changed in this file's findings: no delivery job (a rescan of unchanged findings).
      deliver = !recorded.recorded || recorded.changes > 0;
      mayBeLast = !recorded.recorded || recorded.pendingLeft < FINALIZE_CHECK_BELOW;
      this.log.log(
        `analysed ${scanFile.path}: ${result.error ? `unreadable (${result.error.code})` : `${tables} tables`}, ${result.findings.length} findings in ${Date.now() - started} ms`,
      );
    }
    if (deliver && this.deliveries.needsJob(p.scanId)) {
      await this.queue.add('findings', { scanId: p.scanId, fileId: p.fileId }).catch((e: unknown) => {
        this.deliveries.failed(p.scanId);
        throw e;
      });
    }
    if (mayBeLast) await requestFinalize(this.store, this.queue, p.scanId);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end()));
    await this.pool?.close();
  }

  /** Threads analysing files (0: on the main thread, or no file analysed yet). */
  get analysisThreads(): number {
    return this.pool?.size ?? 0;
  }

  /** fingerprint → match → detect, on an analysis thread when there is one. */
  private async analyze(catalogVersion: string, input: ThreadInput): Promise<SummarisedResult> {
    const loaded = await this.catalogs.get(catalogVersion);
    const { catalog } = loaded;
    const lookupFor = (entity: SorEntity) => this.lookupFor(catalogVersion, entity);
    if (this.pool === undefined) {
      this.pool = AnalysisPool.create(
        this.cfg.SHADOWSCAN_ANALYSIS_THREADS,
        this.cfg.SHADOWSCAN_FILE_TIMEOUT_MS,
      );
      this.log.log(this.pool ? `analysing on ${this.pool.size} thread(s)` : 'analysing on the main thread');
    }
    if (!this.pool) {
      return summarised(await analyzeFile({ ...input, catalog, matcher: loaded.matcher, lookupFor }));
    }
    const lookups = await this.entitiesWithLookups(catalogVersion, catalog);
    return this.pool.run({ input, catalogVersion, catalog, lookups, lookupFor });
  }

  /**
   * The keyed entities of a catalog version whose official rows can be read (an indexed extract, or a
   * reachable database): told to the analysis threads once, so they ask only for rows.
   */
  private entitiesWithLookups(catalogVersion: string, catalog: ResolvedCatalog): Promise<string[]> {
    let known = this.lookupEntities.get(catalogVersion);
    if (!known) {
      const keyed = catalog.systems.flatMap((s) => s.entities).filter((e) => e.key.length > 0);
      known = Promise.all(
        keyed.map(async (e) => ((await this.lookupFor(catalogVersion, e)) ? entityRef(e) : null)),
      ).then((refs) => refs.filter((r): r is string => r !== null));
      known.catch(() => this.lookupEntities.delete(catalogVersion));
      this.lookupEntities.set(catalogVersion, known);
    }
    return known;
  }

  private async lookupFor(catalogVersion: string, entity: SorEntity): Promise<OfficialLookup | null> {
    if (entity.origin === 'postgres') return this.databaseLookup(catalogVersion, entity);
    const ref = entityRef(entity);
    if (!(await this.hasOfficialRows(catalogVersion, ref))) return null;
    return (keys) =>
      this.officialRows.lookup(
        `${catalogVersion}\u0000${ref}`,
        keys.map((k) => k.key),
        (missing) => this.store.lookupOfficialRows(catalogVersion, ref, missing),
      );
  }

  /**
   * Catalog versions are immutable and their extracts are indexed when the catalog is imported, before
   * any scan names it: once an entity's rows are there they stay, so a positive answer is kept.
   */
  private async hasOfficialRows(catalogVersion: string, ref: string): Promise<boolean> {
    const key = `${catalogVersion}\u0000${ref}`;
    if (this.indexed.has(key)) return true;
    if (!(await this.store.hasOfficialRows(catalogVersion, ref))) return false;
    if (this.indexed.size >= 10_000) this.indexed.clear();
    this.indexed.add(key);
    return true;
  }

  async failed(p: JobPayloads['analyze'], error: Error): Promise<void> {
    this.log.error(`analysis of file ${p.fileId} in scan ${p.scanId} failed for good: ${error.message}`);
    await this.store.markScanFileFailed(p.scanId, p.fileId, error.message);
    await requestFinalize(this.store, this.queue, p.scanId);
  }

  /**
   * A PostgreSQL system of record is asked directly, `= ANY($1)` per batch on its key, through a
   * read-only pool. Single-column keys only; the URL comes from the environment named in the catalog.
   */
  private async databaseLookup(catalogVersion: string, entity: SorEntity): Promise<OfficialLookup | null> {
    if (entity.key.length !== 1) return null;
    const { catalog } = await this.catalogs.get(catalogVersion);
    const connection = catalog.systems.find((s) => s.name === entity.system)?.connection;
    const url = connection?.startsWith('env:') ? process.env[connection.slice(4)] : undefined;
    if (!url) {
      this.log.warn(
        `no database URL for ${entityRef(entity)} (${connection ?? 'no connection'}): contradictions not checked`,
      );
      return null;
    }
    let pool = this.pools.get(url);
    if (!pool) {
      pool = readOnlyPool(url);
      this.pools.set(url, pool);
    }
    const [schema, table] = entity.name.includes('.') ? entity.name.split('.', 2) : [undefined, entity.name];
    return postgresLookup(
      pool,
      {
        schema,
        table,
        keyColumn: entity.key[0],
        columns: Object.fromEntries(entity.fields.map((f) => [f.name, f.name])),
      },
      normaliseValue,
    );
  }
}
