import { fingerprintFile } from './index';
import { useTempDir, writeBytes } from './testing.fixtures';

const tmp = useTempDir();

async function fingerprintText(name: string, bytes: Buffer | string) {
  const path = tmp.path(name);
  await writeBytes(path, bytes);
  return fingerprintFile(path);
}

const SEMICOLONS =
  'Id;Name;Amount;Joined\r\n1;Ann;12,50;02.01.2024\r\n2;"Bob; Jr";7,25;03.01.2024\r\n\r\n3;Cy;1,5;04.01.2024\r\n';

describe('fingerprintFile on delimited text', () => {
  it('sniffs a semicolon delimiter and names the sheet after the file', async () => {
    const fp = await fingerprintText('people.csv', SEMICOLONS);
    expect(fp.format).toBe('csv');
    expect(fp.risks).toEqual({ rows: 4, cells: 16 });
    expect(fp.tables).toHaveLength(1);
    const [t] = fp.tables;
    expect(t.sheet).toBe('people');
    expect(t.columns.map((c) => c.name)).toEqual(['Id', 'Name', 'Amount', 'Joined']);
    expect(t.rowCount).toBe(3);
    // Records are numbered like rows; the blank line is record 4.
    expect(t.range).toBe('A1:D5');
    expect(t.columns.map((c) => c.type)).toEqual(['integer', 'string', 'decimal', 'date']);
    expect(t.columns[1].values).toEqual(['ann', 'bob; jr', 'cy']);
  });

  it('sniffs tabs in a .txt file and uses tabs for .tsv', async () => {
    const text = 'code\tlabel\tshare\nA-1\tFirst, one\t10%\nB-2\tSecond\t5.5%\n';
    for (const name of ['codes.txt', 'codes.tsv']) {
      const [t] = (await fingerprintText(name, text)).tables;
      expect(t.columns.map((c) => [c.name, c.type])).toEqual([
        ['code', 'id'],
        ['label', 'string'],
        ['share', 'percent'],
      ]);
      expect(t.columns[1].values).toEqual(['first, one', 'second']);
    }
  });

  it('sniffs the pipe delimiter', async () => {
    const [t] = (await fingerprintText('pipes.csv', 'a|b\n1|2\n3|4\n')).tables;
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(t.rowCount).toBe(2);
  });

  it('strips a UTF-8 byte order mark', async () => {
    const [t] = (await fingerprintText('bom.csv', '\uFEFFNom,Ville\nZoë,Genève\n')).tables;
    expect(t.columns[0].name).toBe('Nom');
    expect(t.columns[1].values).toEqual(['genève']);
  });

  it('decodes UTF-16 LE and BE with a byte order mark', async () => {
    const text = '\uFEFFName\tCity\nZoë\tGenève\nÅsa\tMalmö\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [name, bytes] of [
      ['le.csv', le],
      ['be.csv', be],
    ] as const) {
      const [t] = (await fingerprintText(name, bytes)).tables;
      expect(t.columns.map((c) => c.name)).toEqual(['Name', 'City']);
      expect(t.columns[1].values).toEqual(['genève', 'malmö']);
    }
  });

  it('reads Windows-1252 text that is not valid UTF-8', async () => {
    const bytes = Buffer.from([...Buffer.from('City\n'), 0x47, 0x65, 0x6e, 0xe8, 0x76, 0x65, 0x0a]);
    const [t] = (await fingerprintText('legacy.csv', bytes)).tables;
    expect(t.columns[0].values).toEqual(['genève']);
  });

  it('rejects binary content with NUL bytes as corrupt', async () => {
    const bytes = Buffer.from('a,b\n1,2\n\u0000\u0001\u0002', 'latin1');
    await expect(fingerprintText('binary.csv', bytes)).rejects.toMatchObject({
      name: 'UnreadableFileError',
      code: 'corrupt',
      message: expect.stringContaining('NUL bytes'),
    });
  });

  it('keeps the sniffed delimiter beyond the first chunk', async () => {
    const lines = ['k;v'];
    for (let i = 0; i < 20_000; i++) lines.push(`${i};value ${i}`);
    const [t] = (await fingerprintText('long.csv', lines.join('\n'))).tables;
    expect(t.rowCount).toBe(20_000);
    expect(t.columns[0]).toMatchObject({ name: 'k', type: 'integer', distinct: 20_000, nullRatio: 0 });
  }, 30_000);

  it('yields no table for an empty or blank file', async () => {
    expect((await fingerprintText('empty.csv', '')).tables).toEqual([]);
    expect((await fingerprintText('blank.csv', ' \n,,\n\n')).tables).toEqual([]);
  });

  it('skips preamble lines above the header and footnotes below the data', async () => {
    const fp = await fingerprintText(
      'export.csv',
      'Customer export\nGenerated 2024-03-01 by ERP\n\nid,name,city\n1,Ann,Paris\n2,Bob,Lyon\n\nSource: ERP\n',
    );
    expect(fp.tables).toHaveLength(1);
    expect(fp.tables[0]).toMatchObject({
      title: 'Customer export Generated 2024-03-01 by ERP',
      headerRow: 4,
      range: 'A4:C6',
      rowCount: 2,
    });
  });
});
