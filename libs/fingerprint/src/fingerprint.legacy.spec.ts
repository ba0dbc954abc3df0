import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import * as XLSX from '@e965/xlsx';
import { fingerprintFile, streamTableRows } from './index';
import { useTempDir } from './testing.fixtures';

const tmp = useTempDir();

function legacyBook(): XLSX.WorkBook {
  const wb = XLSX.utils.book_new();
  const ws = XLSX.utils.aoa_to_sheet([
    ['Customer ID', 'Name', 'Joined', 'Balance'],
    ['00042', 'Acme', 45292, 1200.5],
    ['00043', 'Beta', 45293, 99],
  ]);
  for (const ref of ['C2', 'C3']) ws[ref].z = 'dd/mm/yyyy';
  XLSX.utils.book_append_sheet(wb, ws, 'Customers');
  XLSX.utils.book_append_sheet(
    wb,
    XLSX.utils.aoa_to_sheet([
      ['code', 'label'],
      ['a', 'Alpha'],
    ]),
    'Lookup',
  );
  wb.Workbook = { Sheets: [{ Hidden: 0 }, { Hidden: 1 }] };
  return wb;
}

describe('legacy workbooks through SheetJS', () => {
  it.each(['xls', 'xlsb', 'ods'] as const)('reads .%s tables, dates and hidden sheets', async (bookType) => {
    const path = tmp.path(`legacy.${bookType}`);
    await writeFile(path, XLSX.write(legacyBook(), { type: 'buffer', bookType }) as Buffer);
    const fp = await fingerprintFile(path);
    expect(fp.format).toBe(bookType);
    expect(fp.tables.map((t) => t.sheet)).toEqual(['Customers', 'Lookup']);
    const [t] = fp.tables;
    expect(t).toMatchObject({ headerRow: 1, rowCount: 2, range: 'A1:D3' });
    expect(t.columns.map((c) => c.type)).toEqual(['id', 'string', 'date', 'decimal']);
    expect(t.columns[2].values).toEqual(['2024-01-01', '2024-01-02']);
    // SheetJS writes sheet visibility to BIFF and XLSB only.
    expect(fp.risks.hiddenSheets).toEqual(bookType === 'ods' ? [] : ['Lookup']);
    const rows = [];
    for await (const r of streamTableRows(path, t)) rows.push(r);
    expect(rows[0]).toEqual({ row: 2, values: ['00042', 'Acme', new Date(Date.UTC(2024, 0, 1)), 1200.5] });
  });

  it('rejects damaged legacy files with a specific code, and never hangs', async () => {
    const path = tmp.path('damaged.xls');
    // An OLE header followed by garbage: a truncated .xls.
    await writeFile(path, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), randomBytes(4096)]));
    await expect(fingerprintFile(path)).rejects.toMatchObject({
      name: 'UnreadableFileError',
      code: 'corrupt',
    });
  });

  it('stops the parsing thread at the time limit', async () => {
    const path = tmp.path('big.xls');
    const rows = [['id', 'name'], ...Array.from({ length: 20_000 }, (_, i) => [i, `n${i}`])];
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), 'S');
    await writeFile(path, XLSX.write(wb, { type: 'buffer', bookType: 'xls' }) as Buffer);
    const started = Date.now();
    await expect(fingerprintFile(path, { limits: { timeoutMs: 5 } })).rejects.toMatchObject({
      code: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  }, 30_000);
});
