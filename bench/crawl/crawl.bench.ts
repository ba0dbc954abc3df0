import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createConnector, type GraphConnector } from '@shadowscan/connectors';
import { EMBEDDED_CONCURRENCY } from '@shadowscan/pipeline';
import { Tenant } from '../../test/emulators/tenant';
import { scanRemoteSource, startRemoteHarness } from '../../test/support/remote-scan';
import type { HostFile, HostRequest, HostStats } from './emulator-host';

/**
 * End-to-end crawl benchmark: a generated tenant served by the emulators with latency and throttling,
 * scanned by the embedded pipeline exactly as the CLI runs it (inline queue, the CLI's concurrency,
 * analysis threads, PGlite on disk) with the connectors' default settings. The emulator runs in a child
 * process (emulator-host.ts, compiled by `npm run bench:crawl`): the service being crawled must not
 * share the scanner's CPU. Then 50 files change, 10 are deleted, 10 are added, and a second scan must
 * analyse exactly those 60 and resolve the deleted files' findings.
 *
 * Environment: BENCH_SPREADSHEETS (5000), BENCH_DRIVES (20), BENCH_OTHERS (1000), BENCH_LATENCY_MS (50),
 * BENCH_THROTTLE (0.05), BENCH_RETRY_AFTER_S (1), BENCH_KINDS (sharepoint,gdrive), BENCH_CONCURRENCY
 * (the CLI's), and BENCH_BASELINE=1 to also scan the same spreadsheets from a local folder: the
 * analysis cost alone, without any crawling.
 */
const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const SPREADSHEETS = env('BENCH_SPREADSHEETS', 5000);
const DRIVES = env('BENCH_DRIVES', 20);
const OTHERS = env('BENCH_OTHERS', 1000);
const LATENCY = env('BENCH_LATENCY_MS', 50);
const THROTTLE = env('BENCH_THROTTLE', 0.05);
const RETRY_AFTER = env('BENCH_RETRY_AFTER_S', 1);
const KINDS = (process.env.BENCH_KINDS ?? 'sharepoint,gdrive').split(',');
const CONCURRENCY = env('BENCH_CONCURRENCY', EMBEDDED_CONCURRENCY);

const out = (line: string) => process.stdout.write(`${line}\n`);
const results: Record<string, unknown> = {};

afterAll(() => {
  const dir = path.join(__dirname, '..', '..', '.shadowscan');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'bench-crawl.json'), JSON.stringify(results, null, 2));
});

describe.each(KINDS)('crawl bench: %s', (kind) => {
  it('first scan, then 50 changed + 10 deleted + 10 added', async () => {
    const emu = await EmulatorHost.start();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ss-bench-db-'));
    const harness = await startRemoteHarness({ concurrency: CONCURRENCY, dataDir });
    try {
      const secretEnv = `SS_BENCH_${kind.toUpperCase()}_SECRET`;
      const { config, secret } = await emu.call<{ config: Record<string, unknown>; secret: string }>({
        op: 'start',
        kind: kind as 'sharepoint',
        tenant: {
          drives: DRIVES,
          spreadsheets: SPREADSHEETS,
          others: OTHERS,
          nativeRate: kind === 'gdrive' ? 0.1 : 0,
          seed: 11,
        },
        faults: {
          latencyMs: LATENCY,
          throttleRate: THROTTLE,
          retryAfterSec: RETRY_AFTER,
          pageSize: kind === 'sharepoint' ? 200 : 1000,
        },
        secretEnv,
      });
      process.env[secretEnv] = secret;
      const sheets = await emu.call<HostFile[]>({ op: 'spreadsheets' });
      out(
        `\n[${kind}] tenant: ${sheets.length} spreadsheets + ${OTHERS} other files in ${DRIVES} drives; ` +
          `${LATENCY} ms latency, ${THROTTLE * 100}% throttled (Retry-After ${RETRY_AFTER} s); emulator in process ${emu.pid}`,
      );

      const cpuBefore = process.cpuUsage();
      const first = await scanRemoteSource(harness, `bench-${kind}`, kind as 'sharepoint', config);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const firstStats = await emu.call<HostStats>({ op: 'stats' });
      const crawled = await harness.store.getScan(first.scan.id);
      out(
        `[${kind}] crawl (listing + recording) took ${new Date(crawled!.crawled_at!).getTime() - new Date(crawled!.started_at!).getTime()} ms`,
      );
      const firstRate = sheets.length / (first.elapsedMs / 1000);
      out(
        `[${kind}] first scan:  ${first.progress.files.analyzed} analysed (${first.progress.files.failed} failed) in ` +
          `${(first.elapsedMs / 1000).toFixed(1)} s = ${firstRate.toFixed(1)} files/s; ` +
          `requests ${firstStats.requests}, throttled ${firstStats.throttled}, downloads ${firstStats.downloads}`,
      );
      out(
        `[${kind}] scanner CPU: ${cpuSeconds.toFixed(1)} s (all threads) = ${((cpuSeconds / sheets.length) * 1000).toFixed(1)} ms per spreadsheet; ` +
          `concurrency ${CONCURRENCY}`,
      );
      expect(first.progress.status).toBe('completed');
      expect(first.failures).toEqual([]);
      expect(first.progress.files.analyzed).toBe(sheets.length);
      expect(first.analysed.size).toBe(sheets.length);
      // Every spreadsheet analysed exactly once: one analysis row per file, one download per file.
      const analyses = await harness.store.db.selectFrom('analyses').select('file_id').execute();
      expect(analyses.length).toBe(sheets.length);
      expect(firstStats.downloads).toBe(sheets.length);

      const byPath = await findingsByFile(harness);
      const withFindings = sheets.filter((s) => byPath.has(s.path));
      const deleted = withFindings.slice(0, 10);
      const candidates = sheets.filter((s) => !deleted.includes(s));
      const step = Math.max(1, Math.floor(candidates.length / 50));
      const changed = candidates.filter((_, i) => i % step === 0).slice(0, 50);
      await emu.call({ op: 'remove', ids: deleted.map((s) => s.id) });
      await emu.call({ op: 'change', ids: changed.map((s) => s.id) });
      const added = await emu.call<HostFile[]>({ op: 'add', n: 10 });

      const second = await scanRemoteSource(harness, `bench-${kind}`, kind as 'sharepoint', config);
      const secondStats = await emu.call<HostStats>({ op: 'stats' });
      const recrawled = (await harness.store.getScan(second.scan.id))!;
      out(
        `[${kind}] second crawl (listing + recording) took ${new Date(recrawled.crawled_at!).getTime() - new Date(recrawled.started_at!).getTime()} ms`,
      );
      const secondRate = 60 / (second.elapsedMs / 1000);
      out(
        `[${kind}] second scan: ${second.progress.files.analyzed} analysed, ${second.progress.files.deleted} deleted in ` +
          `${(second.elapsedMs / 1000).toFixed(1)} s = ${secondRate.toFixed(1)} files/s (changed files); ` +
          `requests ${secondStats.requests - firstStats.requests}, downloads ${secondStats.downloads - firstStats.downloads}`,
      );
      expect(second.failures).toEqual([]);
      expect(second.progress.files).toMatchObject({ changed: 60, deleted: 10, analyzed: 60, failed: 0 });
      const expectedIds = [...changed, ...added].map((s) => s.fileId).sort();
      expect([...second.analysed].sort()).toEqual(expectedIds);
      const after = await findingsByFile(harness);
      const stillOpen = deleted.filter((s) => after.has(s.path));
      out(
        `[${kind}] deleted files with findings: ${deleted.length}, findings still open on them: ${stillOpen.length}`,
      );
      expect(stillOpen).toEqual([]);
      // The pipeline's own connector instance: built from the settings as stored.
      const stored = (await harness.store.getSourceByName(`bench-${kind}`))!;
      const stats = (createConnector(kind, stored.config) as GraphConnector).throttleStats();
      results[kind] = {
        spreadsheets: sheets.length,
        firstScanSeconds: first.elapsedMs / 1000,
        firstScanFilesPerSecond: firstRate,
        firstScanCpuSeconds: cpuSeconds,
        concurrency: CONCURRENCY,
        secondScanSeconds: second.elapsedMs / 1000,
        secondScanFilesPerSecond: secondRate,
        emulator: secondStats,
        budget: stats,
      };
      out(`[${kind}] budget: ${JSON.stringify(stats)}`);
    } finally {
      await harness.close();
      await emu.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

(process.env.BENCH_BASELINE === '1' ? it : it.skip)(
  'baseline: the same spreadsheets from a local folder',
  async () => {
    const tenant = Tenant.generate({ drives: DRIVES, spreadsheets: SPREADSHEETS, others: 0, seed: 11 });
    const root = mkdtempSync(path.join(tmpdir(), 'ss-bench-local-'));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ss-bench-db-'));
    for (const { drive, item } of tenant.spreadsheets()) {
      const file = path.join(root, drive.site.name, tenant.pathOf(drive, item));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, item.content!);
    }
    const h = await startRemoteHarness({ concurrency: CONCURRENCY, dataDir });
    try {
      const catalog = await h.scans.importCatalog(
        path.join(__dirname, '..', '..', 'examples', 'catalog.yaml'),
      );
      await h.scans.registerLocalSource('bench-local', { root });
      const started = Date.now();
      const scan = await h.scans.startScan('bench-local', catalog.version);
      await h.queue.onIdle();
      const seconds = (Date.now() - started) / 1000;
      const p = (await h.store.scanProgress(scan.id))!;
      out(
        `\n[local] baseline: ${p.files.analyzed} analysed in ${seconds.toFixed(1)} s = ${(p.files.analyzed / seconds).toFixed(1)} files/s`,
      );
      results.localBaseline = {
        spreadsheets: p.files.analyzed,
        seconds,
        filesPerSecond: p.files.analyzed / seconds,
      };
    } finally {
      await h.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

/** The emulator's child process, asked over IPC; each request gets its own answer. */
class EmulatorHost {
  private next = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(msg.id);
      this.waiting.delete(msg.id);
      if (msg.error !== undefined) w?.reject(new Error(`emulator: ${msg.error}`));
      else w?.resolve(msg.result);
    });
    child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`emulator process exited (${code})`));
      this.waiting.clear();
    });
  }

  static async start(): Promise<EmulatorHost> {
    const script = path.join(
      __dirname,
      '..',
      '..',
      'dist',
      'bench-crawl',
      'bench',
      'crawl',
      'emulator-host.js',
    );
    if (!existsSync(script))
      throw new Error(`${script} is missing: run the benchmark with npm run bench:crawl`);
    return new EmulatorHost(fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<T = unknown>(req: HostRequest): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, req });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.call({ op: 'stop' }).catch(() => undefined);
    await exited;
  }
}

async function findingsByFile(h: Awaited<ReturnType<typeof startRemoteHarness>>): Promise<Set<string>> {
  return new Set((await h.openFindings()).map((f) => f.file));
}
