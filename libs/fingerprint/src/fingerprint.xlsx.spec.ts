import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { TableFingerprint, WorkbookFingerprint } from '@shadowscan/domain';
import * as ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { fingerprintFile } from './index';
import { useTempDir, writeWorkbook } from './testing.fixtures';

const tmp = useTempDir();

function table(fp: WorkbookFingerprint, sheet: string): TableFingerprint {
  const found = fp.tables.find((t) => t.sheet === sheet);
  if (!found)
    throw new Error(`no table for sheet ${sheet}; have ${fp.tables.map((t) => t.sheet).join(', ')}`);
  return found;
}

describe('fingerprintFile on xlsx', () => {
  let fp: WorkbookFingerprint;
  let path: string;

  beforeAll(async () => {
    path = tmp.path('customers.xlsx');
    await writeWorkbook(path, (wb) => {
      const customers = wb.addWorksheet('Customers');
      customers.addRow(['Customer export']);
      customers.addRow([]);
      customers.addRow([
        'Customer ID',
        'Name',
        'Joined',
        'Last login',
        'Balance',
        'Email',
        'Active',
        'Website',
      ]);
      const rows: Array<[string, string, Date, Date, number, string, boolean]> = [
        [
          '00042',
          'Acme',
          new Date(Date.UTC(2024, 0, 2)),
          new Date(Date.UTC(2024, 5, 1, 10, 30)),
          1200.5,
          'a@acme.com',
          true,
        ],
        [
          '00043',
          'Beta',
          new Date(Date.UTC(2024, 0, 3)),
          new Date(Date.UTC(2024, 5, 2, 11, 0)),
          99,
          'b@beta.io',
          false,
        ],
        [
          '00044',
          'Gamma',
          new Date(Date.UTC(2024, 1, 4)),
          new Date(Date.UTC(2024, 5, 3, 9, 15)),
          0.25,
          'c@gamma.org',
          true,
        ],
      ];
      for (const [id, name, joined, login, balance, email, active] of rows) {
        customers.addRow([
          id,
          name,
          joined,
          login,
          balance,
          email,
          active,
          { text: `${name} site`, hyperlink: `https://${name}.example` },
        ]);
      }
      // Rich text and an empty row inside the data.
      customers.getCell('B5').value = { richText: [{ text: 'Be' }, { text: 'ta', font: { bold: true } }] };
      customers.addRow([]);
      customers.addRow(['00045', 'Delta', new Date(Date.UTC(2024, 2, 5)), null, 10, 'd@delta.net', false]);
      customers.getColumn(3).numFmt = 'yyyy-mm-dd';

      const orders = wb.addWorksheet('Orders');
      orders.addRow(['Order', 'Qty', 'Price', 'Total', 'Total', '', 'Due']);
      orders.addRow([
        'ORD-1',
        2,
        10,
        { formula: 'B2*C2', result: 20 },
        1,
        'x',
        { formula: 'DATE(2024,1,31)', result: 45322 },
      ]);
      orders.addRow([
        'ORD-2',
        3,
        5,
        { formula: 'B3*C3', result: 15 },
        2,
        'y',
        { formula: 'DATE(2024,2,29)', result: 45351 },
      ]);
      orders.addRow(['ORD-3', 1, 7, { formula: 'NA()', result: { error: '#N/A' } }, 3, 'z', null]);
      orders.getColumn(7).numFmt = 'dd/mm/yyyy';

      wb.addWorksheet('Empty');
      const hidden = wb.addWorksheet('Lookup', { state: 'hidden' });
      hidden.addRow(['code', 'label']);
      hidden.addRow(['a', 'Alpha']);
    });
    fp = await fingerprintFile(path, { displayName: 'share/customers.xlsx' });
  });

  it('describes the file', async () => {
    const bytes = await readFile(path);
    expect(fp.file).toBe('share/customers.xlsx');
    expect(fp.format).toBe('xlsx');
    expect(fp.size).toBe(bytes.length);
    expect(fp.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('yields one table per non-empty sheet, in tab order', () => {
    expect(fp.tables.map((t) => t.sheet)).toEqual(['Customers', 'Orders', 'Lookup']);
  });

  it('skips a title row and finds the header below it', () => {
    const t = table(fp, 'Customers');
    expect(t.headerRow).toBe(3);
    expect(t.columns.map((c) => c.name)).toEqual([
      'Customer ID',
      'Name',
      'Joined',
      'Last login',
      'Balance',
      'Email',
      'Active',
      'Website',
    ]);
    expect(t.rowCount).toBe(4);
    expect(t.range).toBe('A3:H8');
  });

  it('profiles the columns', () => {
    const t = table(fp, 'Customers');
    const col = (name: string) => t.columns.find((c) => c.name === name)!;
    expect(col('Customer ID')).toMatchObject({
      type: 'id',
      distinct: 4,
      values: ['00042', '00043', '00044', '00045'],
    });
    expect(col('Name').values).toEqual(['acme', 'beta', 'gamma', 'delta']);
    expect(col('Joined')).toMatchObject({
      type: 'date',
      values: ['2024-01-02', '2024-01-03', '2024-02-04', '2024-03-05'],
    });
    expect(col('Last login')).toMatchObject({ type: 'datetime', nullRatio: 0.25, distinct: 3 });
    expect(col('Last login').values[0]).toBe('2024-06-01T10:30:00.000Z');
    expect(col('Balance')).toMatchObject({ type: 'decimal', values: ['1200.5', '99', '0.25', '10'] });
    expect(col('Email')).toMatchObject({ type: 'email', typeShare: 1 });
    expect(col('Active')).toMatchObject({ type: 'boolean', distinct: 2 });
    expect(col('Website')).toMatchObject({
      type: 'string',
      values: ['acme site', 'beta site', 'gamma site'],
    });
    expect(col('Website').nullRatio).toBeCloseTo(0.25);
    expect(t.columns.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('uses formula results, names blank and duplicate headers, and counts formulas', () => {
    const t = table(fp, 'Orders');
    expect(t.columns.map((c) => c.name)).toEqual([
      'Order',
      'Qty',
      'Price',
      'Total',
      'Total (2)',
      'column_F',
      'Due',
    ]);
    const total = t.columns[3];
    expect(total).toMatchObject({ type: 'integer', values: ['20', '15'], nullRatio: 1 / 3 });
    // Formula results in date-formatted cells come back as dates too.
    expect(t.columns[6]).toMatchObject({ type: 'date', values: ['2024-01-31', '2024-02-29'] });
    expect(t.columns[0].type).toBe('id');
    expect(fp.risks.formulas).toBe(5);
  });

  it('reports hidden sheets', () => {
    expect(fp.risks.hiddenSheets).toEqual(['Lookup']);
  });

  it('gives a stable schema hash that follows names and types', () => {
    const t = table(fp, 'Customers');
    expect(t.schemaHash).toMatch(/^[0-9a-f]{16}$/);
    expect(table(fp, 'Orders').schemaHash).not.toBe(t.schemaHash);
  });

  it('reads a Google Sheet delivered as its xlsx export, keeping the format gsheet', async () => {
    const exported = tmp.path('export-download');
    await copyFile(path, exported);
    const g = await fingerprintFile(exported, { displayName: 'Drive/Budget.gsheet' });
    expect(g.format).toBe('gsheet');
    expect(g.tables.map((t) => t.sheet)).toEqual(fp.tables.map((t) => t.sheet));
  });

  it('takes the format from the display name when the path has no spreadsheet extension', async () => {
    const download = tmp.path('download-1234.tmp');
    await copyFile(path, download);
    const again = await fingerprintFile(download, { displayName: 'finance/book.xlsm' });
    expect(again.format).toBe('xlsm');
    expect(again.file).toBe('finance/book.xlsm');
    expect(again.tables).toEqual(fp.tables);
  });

  it('reads a workbook whose shared strings and styles precede the sheets (no spooling)', async () => {
    const source = await JSZip.loadAsync(await readFile(path));
    const first = ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml'];
    const names = Object.keys(source.files).filter((n) => !source.files[n].dir);
    const reordered = new JSZip();
    for (const name of [...first, ...names.filter((n) => !first.includes(n))]) {
      reordered.file(name, await source.file(name)!.async('nodebuffer'));
    }
    const live = tmp.path('reordered.xlsx');
    await writeFile(live, await reordered.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    const again = await fingerprintFile(live);
    expect(again.tables).toEqual(fp.tables);
    expect(again.risks).toEqual(fp.risks);
  });

  it('reads zip64 archives with data descriptors, and workbooks without shared strings', async () => {
    const zip64 = tmp.path('zip64.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: zip64,
      zip: { forceZip64: true },
      useSharedStrings: false,
      useStyles: true,
    });
    const ws = writer.addWorksheet('Numbers');
    ws.addRow(['n', 'square']).commit();
    for (let i = 1; i <= 50; i++) ws.addRow([i, i * i]).commit();
    ws.commit();
    await writer.commit();
    const [t] = (await fingerprintFile(zip64)).tables;
    expect(t).toMatchObject({ sheet: 'Numbers', range: 'A1:B51', rowCount: 50 });
    expect(t.columns.map((c) => [c.name, c.type, c.distinct])).toEqual([
      ['n', 'integer', 50],
      ['square', 'integer', 50],
    ]);
  });

  it('caps the value sample', async () => {
    const capped = await fingerprintFile(path, { limits: { valueSampleCap: 2 } });
    const id = table(capped, 'Customers').columns[0];
    expect(id.values).toEqual(['00042', '00043']);
    expect(id.distinct).toBe(4);
  });
});
