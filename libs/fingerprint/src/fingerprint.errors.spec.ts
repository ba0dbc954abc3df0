import { randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { UnreadableCode } from '@shadowscan/domain';
import JSZip from 'jszip';
import { fingerprintFile } from './index';
import type { FingerprintLimits } from './limits';
import { useTempDir, writeBytes, writeLargeWorkbook, writeWorkbook } from './testing.fixtures';

const tmp = useTempDir();

// Jest 30 fails the running test on an unhandled rejection, so these specs also guard against the
// parsers' stray promises.

async function expectUnreadable(
  path: string,
  code: UnreadableCode,
  message: RegExp,
  limits?: Partial<FingerprintLimits>,
): Promise<void> {
  const error = await fingerprintFile(path, { limits }).then(
    () => {
      throw new Error(`expected ${code}, but ${path} was read`);
    },
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: 'UnreadableFileError', code });
  const text = (error as Error).message;
  expect(text).toMatch(message);
  expect(text).not.toContain('\n');
}

let good: Buffer;
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

beforeAll(async () => {
  const path = tmp.path('good.xlsx');
  await writeWorkbook(path, (wb) => {
    const ws = wb.addWorksheet('Data');
    ws.addRow(['id', 'name']);
    for (let i = 0; i < 2000; i++) ws.addRow([i, `name ${i} ${'x'.repeat(i % 50)}`]);
  });
  good = await readFile(path);
});

describe('fingerprintFile on unreadable files', () => {
  it('maps a missing file to not_found', async () => {
    await expectUnreadable(tmp.path('missing.xlsx'), 'not_found', /does not exist/);
  });

  it('rejects a native Google Sheet link and files that are no spreadsheet, naming why', async () => {
    const link = tmp.path('budget.gsheet');
    await writeBytes(link, '{"url": "https://docs.google.com/spreadsheets/d/x"}');
    await expectUnreadable(link, 'unsupported_format', /link to a Google Sheet/);
    const notes = tmp.path('notes.docx');
    await writeBytes(notes, 'whatever');
    await expectUnreadable(notes, 'unsupported_format', /not a spreadsheet/);
  });

  it('checks the size before reading', async () => {
    const path = tmp.path('big.xlsx');
    await writeBytes(path, good);
    await expectUnreadable(path, 'file_too_large', /over the .* limit/, { maxFileBytes: good.length - 1 });
  });

  it('maps a truncated workbook to corrupt', async () => {
    const path = tmp.path('truncated.xlsx');
    await writeBytes(path, good.subarray(0, Math.floor(good.length / 2)));
    await expectUnreadable(path, 'corrupt', /truncated or damaged/);
  });

  it('maps random bytes and an empty file named .xlsx to corrupt', async () => {
    const random = tmp.path('random.xlsx');
    await writeBytes(random, randomBytes(4096));
    await expectUnreadable(random, 'corrupt', /not a valid \.xlsx/);
    const empty = tmp.path('empty.xlsx');
    await writeBytes(empty, '');
    await expectUnreadable(empty, 'corrupt', /not a valid \.xlsx/);
  });

  it('maps damaged compressed data to corrupt instead of waiting forever', async () => {
    // Garble the deflate stream of the first worksheet, just past its local header.
    const damaged = Buffer.from(good);
    const start = damaged.indexOf(Buffer.from('xl/worksheets/sheet1.xml')) + 200;
    for (let i = start; i < start + 200; i++) damaged[i] ^= 0x55;
    const path = tmp.path('damaged.xlsx');
    await writeBytes(path, damaged);
    const started = Date.now();
    await expectUnreadable(path, 'corrupt', /damaged/, { timeoutMs: 10_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('maps broken worksheet XML to corrupt', async () => {
    const zip = await JSZip.loadAsync(good);
    zip.file(
      'xl/worksheets/sheet1.xml',
      '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><<oops',
    );
    const path = tmp.path('badxml.xlsx');
    await writeBytes(path, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    await expectUnreadable(path, 'corrupt', /damaged/);
  });

  it('maps a zip without a workbook part (a renamed .docx) to corrupt', async () => {
    const zip = new JSZip();
    zip.file('word/document.xml', '<document/>');
    const path = tmp.path('renamed.xlsx');
    await writeBytes(path, await zip.generateAsync({ type: 'nodebuffer' }));
    await expectUnreadable(path, 'corrupt', /no workbook part/);
  });

  it('recognises an encrypted workbook by its OLE container', async () => {
    const path = tmp.path('secret.xlsx');
    const body = Buffer.concat([
      CFB_MAGIC,
      randomBytes(3000),
      Buffer.from('EncryptedPackage', 'utf16le'),
      randomBytes(100),
    ]);
    await writeBytes(path, body);
    await expectUnreadable(path, 'encrypted', /password-protected/);
  });

  it('finds the EncryptedPackage marker across read chunks', async () => {
    const path = tmp.path('secret-far.xlsm');
    const marker = Buffer.from('EncryptedPackage', 'utf16le');
    // The probe reads 256 KiB chunks: put the marker across the first boundary.
    const prefix = Buffer.concat([CFB_MAGIC, Buffer.alloc(256 * 1024 - CFB_MAGIC.length - 10, 1)]);
    await writeBytes(path, Buffer.concat([prefix, marker, Buffer.alloc(1000, 1)]));
    await expectUnreadable(path, 'encrypted', /password-protected/);
  });

  it('calls any other OLE file with an .xlsx name corrupt', async () => {
    const path = tmp.path('renamed-xls.xlsx');
    await writeBytes(path, Buffer.concat([CFB_MAGIC, Buffer.alloc(4000, 7)]));
    await expectUnreadable(path, 'corrupt', /an OLE file with an \.xlsx name/);
  });

  it('stops at the cell limit', async () => {
    const path = tmp.path('cells.xlsx');
    await writeBytes(path, good);
    await expectUnreadable(path, 'too_many_cells', /more than 1,000 non-empty cells/, { maxCells: 1000 });
    const csv = tmp.path('cells.csv');
    await writeBytes(csv, 'a,b\n' + '1,2\n'.repeat(600));
    await expectUnreadable(csv, 'too_many_cells', /more than 1,000/, { maxCells: 1000 });
  });

  it('refuses a workbook that would expand too far when unzipped', async () => {
    const zip = await JSZip.loadAsync(good);
    zip.file('xl/media/padding.bin', Buffer.alloc(4 * 1024 * 1024));
    const path = tmp.path('bomb.xlsx');
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    await writeBytes(path, bytes);
    await expectUnreadable(path, 'file_too_large', /unzips to .* zip bomb/, { maxFileBytes: 200 * 1024 });
  });
});

describe('timeouts', () => {
  let big: string;
  let bigCsv: string;

  beforeAll(async () => {
    big = tmp.path('slow.xlsx');
    await writeLargeWorkbook(big, 60_000);
    bigCsv = tmp.path('slow.csv');
    const lines = ['id,name,amount'];
    for (let i = 0; i < 300_000; i++) lines.push(`${i},name ${i},${i * 1.5}`);
    await writeFile(bigCsv, lines.join('\n'));
  }, 60_000);

  it('gives up with timeout after timeoutMs', async () => {
    await expectUnreadable(big, 'timeout', /took longer than 1 ms/, { timeoutMs: 1 });
    await expectUnreadable(bigCsv, 'timeout', /took longer than 1 ms/, { timeoutMs: 1 });
  });

  it('stops a workbook part-way through its rows, promptly', async () => {
    const full = Date.now();
    await fingerprintFile(big);
    const fullMs = Date.now() - full;
    const budget = Math.max(50, Math.floor(fullMs / 4));
    const started = Date.now();
    await expectUnreadable(big, 'timeout', /took longer than/, { timeoutMs: budget });
    expect(Date.now() - started).toBeLessThan(budget + 1_000);
  }, 30_000);

  it('stops a CSV part-way through its records, promptly', async () => {
    const started = Date.now();
    await expectUnreadable(bigCsv, 'timeout', /took longer than/, { timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('leaves no spooled worksheet files behind after stopping early or failing', async () => {
    // exceljs spools through the tmp package, which names files tmp-<pid>-<random>.
    // The fixtures' own exceljs writes may still be cleaning up their files: only new ones count.
    const spooled = async () => (await readdir(tmpdir())).filter((f) => f.startsWith(`tmp-${process.pid}-`));
    const before = new Set(await spooled());
    await expectUnreadable(big, 'too_many_cells', /non-empty cells/, { maxCells: 10 });
    const damaged = Buffer.from(await readFile(big));
    const start = damaged.indexOf(Buffer.from('xl/worksheets/sheet1.xml')) + 5_000;
    for (let i = start; i < start + 200; i++) damaged[i] ^= 0x55;
    const path = tmp.path('slow-damaged.xlsx');
    await writeBytes(path, damaged);
    await expectUnreadable(path, 'corrupt', /damaged/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await spooled()).filter((f) => !before.has(f))).toEqual([]);
  });
});
