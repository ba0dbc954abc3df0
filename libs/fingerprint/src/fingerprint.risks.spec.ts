import { readFile, writeFile } from 'node:fs/promises';
import * as fc from 'fast-check';
import JSZip from 'jszip';
import { fingerprintFile, streamTableRows } from './index';
import { parseRange } from './stream-rows';
import { useTempDir, writeWorkbook } from './testing.fixtures';

const tmp = useTempDir();

async function patchZip(path: string, edit: (zip: JSZip) => Promise<void> | void): Promise<void> {
  const zip = await JSZip.loadAsync(await readFile(path));
  await edit(zip);
  await writeFile(path, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

describe('risk signals', () => {
  it('reports macros, external links, connections, pivot caches, protection, errors and authors', async () => {
    const path = tmp.path('risky.xlsm');
    await writeWorkbook(path, (wb) => {
      wb.creator = 'Ann Author';
      wb.lastModifiedBy = 'Bob Editor';
      const ws = wb.addWorksheet('Calc');
      ws.addRow(['a', 'b', 'ratio']);
      ws.addRow([1, 0, { formula: 'A2/B2', result: { error: '#DIV/0!' } }]);
      ws.addRow([2, 4, { formula: 'A3/B3', result: 0.5 }]);
      void ws.protect('secret', {});
    });
    await patchZip(path, async (zip) => {
      zip.file('xl/vbaProject.bin', Buffer.from('not really vba'));
      zip.file('xl/connections.xml', '<connections/>');
      const relsPath = 'xl/_rels/workbook.xml.rels';
      const rels = await zip.file(relsPath)!.async('string');
      const extra =
        '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/>' +
        '<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/>';
      zip.file(relsPath, rels.replace('</Relationships>', `${extra}</Relationships>`));
      zip.file('xl/externalLinks/externalLink1.xml', '<externalLink/>');
      zip.file('xl/pivotCache/pivotCacheDefinition1.xml', '<pivotCacheDefinition/>');
      const book = await zip.file('xl/workbook.xml')!.async('string');
      zip.file(
        'xl/workbook.xml',
        book.replace(/(<workbookPr[^>]*\/>)/, '$1<workbookProtection lockStructure="1"/>'),
      );
    });
    const { risks } = await fingerprintFile(path);
    expect(risks).toMatchObject({
      macros: true,
      externalLinks: 1,
      dataConnections: 1,
      pivotCaches: 1,
      workbookProtected: true,
      protectedSheets: ['Calc'],
      formulas: 2,
      errorCells: 1,
      author: 'Ann Author',
      lastModifiedBy: 'Bob Editor',
      rows: 3,
    });
  });

  it('reports none of them for a plain workbook', async () => {
    const path = tmp.path('plain.xlsx');
    await writeWorkbook(path, (wb) => wb.addWorksheet('S').addRow(['a', 'b']));
    const { risks } = await fingerprintFile(path);
    expect(risks).toMatchObject({
      macros: false,
      externalLinks: 0,
      dataConnections: 0,
      pivotCaches: 0,
      workbookProtected: false,
      protectedSheets: [],
      hiddenSheets: [],
      formulas: 0,
      errorCells: 0,
    });
  });
});

describe('caps on untrusted workbooks', () => {
  let big: Buffer;

  beforeAll(async () => {
    const path = tmp.path('zeros.xlsx');
    await writeWorkbook(path, (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['a', 'b']);
      for (let i = 0; i < 3000; i++) ws.addRow(['same text', 'same text']);
    });
    big = await readFile(path);
  });

  async function expectCode(bytes: Buffer, code: string, message: RegExp, limits = {}) {
    const path = tmp.path(`cap-${Math.random().toString(36).slice(2)}.xlsx`);
    await writeFile(path, bytes);
    const error = await fingerprintFile(path, { limits }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UnreadableFileError', code });
    expect((error as Error).message).toMatch(message);
  }

  it('refuses more zip entries than allowed', async () => {
    await expectCode(big, 'file_too_large', /parts, over the 5 limit/, { maxZipEntries: 5 });
  });

  it('refuses a part compressed beyond the ratio limit (a zip bomb)', async () => {
    const zip = await JSZip.loadAsync(big);
    zip.file('xl/media/padding.bin', Buffer.alloc(8 * 1024 * 1024));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    await expectCode(bomb, 'file_too_large', /compressed \d+:1, over the 1000:1 limit/);
  });

  it('refuses a workbook whose parts inflate past the decompressed size limit', async () => {
    await expectCode(big, 'file_too_large', /unzips to/, { maxDecompressedBytes: 50_000 });
  });

  it('stops an entry that inflates past the size its directory declares', async () => {
    const bytes = Buffer.from(big);
    // Lie in the central directory: the sheet claims to be 100 bytes.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const at = bytes.lastIndexOf(name) - 46;
    expect(bytes.readUInt32LE(at)).toBe(0x02014b50);
    const real = bytes.readUInt32LE(at + 24);
    expect(real).toBeGreaterThan(64 * 1024 + 100);
    bytes.writeUInt32LE(100, at + 24);
    await expectCode(bytes, 'file_too_large', /unzips to/);
  });

  it('stops a small part, read and inflated whole, that inflates past the size its directory declares', async () => {
    const zip = await JSZip.loadAsync(big);
    const styles = await zip.file('xl/styles.xml')!.async('string');
    zip.file('xl/styles.xml', styles.replace('?>', `?><!--${' '.repeat(200_000)}-->`));
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const name = Buffer.from('xl/styles.xml');
    const at = bytes.lastIndexOf(name) - 46;
    expect(bytes.readUInt32LE(at)).toBe(0x02014b50);
    // Compressed to far less than the size below which a part is read whole.
    expect(bytes.readUInt32LE(at + 20)).toBeLessThan(16 * 1024);
    bytes.writeUInt32LE(100, at + 24);
    await expectCode(bytes, 'file_too_large', /unzips to/);
  });
});

describe('xlsx reader (property)', () => {
  const cellValue = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );

  it('reads back every value exceljs writes, in place', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cellValue, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 15 }),
        async (rows) => {
          const path = tmp.path(`prop-${n++}.xlsx`);
          await writeWorkbook(path, (wb) => {
            const ws = wb.addWorksheet('P');
            ws.addRow(['k1', 'k2', 'k3']);
            for (const r of rows) ws.addRow(r);
          });
          const { tables } = await fingerprintFile(path);
          // Per row, its values and the columns of the table it is in (a later table may start right
          // of column A).
          const seen = new Map<number, { values: unknown[]; first: number; last: number }>();
          for (const t of tables) {
            const { firstColumn: first, lastColumn: last } = parseRange(t.range);
            for await (const r of streamTableRows(path, t))
              seen.set(r.row, { values: r.values, first, last });
          }
          rows.forEach((r, i) => {
            const got = seen.get(i + 2);
            if (!got) return; // a header or title line of a later table, or a blank row
            r.forEach((v, c) => {
              const expected = v === null || (typeof v === 'string' && v.trim() === '') ? null : v;
              const column = c + 1;
              // Outside its table's columns a row may hold nothing that was written.
              if (column < got.first || column > got.last) return expect(expected).toBeNull();
              const value = got.values[column - got.first] ?? null;
              if (typeof expected === 'number') expect(value).toBeCloseTo(expected, 9);
              else expect(value).toEqual(expected);
            });
          });
        },
      ),
      {
        numRuns: 40,
        // Found by CI: a second table that starts at column B, under a row whose column A is blank.
        examples: [
          [
            [
              [0, false, 0],
              [null, null, null],
              [null, ':', '!'],
              ['', null, 0],
            ],
          ],
          // Found by CI: that table's data row holds a value in column A, which its header leaves blank.
          [
            [
              [0, 0, false],
              ['', null, null],
              [null, ':', ';'],
              ['!', 0, null],
            ],
          ],
        ],
      },
    );
  }, 120_000);

  it('never crashes or hangs on damaged archives: read or a specific code', async () => {
    const path = tmp.path('small.xlsx');
    await writeWorkbook(path, (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['id', 'name']);
      for (let i = 0; i < 50; i++) ws.addRow([i, `n${i}`]);
    });
    const good = await readFile(path);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 20,
        }),
        async (flips) => {
          const bytes = Buffer.from(good);
          for (const [at, v] of flips) bytes[at] = v;
          const p = tmp.path(`fuzz-${n++}.xlsx`);
          await writeFile(p, bytes);
          const outcome = await fingerprintFile(p, { limits: { timeoutMs: 5_000 } }).then(
            () => 'read',
            (e: unknown) => (e as { code?: string }).code,
          );
          expect(['read', 'corrupt', 'file_too_large', 'encrypted', 'too_many_cells']).toContain(outcome);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
