import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { cliConfigSchema, loadConfig, type CliConfig } from '@shadowscan/config';
import { CliModule } from '../cli.module';

/** Config for the CLI: quieter logs by default, and `--db` overriding the embedded folder. */
export function cliConfig(db?: string): CliConfig {
  const env = { LOG_LEVEL: 'warn', ...process.env };
  const cfg = loadConfig(cliConfigSchema, env);
  // The CLI always runs its stages in-process, whatever driver the servers use.
  return {
    ...cfg,
    SHADOWSCAN_QUEUE_DRIVER: 'inline',
    ...(db ? { SHADOWSCAN_DB_DIR: db, DATABASE_URL: undefined } : {}),
  };
}

export async function withApp<T>(
  cfg: CliConfig,
  consume: boolean,
  fn: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(cfg, consume), {
    // Nest's own console logger stays off: stdout is the command's, and pino takes over below.
    logger: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}
