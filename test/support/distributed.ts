import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { apiConfigSchema, loadConfig } from '@shadowscan/config';
import { ApiModule, setupApi } from '../../apps/api/src/api.module';
import { REDIS_URL, uniquePrefix } from './services';

const WORKER_MAIN = path.join(__dirname, '..', '..', 'dist', 'apps', 'worker', 'src', 'main.js');

/** Env shared by the API under test and its worker processes: BullMQ on Redis, PostgreSQL, fast takeover. */
export function distributedEnv(databaseUrl: string): Record<string, string> {
  return {
    SHADOWSCAN_QUEUE_DRIVER: 'bullmq',
    REDIS_URL,
    DATABASE_URL: databaseUrl,
    SHADOWSCAN_QUEUE_PREFIX: uniquePrefix(),
    // A killed worker's job is taken over within a few seconds instead of the production 30 s.
    SHADOWSCAN_QUEUE_LOCK_MS: '2000',
    SHADOWSCAN_QUEUE_STALLED_MS: '1000',
    SHADOWSCAN_JOB_BACKOFF_MS: '100',
    LOG_LEVEL: 'warn',
  };
}

export async function startApi(env: Record<string, string>): Promise<INestApplication> {
  const config = loadConfig(apiConfigSchema, { ...env, PORT: '0' });
  const app = await NestFactory.create(ApiModule.forRoot(config), new ExpressAdapter(), {
    logger: false,
    abortOnError: false,
  });
  setupApi(app);
  await app.init();
  return app;
}

export class WorkerProcess {
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.stderr?.on('data', (d) => (this.stderr += String(d)));
    child.stdout?.on('data', () => undefined);
  }

  static start(env: Record<string, string>, extra: Record<string, string> = {}): WorkerProcess {
    if (!existsSync(WORKER_MAIN))
      throw new Error(`${WORKER_MAIN} is missing: run \`npm run build\` first (npm test does).`);
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new WorkerProcess(child);
  }

  kill(signal: NodeJS.Signals) {
    this.child.kill(signal);
    return this.exited;
  }

  get exit() {
    return this.exited;
  }
}

/** Removes the test's BullMQ keys so runs do not accumulate in the shared Redis. */
export async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 90_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
