import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loggerModule, type ApiConfig } from '@shadowscan/config';
import { PipelineModule } from '@shadowscan/pipeline';
import { CatalogsController } from './catalogs.controller';
import { ErrorFilter } from './error.filter';
import { FindingsController } from './findings.controller';
import { HealthController } from './health.controller';
import { ScansController } from './scans.controller';
import { SourcesController } from './sources.controller';

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        loggerModule(config.LOG_LEVEL, 1),
        // With BullMQ the workers run the stages; with the inline driver this process does.
        PipelineModule.forRoot({
          config,
          consume: config.SHADOWSCAN_QUEUE_DRIVER === 'inline',
          concurrency: 2,
        }),
      ],
      controllers: [
        SourcesController,
        ScansController,
        FindingsController,
        HealthController,
        CatalogsController,
      ],
    };
  }
}

/** What main.ts and the tests both apply to the app: errors as JSON with a code, OpenAPI at /docs. */
export function setupApi(app: INestApplication): void {
  app.useGlobalFilters(new ErrorFilter());
  const doc = new DocumentBuilder()
    .setTitle('Shadowscan')
    .setDescription('Sources, scans, findings and catalogs of the shadow-system scanner.')
    .setVersion('0.1.0')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
}
