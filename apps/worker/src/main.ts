import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig, ShadowscanConfigExit, workerConfigSchema } from '@shadowscan/config';
import { ShadowscanError } from '@shadowscan/domain';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig(workerConfigSchema);
  if (config.SHADOWSCAN_QUEUE_DRIVER !== 'bullmq') {
    throw new ShadowscanError(
      'config_invalid',
      'Invalid configuration:\n  SHADOWSCAN_QUEUE_DRIVER: the worker consumes jobs from Redis; set it to "bullmq" (with REDIS_URL). The CLI runs scans without a worker.',
    );
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  const log = app.get(Logger);
  app.useLogger(log);
  // SIGTERM/SIGINT close the app: workers stop taking jobs and finish the active ones (graceful drain).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  log.log(
    `worker started: concurrency ${config.SHADOWSCAN_WORKER_CONCURRENCY}, database ${config.DATABASE_URL ? 'postgres' : 'pglite'}`,
  );
}

bootstrap().catch(ShadowscanConfigExit);
