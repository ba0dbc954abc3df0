import type { ScanReport } from '@shadowscan/pipeline';
import { neutralise, renderHtml, renderXlsx } from './report';

const report: ScanReport = {
  scan: {
    id: 'scan-1',
    sourceId: 's',
    sourceName: 'local:/x',
    status: 'completed',
    error: null,
    createdAt: '2026-11-26T10:00:00.000Z',
    finishedAt: '2026-11-26T10:01:00.000Z',
    files: { seen: 1, changed: 1, deleted: 0, analyzed: 1, failed: 0, pending: 0 },
    tables: 1,
    matchedTables: 1,
    progress: 1,
    findings: { contradiction: 1 },
    root: '/x',
    catalog: { file: '/c.yaml', version: 'abcdef0123456789', systems: 1, entities: 1 },
  },
  findings: [
    {
      id: 'f1',
      kind: 'contradiction',
      severity: 'high',
      status: 'open',
      file: '=HYPERLINK("http://evil")',
      sheet: '<script>alert(1)</script>',
      system: 'crm',
      entity: 'customer',
      title: '@SUM(1+1) contradicts crm.customer',
      evidence: {
        rows: 2,
        joined: 2,
        orphans: { count: 0, examples: [] },
        fields: [
          {
            field: 'credit_limit',
            column: 'Limit',
            compared: 2,
            conflicts: 1,
            examples: [{ key: 'C-1', row: 3, sheet: '-1+2', official: 100 }],
          },
        ],
      },
      firstSeenAt: '2026-11-26T10:00:00.000Z',
      lastSeenAt: '2026-11-26T10:00:00.000Z',
    },
  ],
};

describe('reports', () => {
  it('neutralises formula injection in every exported cell', () => {
    expect(neutralise('=1+1')).toBe("'=1+1");
    expect(neutralise('+1')).toBe("'+1");
    expect(neutralise('-1')).toBe("'-1");
    expect(neutralise('@x')).toBe("'@x");
    expect(neutralise('\tx')).toBe("'\tx");
    expect(neutralise('plain')).toBe('plain');
    expect(neutralise(-5)).toBe(-5);
    const ws = renderXlsx(report).getWorksheet('contradiction')!;
    const cells: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => cells.push(c.value)));
    for (const v of cells) if (typeof v === 'string') expect(v).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells).toEqual(expect.arrayContaining(['\'=HYPERLINK("http://evil")', "'-1+2", 'C-1']));
  });

  it('writes one sheet per kind after the summary', () => {
    expect(renderXlsx(report).worksheets.map((w) => w.name)).toEqual(['Summary', 'contradiction']);
  });

  it('escapes HTML and shows the contradiction examples', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('credit_limit');
    expect(html).toContain('C-1');
  });
});
