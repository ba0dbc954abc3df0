import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UnreadableFileError, type ResolvedCatalog } from '@shadowscan/domain';
import { AnalysisPool, type PoolTask } from './analysis.pool';

// Stand-in thread scripts: the pool's handling of threads that hang, crash or answer is what is tested
// here; the real analysis thread is tested end to end in test/analysis-threads.test.ts.
const SCRIPTS = {
  hang: `require('node:worker_threads').parentPort.on('message', () => { for (;;) {} });`,
  crash: `require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom'); });`,
  echo: `const { parentPort } = require('node:worker_threads');
    parentPort.on('message', (m) => parentPort.postMessage({ type: 'done', job: m.job.id,
      result: { fingerprint: null, matches: [], findings: [], signatures: [], error: null, file: m.job.input.file,
                hadCatalog: !!m.job.catalog } }));`,
};

const task = (file: string): PoolTask => ({
  input: { absPath: `/nowhere/${file}`, file, sourceId: 's' },
  catalogVersion: 'v1',
  catalog: { systems: [] } as unknown as ResolvedCatalog,
  lookups: [],
  lookupFor: async () => null,
});

describe('AnalysisPool', () => {
  let dir: string;
  const pools: AnalysisPool[] = [];
  // A short cap only for the thread that hangs: starting a thread can take longer than that on a busy machine.
  const pool = (kind: keyof typeof SCRIPTS, capMs = kind === 'hang' ? 50 : 30_000) => {
    const script = path.join(dir, `${kind}.js`);
    writeFileSync(script, SCRIPTS[kind]);
    const p = new AnalysisPool(script, 1, capMs, 50);
    pools.push(p);
    return p;
  };

  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'ss-pool-'))));
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the catalog once per thread and version, and answers each file in turn', async () => {
    const p = pool('echo');
    const results = await Promise.all(['a.csv', 'b.csv', 'c.csv'].map((f) => p.run(task(f))));
    expect(results.map((r) => (r as unknown as { file: string }).file)).toEqual(['a.csv', 'b.csv', 'c.csv']);
    expect(results.map((r) => (r as unknown as { hadCatalog: boolean }).hadCatalog)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('stops a thread that overruns the time cap, reports the file as unreadable (timeout) and carries on', async () => {
    const p = pool('hang');
    const error = await p.run(task('slow.xlsx')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableFileError);
    expect(error).toMatchObject({ code: 'timeout' });
    // The replacement thread takes the next file (and is stopped in its turn).
    await expect(p.run(task('next.xlsx'))).rejects.toMatchObject({ code: 'timeout' });
    expect(p.size).toBe(1);
  });

  it('replaces a thread that crashes, without taking the process down; the job may retry', async () => {
    const p = pool('crash');
    const error = await p.run(task('bad.xlsx')).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(UnreadableFileError);
    expect(String(error)).toMatch(/analysis thread stopped \(boom\) while reading bad.xlsx/);
    await expect(p.run(task('bad2.xlsx'))).rejects.toThrow(/analysis thread stopped/);
  });

  it('refuses work once closed', async () => {
    const p = pool('echo');
    await p.close();
    await expect(p.run(task('late.csv'))).rejects.toThrow(/closed/);
  });
});
