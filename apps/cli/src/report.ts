import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ScanReport } from '@shadowscan/pipeline';

export async function writeReport(dir: string, report: ScanReport): Promise<{ html: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, 'report.json');
  const html = path.join(dir, 'report.html');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(html, renderHtml(report));
  return { html, json };
}

const esc = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A page a person can read and an auditor can file: summary, then findings by kind with evidence. */
export function renderHtml(r: ScanReport): string {
  const s = r.scan;
  const kinds = [...new Set(r.findings.map((f) => f.kind))];
  const sections = kinds
    .map((kind) => {
      const rows = r.findings
        .filter((f) => f.kind === kind)
        .map((f) => {
          const ev = f.evidence as Record<string, unknown>;
          const mapping = Array.isArray(ev.mapping)
            ? `<table class="ev"><tr><th>column</th><th>field</th><th>score</th></tr>${(
                ev.mapping as Array<Record<string, unknown>>
              )
                .map(
                  (m) => `<tr><td>${esc(m.column)}</td><td>${esc(m.field)}</td><td>${esc(m.score)}</td></tr>`,
                )
                .join('')}</table>`
            : '';
          const detail =
            kind === 'unreadable'
              ? `${esc(ev.code)}: ${esc(ev.message)}`
              : `coverage ${esc(ev.fieldCoverage)}, key overlap ${esc(ev.keyOverlap ?? 'n/a')}${mapping}`;
          return `<tr><td>${esc(f.severity)}</td><td>${esc(f.status)}</td><td>${esc(f.file)}</td><td>${esc(f.sheet ?? '')}</td><td>${esc(f.system ? `${f.system}.${f.entity}` : '')}</td><td>${detail}</td></tr>`;
        })
        .join('\n');
      return `<h2>${esc(kind)} (${r.findings.filter((f) => f.kind === kind).length})</h2>
<table><tr><th>severity</th><th>status</th><th>file</th><th>sheet</th><th>entity</th><th>evidence</th></tr>
${rows}</table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shadowscan report: ${esc(s.root)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}
table.ev td,table.ev th{font-size:12px;padding:2px 6px}</style></head><body>
<h1>Shadowscan report</h1>
<p>Folder <b>${esc(s.root)}</b> against catalog <b>${esc(s.catalog.file)}</b> (${s.catalog.systems} systems, ${s.catalog.entities} entities, version ${esc(s.catalog.version.slice(0, 12))}).</p>
<p>Scan ${esc(s.id)}: ${esc(s.status)}, finished ${esc(s.finishedAt ?? '')}.
${s.files.seen} spreadsheets seen, ${s.files.analyzed} analysed, ${s.files.failed} failed, ${s.files.deleted} deleted;
${s.tables} tables, ${s.matchedTables} matched to an official entity.</p>
<p>Open findings: ${
    Object.entries(s.findings)
      .map(([k, n]) => `${esc(k)} ${n}`)
      .join(', ') || 'none'
  }.</p>
${sections}
</body></html>
`;
}
