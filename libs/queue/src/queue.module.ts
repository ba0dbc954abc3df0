import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type CoreConfig } from '@shadowscan/config';
import { BullmqJobQueue } from './bullmq.queue';
import { InlineJobQueue } from './inline.queue';
import { JOB_QUEUE, type JobQueue } from './job-queue.port';

export function createJobQueue(cfg: CoreConfig): JobQueue {
  const defaults = {
    attempts: cfg.SHADOWSCAN_JOB_ATTEMPTS,
    backoffMs: cfg.SHADOWSCAN_JOB_BACKOFF_MS,
    keepCompleted: cfg.SHADOWSCAN_KEEP_COMPLETED_JOBS,
    keepFailed: cfg.SHADOWSCAN_KEEP_FAILED_JOBS,
  };
  switch (cfg.SHADOWSCAN_QUEUE_DRIVER) {
    case 'inline':
      return new InlineJobQueue(defaults);
    case 'bullmq':
      return new BullmqJobQueue({
        ...defaults,
        redisUrl: cfg.REDIS_URL!,
        prefix: cfg.SHADOWSCAN_QUEUE_PREFIX,
        lockDurationMs: cfg.SHADOWSCAN_QUEUE_LOCK_MS,
        stalledIntervalMs: cfg.SHADOWSCAN_QUEUE_STALLED_MS,
      });
    default:
      // The config schema already rejects this; the guard keeps a new driver from being half-added.
      throw new Error(`unknown queue driver ${String(cfg.SHADOWSCAN_QUEUE_DRIVER)}`);
  }
}

@Global()
@Module({
  providers: [{ provide: JOB_QUEUE, inject: [APP_CONFIG], useFactory: createJobQueue }],
  exports: [JOB_QUEUE],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(JOB_QUEUE) private readonly queue: JobQueue) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
