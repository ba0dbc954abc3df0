import type { TableFingerprint, WorkbookFingerprint } from '@shadowscan/domain';
import { fingerprintFile, streamTableRows } from './index';
import { useTempDir, writeWorkbook } from './testing.fixtures';

const tmp = useTempDir();

async function rowsOf(path: string, t: TableFingerprint): Promise<number[]> {
  const rows: number[] = [];
  for await (const r of streamTableRows(path, t)) rows.push(r.row);
  return rows;
}

describe('finding tables and headers in a sheet', () => {
  let path: string;
  let fp: WorkbookFingerprint;

  beforeAll(async () => {
    path = tmp.path('report.xlsx');
    await writeWorkbook(path, (wb) => {
      const ws = wb.addWorksheet('Report');
      ws.addRow(['Sales by region, Q1']); // 1 title
      ws.addRow([]); // 2
      ws.addRow(['Region', 'Units', 'Revenue']); // 3 header
      ws.addRow(['North', 10, 100.5]); // 4
      ws.addRow(['South', 20, 200]); // 5
      ws.addRow(['Total', 30, 300.5]); // 6 totals
      ws.addRow([]); // 7
      ws.addRow([]); // 8
      ws.addRow(['Returns']); // 9 title of the second table
      ws.addRow(['Order', 'Reason', 'Date', 'Refund']); // 10 header
      ws.addRow(['A-1', 'damaged', new Date(Date.UTC(2024, 0, 5)), 12]); // 11
      ws.addRow(['A-2', 'late', new Date(Date.UTC(2024, 0, 6)), 30]); // 12
      ws.getRow(12).hidden = true;

      const grouped = wb.addWorksheet('Customers');
      grouped.addRow(['Customer', null, 'Billing', null, null]); // merged group labels
      grouped.addRow(['Id', 'Name', 'City', 'Zip', 'Country']);
      grouped.addRow(['C1', 'Acme', 'Paris', '75001', 'FR']);
      grouped.addRow(['C2', 'Beta', 'Lyon', '69001', 'FR']);
      grouped.mergeCells('A1:B1');
      grouped.mergeCells('C1:E1');
      grouped.getColumn(5).hidden = true;

      const hidden = wb.addWorksheet('Lookups', { state: 'veryHidden' });
      hidden.addRow(['code', 'label']);
      hidden.addRow(['a', 'Alpha']);
    });
    fp = await fingerprintFile(path);
  });

  it('skips the title, stops before the totals row and finds the second table below a gap', async () => {
    const report = fp.tables.filter((t) => t.sheet === 'Report');
    expect(report).toHaveLength(2);
    expect(report[0]).toMatchObject({
      title: 'Sales by region, Q1',
      headerRow: 3,
      range: 'A3:C5',
      rowCount: 2,
      totalsRow: 6,
    });
    expect(report[0].columns.map((c) => c.name)).toEqual(['Region', 'Units', 'Revenue']);
    expect(report[0].columns[1].numeric).toEqual({ min: 10, max: 20 });
    expect(report[1]).toMatchObject({
      title: 'Returns',
      headerRow: 10,
      range: 'A10:D12',
      rowCount: 2,
      hiddenRows: 1,
    });
    expect(report[1].columns.map((c) => c.type)).toEqual(['id', 'string', 'date', 'integer']);
    expect(await rowsOf(path, report[0])).toEqual([4, 5]);
    expect(await rowsOf(path, report[1])).toEqual([11, 12]);
  });

  it('joins a two-row header under merged group labels, and flags hidden columns', async () => {
    const [t] = fp.tables.filter((x) => x.sheet === 'Customers');
    expect(t.columns.map((c) => c.name)).toEqual([
      'Customer / Id',
      'Customer / Name',
      'Billing / City',
      'Billing / Zip',
      'Billing / Country',
    ]);
    expect(t).toMatchObject({ headerRow: 2, headerRows: 2, dataStartRow: 3, range: 'A1:E4', rowCount: 2 });
    expect(t.columns.map((c) => c.hidden ?? false)).toEqual([false, false, false, false, true]);
    expect(await rowsOf(path, t)).toEqual([3, 4]);
  });

  it('reads hidden sheets and flags them', () => {
    const [t] = fp.tables.filter((x) => x.sheet === 'Lookups');
    expect(t).toMatchObject({ hiddenSheet: true, rowCount: 1 });
    expect(fp.risks.hiddenSheets).toEqual(['Lookups']);
    expect(fp.risks.veryHiddenSheets).toEqual(['Lookups']);
  });

  it('does not split a table at blank rows when the rows below are more data', async () => {
    const p = tmp.path('gaps.xlsx');
    await writeWorkbook(p, (wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow(['name', 'city']);
      ws.addRow(['ann', 'paris']);
      ws.addRow([]);
      ws.addRow(['bob', 'lyon']);
      ws.addRow([]);
      ws.addRow(['note only']);
      ws.addRow(['cy', 'nice']);
    });
    const { tables } = await fingerprintFile(p);
    expect(tables).toHaveLength(1);
    expect(tables[0]).toMatchObject({ rowCount: 4, range: 'A1:B7' });
    expect(await rowsOf(p, tables[0])).toEqual([2, 4, 6, 7]);
  });
});
