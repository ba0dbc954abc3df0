import type { JobQueue } from '@shadowscan/queue';
import type { ShadowscanStore } from '@shadowscan/store';

/**
 * Called after every unit of a scan's work. The call that finds nothing pending moves the scan to
 * `finalizing`; any call that sees it there (also a retry after a crash in between) adds the
 * finalize job, which the job id keeps to one.
 */
export async function requestFinalize(
  store: ShadowscanStore,
  queue: JobQueue,
  scanId: string,
): Promise<void> {
  if ((await store.finalizeIfDone(scanId)) === 'finalizing') await queue.add('finalize', { scanId });
}
