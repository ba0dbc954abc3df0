import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { apiConfigSchema, loadConfig, ShadowscanConfigExit } from '@shadowscan/config';
import { ApiModule, setupApi } from './api.module';

async function bootstrap(): Promise<void> {
  const config = loadConfig(apiConfigSchema);
  const app = await NestFactory.create(ApiModule.forRoot(config), new ExpressAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  setupApi(app);
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  app.get(Logger).log(`API listening on http://${config.HOST}:${config.PORT} (OpenAPI at /docs)`);
}

bootstrap().catch(ShadowscanConfigExit);
