import { Module, type DynamicModule } from '@nestjs/common';
import { loggerModule, type WorkerConfig } from '@shadowscan/config';
import { PipelineModule } from '@shadowscan/pipeline';

/** The worker: the shared pipeline providers, consuming every queue; no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        loggerModule(config.LOG_LEVEL, 1),
        PipelineModule.forRoot({ config, consume: true, concurrency: config.SHADOWSCAN_WORKER_CONCURRENCY }),
      ],
    };
  }
}
