import { Module, type DynamicModule } from '@nestjs/common';
import { loggerModule, type CliConfig } from '@shadowscan/config';
import { EMBEDDED_CONCURRENCY, PipelineModule } from '@shadowscan/pipeline';

/** The CLI shares the pipeline's providers; when it scans, it runs the stages in-process. */
@Module({})
export class CliModule {
  static forRoot(config: CliConfig, consume: boolean): DynamicModule {
    return {
      module: CliModule,
      // stdout belongs to the command's output (JSON included); logs go to stderr.
      imports: [
        loggerModule(config.LOG_LEVEL, 2),
        PipelineModule.forRoot({ config, consume, concurrency: EMBEDDED_CONCURRENCY }),
      ],
    };
  }
}
