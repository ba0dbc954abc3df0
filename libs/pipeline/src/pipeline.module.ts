import { Inject, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigModule, type CoreConfig } from '@shadowscan/config';
import { JOB_QUEUE, JobRegistry, QueueModule, type JobQueue } from '@shadowscan/queue';
import { StoreModule } from '@shadowscan/store';
import { AnalyzeStage } from './analyze.stage';
import { CatalogCache } from './catalog.cache';
import { CatalogSyncService } from './catalog-sync.service';
import { CrawlStage } from './crawl.stage';
import { FinalizeStage } from './finalize.stage';
import { FINDINGS_SINK } from './findings-sink.port';
import { FindingsStage, LogFindingsSink } from './findings.stage';
import { DeliveryRequests } from './delivery.requests';
import { ScanService } from './scan.service';
import { SyncCatalogStage } from './sync-catalog.stage';
import { WebhookFindingsSink } from './webhook.sink';

export const CONSUME_JOBS = Symbol('CONSUME_JOBS');
export const WORKER_CONCURRENCY = Symbol('WORKER_CONCURRENCY');

/**
 * The providers every app shares. Whether this process also consumes jobs is the root module's
 * choice (CONSUME_JOBS): the worker does, the CLI and an inline-driver API do, a BullMQ API does not.
 */
export interface PipelineOptions {
  config: CoreConfig;
  /** Run the stage handlers in this process. */
  consume: boolean;
  concurrency: number;
}

@Module({})
export class PipelineModule implements OnApplicationBootstrap {
  static forRoot(opts: PipelineOptions): DynamicModule {
    return {
      module: PipelineModule,
      imports: [ConfigModule.forRoot(opts.config), StoreModule, QueueModule],
      providers: [
        CatalogCache,
        CrawlStage,
        AnalyzeStage,
        FinalizeStage,
        FindingsStage,
        DeliveryRequests,
        ScanService,
        CatalogSyncService,
        SyncCatalogStage,
        LogFindingsSink,
        {
          provide: FINDINGS_SINK,
          inject: [LogFindingsSink],
          useFactory: (log: LogFindingsSink) => WebhookFindingsSink.fromConfig(opts.config) ?? log,
        },
        { provide: CONSUME_JOBS, useValue: opts.consume },
        { provide: WORKER_CONCURRENCY, useValue: opts.concurrency },
      ],
      exports: [ScanService, CatalogCache, CatalogSyncService, StoreModule, QueueModule],
    };
  }

  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(CONSUME_JOBS) private readonly consume: boolean,
    @Inject(WORKER_CONCURRENCY) private readonly concurrency: number,
    private readonly crawl: CrawlStage,
    private readonly analyze: AnalyzeStage,
    private readonly finalize: FinalizeStage,
    private readonly findings: FindingsStage,
    private readonly syncCatalog: SyncCatalogStage,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Built in every app, consuming or not, so a missing or doubled handler fails every boot.
    const registry = JobRegistry.from([
      this.crawl,
      this.analyze,
      this.finalize,
      this.findings,
      this.syncCatalog,
    ]);
    if (this.consume) await this.queue.work(registry, { concurrency: this.concurrency });
  }
}
