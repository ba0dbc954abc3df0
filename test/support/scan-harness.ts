import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { cliConfigSchema, loadConfig, type CoreConfig } from '@shadowscan/config';
import type { FindingKind } from '@shadowscan/domain';
import { PipelineModule, ScanService } from '@shadowscan/pipeline';
import { InlineJobQueue, JOB_QUEUE } from '@shadowscan/queue';
import { ShadowscanStore } from '@shadowscan/store';

/** The embedded pipeline (inline queue) as the CLI runs it, against PGlite or a PostgreSQL URL. */
export class InlineHarness {
  private constructor(
    readonly app: INestApplicationContext,
    readonly store: ShadowscanStore,
    readonly scans: ScanService,
    readonly queue: InlineJobQueue,
  ) {}

  static async start(
    db: { databaseUrl?: string; dataDir?: string },
    env: Record<string, string> = {},
  ): Promise<InlineHarness> {
    const config: CoreConfig = {
      ...loadConfig(cliConfigSchema, { LOG_LEVEL: 'silent', ...env }),
      DATABASE_URL: db.databaseUrl,
      SHADOWSCAN_DB_DIR: db.dataDir ?? 'memory://',
      SHADOWSCAN_JOB_BACKOFF_MS: 10,
    };
    const app = await NestFactory.createApplicationContext(
      PipelineModule.forRoot({ config, consume: true, concurrency: 2 }),
      { logger: false, abortOnError: false },
    );
    return new InlineHarness(app, app.get(ShadowscanStore), app.get(ScanService), app.get(JOB_QUEUE));
  }

  /** Registers the folder, imports the catalog, runs a scan to the end and returns its progress. */
  async scan(root: string, catalogFile: string, sourceName = 'test-source') {
    const catalog = await this.scans.importCatalog(catalogFile);
    await this.scans.registerLocalSource(sourceName, { root });
    const scan = await this.scans.startScan(sourceName, catalog.version);
    await this.queue.onIdle();
    return (await this.store.scanProgress(scan.id))!;
  }

  async openFindings() {
    const page = await this.store.listFindings({ limit: 10_000 });
    return page.items.filter((f) => f.status !== 'resolved');
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

interface Comparable {
  kind: FindingKind;
  file: string;
  sheet: string | null;
  system: string | null;
  entity: string | null;
  evidenceHash?: string;
}

/**
 * A finding set in a form two stores can be compared by: ids include the (store-local) source id,
 * so compare what was found, where, and the evidence hash.
 */
export function findingDigest(findings: Comparable[]) {
  return findings
    .map((f) => ({
      kind: f.kind,
      file: f.file,
      sheet: f.sheet,
      entity: f.system ? `${f.system}.${f.entity}` : null,
      evidenceHash: f.evidenceHash,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
