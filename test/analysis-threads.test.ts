import * as path from 'node:path';
import { AnalyzeStage } from '@shadowscan/pipeline';
import { InlineHarness } from './support/scan-harness';

const EXAMPLES = path.join(__dirname, '..', 'examples');

/**
 * Files are analysed on worker threads (analysis.pool.ts) unless SHADOWSCAN_ANALYSIS_THREADS=0. Both
 * ways must record the same thing: fingerprints, matches, findings with their evidence, including
 * contradictions, whose official rows the threads ask of the main thread.
 */
describe('analysis threads', () => {
  async function scanWith(threads: string) {
    const h = await InlineHarness.start({ dataDir: 'memory://' }, { SHADOWSCAN_ANALYSIS_THREADS: threads });
    try {
      const progress = await h.scan(path.join(EXAMPLES, 'workspace'), path.join(EXAMPLES, 'catalog.yaml'));
      const analyses = await h.store.db
        .selectFrom('analyses')
        .select(['file_id', 'fingerprint', 'matches', 'error_code'])
        .orderBy('file_id')
        .execute();
      const findings = await h.store.db
        .selectFrom('findings')
        .select(['kind', 'file', 'sheet', 'evidence_hash', 'evidence'])
        .orderBy('kind')
        .orderBy('file')
        .orderBy('sheet')
        .execute();
      return { progress, analyses, findings, threads: h.app.get(AnalyzeStage).analysisThreads };
    } finally {
      await h.close();
    }
  }

  it('records the same analyses and findings on a thread as on the main thread', async () => {
    const [inline, threaded] = [await scanWith('0'), await scanWith('1')];
    expect([inline.threads, threaded.threads]).toEqual([0, 1]);
    expect(threaded.progress.status).toBe('completed');
    expect(threaded.progress.files).toEqual(inline.progress.files);
    expect(threaded.findings.map((f) => f.kind)).toContain('contradiction');
    // Fingerprints carry the file's sha256 and size, not times: equal across the two scans. Finding
    // ids include the source's id, which each harness draws anew, so findings are compared without.
    expect(threaded.analyses).toEqual(inline.analyses);
    expect(threaded.findings).toEqual(inline.findings);
  }, 120_000);
});
