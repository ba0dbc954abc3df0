import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { cliConfigSchema, loadConfig, type CoreConfig } from '@shadowscan/config';
import { PipelineModule, ScanService } from '@shadowscan/pipeline';
import { InlineJobQueue, JOB_QUEUE } from '@shadowscan/queue';
import { ShadowscanStore } from '@shadowscan/store';
import * as path from 'node:path';

const CATALOG = path.join(__dirname, '..', '..', 'examples', 'catalog.yaml');

/** The embedded pipeline (inline queue, PGlite in memory), as the CLI runs it, for remote sources. */
export interface RemoteHarness {
  app: INestApplicationContext;
  store: ShadowscanStore;
  scans: ScanService;
  queue: InlineJobQueue;
  openFindings(): Promise<Array<{ file: string; kind: string; status: string }>>;
  close(): Promise<void>;
}

export async function startRemoteHarness(
  opts: { concurrency?: number; dataDir?: string } = {},
): Promise<RemoteHarness> {
  const config: CoreConfig = {
    ...loadConfig(cliConfigSchema, { LOG_LEVEL: 'silent' }),
    SHADOWSCAN_DB_DIR: opts.dataDir ?? 'memory://',
    SHADOWSCAN_JOB_BACKOFF_MS: 10,
  };
  const app = await NestFactory.createApplicationContext(
    PipelineModule.forRoot({ config, consume: true, concurrency: opts.concurrency ?? 2 }),
    { logger: false, abortOnError: false },
  );
  const store = app.get(ShadowscanStore);
  return {
    app,
    store,
    scans: app.get(ScanService),
    queue: app.get(JOB_QUEUE),
    async openFindings() {
      const page = await store.listFindings({ limit: 100_000 });
      return page.items.filter((f) => f.status !== 'resolved');
    },
    close: () => app.close(),
  };
}

/**
 * Registers (or updates) a remote source and runs one scan to the end. Returns the scan's progress
 * and the ids of the files it analysed (from scan_files).
 */
export async function scanRemoteSource(
  h: RemoteHarness,
  name: string,
  kind: 'sharepoint' | 'gdrive',
  config: Record<string, unknown>,
  catalogFile = CATALOG,
) {
  const catalog = await h.scans.importCatalog(catalogFile);
  await h.store.upsertSource({ name, kind, config });
  const started = Date.now();
  const scan = await h.scans.startScan(name, catalog.version);
  await h.queue.onIdle();
  const elapsedMs = Date.now() - started;
  const progress = (await h.store.scanProgress(scan.id))!;
  const rows = await h.store.db
    .selectFrom('scan_files')
    .select(['file_id', 'state'])
    .where('scan_id', '=', scan.id)
    .execute();
  const failures = h.queue.failures().map((e) => e.message);
  return {
    scan,
    progress,
    elapsedMs,
    failures,
    analysed: new Set(rows.filter((r) => r.state === 'done').map((r) => r.file_id)),
  };
}

/** The kinds of the findings filed under one path, sorted: what a rename must carry to the new path. */
export function findingKindsAt(
  findings: ReadonlyArray<{ file: string; kind: string }>,
  path: string,
): string[] {
  return findings
    .filter((f) => f.file === path)
    .map((f) => f.kind)
    .sort();
}
