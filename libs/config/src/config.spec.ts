import { apiConfigSchema, cliConfigSchema, loadConfig, redactUrl, workerConfigSchema } from './config';

describe('loadConfig', () => {
  it('applies defaults: inline queue and an embedded database', () => {
    const cfg = loadConfig(cliConfigSchema, {});
    expect(cfg.SHADOWSCAN_QUEUE_DRIVER).toBe('inline');
    expect(cfg.DATABASE_URL).toBeUndefined();
    expect(cfg.SHADOWSCAN_DB_DIR).toBe('.shadowscan/db');
  });

  it('rejects an unknown SHADOWSCAN_ variable by name', () => {
    expect(() => loadConfig(cliConfigSchema, { SHADOWSCAN_QUEUE_DRIVR: 'bullmq' })).toThrow(
      /SHADOWSCAN_QUEUE_DRIVR: unknown variable/,
    );
  });

  it('rejects an unknown queue driver instead of falling back', () => {
    expect(() => loadConfig(workerConfigSchema, { SHADOWSCAN_QUEUE_DRIVER: 'sqs' })).toThrow(
      /SHADOWSCAN_QUEUE_DRIVER: .*got "sqs"/,
    );
  });

  it('requires REDIS_URL for the bullmq driver', () => {
    expect(() => loadConfig(workerConfigSchema, { SHADOWSCAN_QUEUE_DRIVER: 'bullmq' })).toThrow(
      /REDIS_URL: is required/,
    );
  });

  it('coerces and bounds numbers', () => {
    expect(loadConfig(apiConfigSchema, { PORT: '8080' }).PORT).toBe(8080);
    expect(() => loadConfig(apiConfigSchema, { PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig(workerConfigSchema, { SHADOWSCAN_WORKER_CONCURRENCY: '0' })).toThrow(
      /SHADOWSCAN_WORKER_CONCURRENCY/,
    );
  });

  it('ignores unrelated environment variables', () => {
    expect(() => loadConfig(cliConfigSchema, { HOME: '/root', PATH: '/bin' })).not.toThrow();
  });

  it('never echoes a connection URL in its error', () => {
    try {
      loadConfig(cliConfigSchema, { DATABASE_URL: 'not a url with password hunter2' });
      throw new Error('expected a failure');
    } catch (err) {
      expect(String(err)).toMatch(/DATABASE_URL/);
      expect(String(err)).not.toMatch(/hunter2/);
    }
  });
});

describe('redactUrl', () => {
  it('hides the password', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
  });
});
