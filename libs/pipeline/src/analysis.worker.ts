import { parentPort } from 'node:worker_threads';
import type { ResolvedCatalog, SorEntity } from '@shadowscan/domain';
import type { OfficialLookup } from '@shadowscan/findings';
import { Matcher } from '@shadowscan/matching';
import { analyzeFile, summarised } from './analyze-file';
import type { PoolReply, PoolRequest, WorkerJob } from './analysis.pool';
import { entityRef } from './official-rows';

/**
 * A thread of the analysis pool (see analysis.pool.ts): fingerprints, matches and judges one file at a
 * time, off the main thread, which meanwhile talks to the store and the sources. Official rows are
 * asked of the main thread, which owns the database connections.
 */
const port = parentPort;
if (!port) throw new Error('analysis.worker runs as a worker thread only');

const matchers = new Map<string, { catalog: ResolvedCatalog; matcher: Matcher; lookups: Set<string> }>();
const pendingLookups = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let nextLookup = 0;

/** Official rows of `keys`, from the main thread: one message each way per batch of keys. */
function ask<T>(job: number, request: { entity: SorEntity; keys: unknown[] }): Promise<T> {
  const lookupId = nextLookup++;
  return new Promise<T>((resolve, reject) => {
    pendingLookups.set(lookupId, { resolve: resolve as (v: unknown) => void, reject });
    port!.postMessage({ type: 'lookup', job, lookupId, ...request } satisfies PoolReply);
  });
}

async function run(job: WorkerJob): Promise<void> {
  if (job.catalog) {
    const { catalog } = job;
    matchers.set(job.catalogVersion, {
      catalog,
      matcher: new Matcher(catalog.systems.flatMap((s) => s.entities)),
      lookups: new Set(job.lookups ?? []),
    });
    // The pool sends at most a few versions; keep the newest ones.
    while (matchers.size > 4) matchers.delete(matchers.keys().next().value!);
  }
  const loaded = matchers.get(job.catalogVersion);
  if (!loaded) throw new Error(`internal: catalog ${job.catalogVersion} was not sent to the analysis thread`);
  const result = await analyzeFile({
    ...job.input,
    catalog: loaded.catalog,
    matcher: loaded.matcher,
    lookupFor: async (entity): Promise<OfficialLookup | null> => {
      if (!loaded.lookups.has(entityRef(entity))) return null;
      return async (keys) =>
        new Map(await ask<Array<[string, Record<string, unknown>]>>(job.id, { entity, keys }));
    },
  });
  // The fingerprint and matches cross as JSON text: cheaper to send, and stored as such.
  port!.postMessage({ type: 'done', job: job.id, result: summarised(result) } satisfies PoolReply);
}

port.on('message', (msg: PoolRequest) => {
  if (msg.type === 'lookup-answer') {
    const waiting = pendingLookups.get(msg.lookupId);
    pendingLookups.delete(msg.lookupId);
    if (msg.error !== undefined) waiting?.reject(new Error(msg.error));
    else waiting?.resolve(msg.value);
    return;
  }
  run(msg.job).catch((e: Error) =>
    port!.postMessage({ type: 'failed', job: msg.job.id, error: e.stack ?? e.message } satisfies PoolReply),
  );
});
