import * as path from 'node:path';
import { stat } from 'node:fs/promises';
import { ShadowscanError } from '@shadowscan/domain';
import { ScanService, toReportFinding, type ScanReport } from '@shadowscan/pipeline';
import { InlineJobQueue, JOB_QUEUE } from '@shadowscan/queue';
import { ShadowscanStore } from '@shadowscan/store';
import { ProgressBar } from '../progress';
import { writeReport } from '../report';
import { cliConfig, withApp } from './context';

interface ScanOptions {
  catalog?: string;
  source?: string;
  db?: string;
  out: string;
  name?: string;
  include: string[];
  exclude: string[];
  json?: boolean;
  progress: boolean;
  syncCatalog?: boolean;
}

export async function scanCommand(folder: string | undefined, opts: ScanOptions): Promise<number> {
  if (!folder === !opts.source) {
    throw new ShadowscanError(
      'usage',
      'Give either a folder to scan or --source NAME (a registered source), not both.',
    );
  }
  const root = folder ? path.resolve(folder) : null;
  if (root && !opts.catalog) throw new ShadowscanError('catalog_missing', 'No catalog: pass --catalog FILE.');
  if (root && !(await stat(root).catch(() => null))?.isDirectory()) {
    throw new ShadowscanError('source_not_found', `${folder} is not a folder.`);
  }
  const cfg = cliConfig(opts.db);
  return withApp(cfg, true, async (app) => {
    const scans = app.get(ScanService);
    const store = app.get(ShadowscanStore);
    const queue = app.get<InlineJobQueue>(JOB_QUEUE);

    let sourceName: string;
    let catalogFile = opts.catalog;
    if (root) {
      sourceName = opts.name ?? `local:${root}`;
      await scans.registerLocalSource(sourceName, { root, include: opts.include, exclude: opts.exclude });
    } else {
      sourceName = opts.source!;
      const source = await store.getSourceByName(sourceName);
      if (!source) {
        throw new ShadowscanError(
          'source_not_found',
          `No source named "${sourceName}" is registered (see \`shadowscan sources list\`).`,
        );
      }
      catalogFile ??= (source.config as { catalog?: string }).catalog;
    }
    if (!catalogFile) throw new ShadowscanError('catalog_missing', 'No catalog: pass --catalog FILE.');
    const { catalog, from, number } = await scans.catalogForScan(catalogFile, { refresh: opts.syncCatalog });
    const scan = await scans.startScan(sourceName, catalog.version);

    const bar = new ProgressBar(opts.progress && !opts.json);
    const tick = async () => {
      const p = await store.scanProgress(scan.id);
      if (!p) return;
      const total = p.files.analyzed + p.files.failed + p.files.pending;
      const open = Object.values(p.findings).reduce((a, b) => a + b, 0);
      bar.update(
        p.files.analyzed + p.files.failed,
        p.status === 'queued' ? null : total,
        `${open} open findings`,
        total === 0 && p.progress === 1,
      );
    };
    const timer = setInterval(() => void tick().catch(() => undefined), 150);
    try {
      await queue.onIdle();
    } finally {
      clearInterval(timer);
    }
    await tick();
    bar.finish();

    const progress = (await store.scanProgress(scan.id))!;
    const findings = await store.listFindings({ sourceId: scan.source_id, limit: 100_000 });
    const report: ScanReport = {
      scan: {
        ...progress,
        root: root ?? sourceName,
        catalog: {
          file: catalog.source,
          version: catalog.version,
          number,
          from,
          systems: catalog.systems.length,
          entities: catalog.systems.reduce((n, s) => n + s.entities.length, 0),
        },
      },
      findings: findings.items.filter((f) => f.status !== 'resolved').map(toReportFinding),
    };
    const written = await writeReport(opts.out, report);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      printSummary(report, written.html, root ? path.relative(process.cwd(), root) || '.' : sourceName);
    }
    for (const err of queue.failures()) process.stderr.write(`shadowscan: a job failed: ${err.message}\n`);
    return progress.status === 'completed' ? 0 : 1;
  });
}

function printSummary(r: ScanReport, htmlPath: string, shownRoot: string): void {
  const s = r.scan;
  const byKind = Object.entries(s.findings)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const total = Object.values(s.findings).reduce((a, b) => a + b, 0);
  const out = [
    '',
    `Scan of ${shownRoot} ${s.status} (${s.catalog.systems} systems, ${s.catalog.entities} entities in the catalog${s.catalog.number ? `, version ${s.catalog.number}${s.catalog.from === 'stored' ? ' as stored' : ''}` : ''})`,
    `  files     ${s.files.seen} spreadsheets; ${s.files.analyzed} analysed, ${s.files.failed} failed, ${s.files.deleted} deleted since the last scan`,
    `  tables    ${s.tables} found, ${s.matchedTables} matched to an official entity`,
    `  findings  ${total} open${byKind ? `: ${byKind}` : ''}`,
    ...r.findings.map((f) => `    - ${f.severity.padEnd(8)} ${f.kind.padEnd(13)} ${f.title}`),
    `  report    ${path.relative(process.cwd(), htmlPath)} (and report.xlsx, report.json beside it)`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}
