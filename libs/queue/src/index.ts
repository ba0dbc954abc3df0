export * from './jobs';
export * from './job-queue.port';
export * from './job-registry';
export * from './inline.queue';
export * from './bullmq.queue';
export * from './queue.module';
