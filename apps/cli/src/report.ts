import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import type { ScanReport } from '@shadowscan/pipeline';

type ReportFinding = ScanReport['findings'][number];
type Ev = Record<string, unknown>;

export async function writeReport(
  dir: string,
  report: ScanReport,
): Promise<{ html: string; json: string; xlsx: string }> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const html = path.join(dir, 'report.html');
  const xlsx = path.join(dir, 'report.xlsx');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(html, renderHtml(report));
  await renderXlsx(report).xlsx.writeFile(xlsx);
  return { html, json, xlsx };
}

/**
 * Spreadsheet formula injection: a cell that starts with = + - @ or a tab/CR may be run as a formula
 * by the program that opens an export. A leading apostrophe makes it text.
 */
export function neutralise(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

const KIND_ORDER = ['contradiction', 'duplicate', 'extension', 'copy_cluster', 'unreadable'];

export function renderXlsx(r: ScanReport): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Shadowscan';
  const summary = wb.addWorksheet('Summary');
  summary.columns = [{ width: 28 }, { width: 80 }];
  const s = r.scan;
  for (const [k, v] of [
    ['Folder', s.root],
    ['Catalog', `${s.catalog.file} (version ${s.catalog.version.slice(0, 12)})`],
    ['Scan', `${s.id} (${s.status})`],
    ['Finished', s.finishedAt ?? ''],
    ['Spreadsheets', s.files.seen],
    ['Tables / matched', `${s.tables} / ${s.matchedTables}`],
    ...Object.entries(s.findings).map(([kind, n]) => [`Open ${kind}`, n]),
  ] as Array<[string, unknown]>) {
    summary.addRow([neutralise(k), neutralise(v)]);
  }
  const common = ['id', 'severity', 'status', 'file', 'sheet', 'entity', 'title'];
  const byKind: Record<string, { headers: string[]; rows: (f: ReportFinding) => unknown[][] }> = {
    duplicate: {
      headers: [...common, 'field coverage', 'key overlap', 'mapping'],
      rows: (f) => [[...base(f), ev(f).fieldCoverage, ev(f).keyOverlap, mappingText(ev(f))]],
    },
    contradiction: {
      headers: [
        ...common,
        'field',
        'compared',
        'conflicts',
        'example key',
        'example row',
        'sheet value',
        'official value',
      ],
      rows: (f) =>
        ((ev(f).fields as Array<Ev>) ?? []).flatMap((fld) => {
          const examples = (fld.examples as Array<Ev>) ?? [];
          const head = [...base(f), fld.field, fld.compared, fld.conflicts];
          return examples.length
            ? examples.map((e) => [...head, e.key, e.row, e.sheet, e.official])
            : [[...head, null, null, null, null]];
        }),
    },
    extension: {
      headers: [...common, 'columns'],
      rows: (f) => [[...base(f), ((ev(f).columns as string[]) ?? []).join(', ')]],
    },
    copy_cluster: {
      headers: [...common, 'files'],
      rows: (f) => [[...base(f), ((ev(f).files as string[]) ?? []).join('\n')]],
    },
    unreadable: {
      headers: [...common, 'code', 'reason'],
      rows: (f) => [[...base(f), ev(f).code, ev(f).message]],
    },
  };
  for (const kind of KIND_ORDER) {
    const findings = r.findings.filter((f) => f.kind === kind);
    if (findings.length === 0) continue;
    const spec = byKind[kind];
    const ws = wb.addWorksheet(kind);
    ws.addRow(spec.headers).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    for (const f of findings) for (const row of spec.rows(f)) ws.addRow(row.map(neutralise));
    ws.columns.forEach((c) => (c.width = 22));
  }
  return wb;
}

function base(f: ReportFinding): unknown[] {
  return [f.id, f.severity, f.status, f.file, f.sheet, f.system ? `${f.system}.${f.entity}` : null, f.title];
}

function ev(f: ReportFinding): Ev {
  return f.evidence as Ev;
}

function mappingText(e: Ev): string {
  return ((e.mapping as Array<Ev>) ?? []).map((m) => `${m.column} → ${m.field} (${m.score})`).join('; ');
}

const esc = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function table(headers: string[], rows: unknown[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

function evidenceHtml(f: ReportFinding): string {
  const e = ev(f);
  switch (f.kind) {
    case 'duplicate':
      return `<p>${esc(((e.fieldCoverage as number) * 100).toFixed(0))}% of the entity's fields; key overlap ${esc(
        e.keyOverlap === null ? 'unknown' : `${((e.keyOverlap as number) * 100).toFixed(0)}%`,
      )}</p>${table(
        ['column', 'field', 'score', 'signals'],
        ((e.mapping as Array<Ev>) ?? []).map((m) => [
          m.column,
          m.field,
          m.score,
          Object.entries((m.signals as Ev) ?? {})
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        ]),
        'ev',
      )}`;
    case 'contradiction': {
      const orphans = e.orphans as { count: number; examples: string[] } | undefined;
      return `<p>${esc(e.joined)} of ${esc(e.rows)} rows joined by key${orphans?.count ? `; ${esc(orphans.count)} key(s) unknown to the official system (${esc(orphans.examples.join(', '))})` : ''}</p>${(
        (e.fields as Array<Ev>) ?? []
      )
        .map(
          (fld) =>
            `<p><b>${esc(fld.field)}</b> (column ${esc(fld.column)}): ${esc(fld.conflicts)} of ${esc(fld.compared)} rows differ</p>${table(
              ['key', 'row', 'sheet', 'official'],
              ((fld.examples as Array<Ev>) ?? []).map((x) => [x.key, x.row, x.sheet, x.official]),
              'ev',
            )}`,
        )
        .join('')}`;
    }
    case 'extension':
      return table(
        ['column', 'type', 'filled', 'distinct'],
        ((e.profiles as Array<Ev>) ?? []).map((p) => [p.column, p.type, p.filled, p.distinct]),
        'ev',
      );
    case 'copy_cluster':
      return table(
        ['source', 'file', 'sheet', 'rows', 'modified'],
        ((e.copies as Array<Ev>) ?? []).map((c) => [c.source, c.file, c.sheet, c.rows, c.modifiedAt]),
        'ev',
      );
    default:
      return `<p>${esc(e.code)}: ${esc(e.message)}</p>`;
  }
}

/** A page a person can read and an auditor can file: summary, then findings by entity and kind. */
export function renderHtml(r: ScanReport): string {
  const s = r.scan;
  const groups = new Map<string, ReportFinding[]>();
  for (const f of r.findings) {
    const g = f.system ? `${f.system}.${f.entity}` : 'Not tied to an official entity';
    groups.set(g, [...(groups.get(g) ?? []), f]);
  }
  const sections = [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([group, fs]) =>
        `<h2>${esc(group)}</h2>${KIND_ORDER.flatMap((kind) =>
          fs
            .filter((f) => f.kind === kind)
            .map(
              (f) =>
                `<div class="finding ${esc(f.severity)}"><h3>${esc(kind)} · ${esc(f.severity)} · ${esc(f.status)}</h3><p><b>${esc(
                  f.file,
                )}</b>${f.sheet ? ` [${esc(f.sheet)}]` : ''}</p><p>${esc(f.title)}</p>${evidenceHtml(f)}<p class="id">finding ${esc(f.id)}, first seen ${esc(f.firstSeenAt)}</p></div>`,
            ),
        ).join('\n')}`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shadowscan report: ${esc(s.root)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:70em}table{border-collapse:collapse;margin:.3em 0 1em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}
.finding{border-left:4px solid #999;padding:.2em 1em;margin:1em 0}.finding.high,.finding.critical{border-color:#c0392b}
.finding.medium{border-color:#e67e22}.finding.low{border-color:#7f8c8d}h3{margin:.3em 0;font-size:15px}.id{color:#777;font-size:12px}</style></head><body>
<h1>Shadowscan report</h1>
<p>Folder <b>${esc(s.root)}</b> against catalog <b>${esc(s.catalog.file)}</b> (${s.catalog.systems} systems, ${s.catalog.entities} entities, version ${esc(s.catalog.version.slice(0, 12))}).</p>
<p>Scan ${esc(s.id)}: ${esc(s.status)}, finished ${esc(s.finishedAt ?? '')}.
${s.files.seen} spreadsheets seen, ${s.files.analyzed} analysed in this scan, ${s.files.failed} failed, ${s.files.deleted} deleted;
${s.tables} tables, ${s.matchedTables} matched to an official entity.</p>
${table(
  ['kind', 'open findings'],
  Object.entries(s.findings).map(([k, n]) => [k, n]),
)}
${sections || '<p>No open findings.</p>'}
</body></html>
`;
}
