import { z } from 'zod';
import { ShadowscanError } from '@shadowscan/domain';

/**
 * Every app validates its environment at boot. Variables with the SHADOWSCAN_ prefix that no schema
 * knows are errors (a typo must not silently fall back to a default); REDIS_URL, DATABASE_URL, PORT and
 * LOG_LEVEL are read unprefixed because that is how operators and platforms set them.
 */
const PREFIX = 'SHADOWSCAN_';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const share = z.coerce.number().min(0).max(1);

const common = {
  SHADOWSCAN_QUEUE_DRIVER: z.enum(['inline', 'bullmq']).default('inline'),
  REDIS_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  SHADOWSCAN_DB_DIR: z.string().min(1).default('.shadowscan/db'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHADOWSCAN_QUEUE_PREFIX: z.string().min(1).default('shadowscan'),
  SHADOWSCAN_JOB_ATTEMPTS: int(1, 100).default(5),
  SHADOWSCAN_JOB_BACKOFF_MS: int(0, 3_600_000).default(2_000),
  SHADOWSCAN_QUEUE_LOCK_MS: int(500, 3_600_000).default(30_000),
  SHADOWSCAN_QUEUE_STALLED_MS: int(500, 3_600_000).default(30_000),
  SHADOWSCAN_KEEP_COMPLETED_JOBS: int(0, 1_000_000).default(1_000),
  SHADOWSCAN_KEEP_FAILED_JOBS: int(0, 1_000_000).default(5_000),
  SHADOWSCAN_MAX_FILE_MB: int(1, 10_000).default(100),
  SHADOWSCAN_FILE_TIMEOUT_MS: int(100, 3_600_000).default(120_000),
  /** Threads that analyse files beside the main one; 0 keeps analysis on it. Default: cores - 1, at most 4. */
  SHADOWSCAN_ANALYSIS_THREADS: int(0, 64).optional(),
  // Findings: thresholds a data owner can reason about, and how much evidence shows.
  SHADOWSCAN_MIN_FIELD_COVERAGE: share.default(0.34),
  SHADOWSCAN_MIN_KEY_OVERLAP: share.default(0.5),
  SHADOWSCAN_SEVERE_CONFLICT_RATE: share.default(0.1),
  SHADOWSCAN_EVIDENCE_MASKING: z.enum(['sensitive', 'all', 'none']).default('sensitive'),
  SHADOWSCAN_EVIDENCE_EXAMPLES: int(0, 1000).default(5),
  // Delivery of finding changes: a webhook signed with HMAC-SHA256 (secret from env or a file).
  SHADOWSCAN_WEBHOOK_URL: z.string().url().optional(),
  SHADOWSCAN_WEBHOOK_SECRET: z.string().min(16).optional(),
  SHADOWSCAN_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
  SHADOWSCAN_WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
};

export const workerConfigSchema = z
  .object({
    ...common,
    SHADOWSCAN_WORKER_CONCURRENCY: int(1, 256).default(2),
  })
  .superRefine(requireRedisForBullmq);

export const apiConfigSchema = z
  .object({
    ...common,
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
  })
  .superRefine(requireRedisForBullmq);

export const cliConfigSchema = z.object({ ...common }).superRefine(requireRedisForBullmq);

export type WorkerConfig = z.infer<typeof workerConfigSchema>;
export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type CliConfig = z.infer<typeof cliConfigSchema>;
/** What the libs need; every app config satisfies it. */
export type CoreConfig = CliConfig;

function requireRedisForBullmq(
  cfg: { SHADOWSCAN_QUEUE_DRIVER: string; REDIS_URL?: string },
  ctx: z.RefinementCtx,
) {
  if (cfg.SHADOWSCAN_QUEUE_DRIVER === 'bullmq' && !cfg.REDIS_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_URL'],
      message: 'is required when SHADOWSCAN_QUEUE_DRIVER=bullmq (e.g. redis://127.0.0.1:6379)',
    });
  }
}

/** Keys a schema reads, for the unknown-variable check. */
function schemaKeys(schema: z.ZodType): Set<string> {
  let s: z.ZodType = schema;
  // superRefine wraps the object; unwrap to reach its shape.
  while (!(s instanceof z.ZodObject)) {
    const inner = (s as unknown as { def?: { schema?: z.ZodType; in?: z.ZodType } }).def;
    const next = inner?.schema ?? inner?.in;
    if (!next) break;
    s = next;
  }
  return new Set(s instanceof z.ZodObject ? Object.keys(s.shape) : []);
}

/**
 * Parses `env` with `schema`. Throws a ShadowscanError (code `config_invalid`) naming every bad or
 * unknown variable, so a misconfigured deployment fails at boot with one readable message.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const known = schemaKeys(schema);
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (key.startsWith(PREFIX) && !known.has(key)) problems.push(`${key}: unknown variable`);
  }
  const input: Record<string, string> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '(config)';
      const given = input[key];
      problems.push(
        `${key}: ${issue.message}${given !== undefined && !/URL|PASSWORD|SECRET|TOKEN/.test(key) ? ` (got "${given}")` : ''}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new ShadowscanError('config_invalid', `Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data as z.infer<S>;
}

/** Redacts credentials from a connection URL so it can be logged or shown. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

/** DI token for the validated config of the running app (a CoreConfig or a superset). */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** For an app's bootstrap: a config error prints its message and exits 78 (EX_CONFIG), others crash loudly. */
export function ShadowscanConfigExit(err: unknown): never {
  if (err instanceof ShadowscanError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}
