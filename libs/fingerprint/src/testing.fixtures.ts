import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ExcelJS from 'exceljs';

/** A temporary folder per spec file, removed afterwards. */
export function useTempDir(): { path: (name: string) => string } {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fingerprint-spec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { path: (name: string) => join(dir, name) };
}

export async function writeWorkbook(path: string, build: (wb: ExcelJS.Workbook) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  await wb.xlsx.writeFile(path);
}

/** A plain workbook of `rows` x 5 cells, for size and time limits. */
export async function writeLargeWorkbook(path: string, rows: number): Promise<void> {
  await writeWorkbook(path, (wb) => {
    const ws = wb.addWorksheet('Big');
    ws.addRow(['id', 'name', 'amount', 'city', 'note']);
    for (let i = 0; i < rows; i++) ws.addRow([i, `name ${i}`, i * 1.5, `city ${i % 100}`, `note ${i}`]);
  });
}

export async function writeBytes(path: string, bytes: Buffer | string): Promise<void> {
  await writeFile(path, bytes);
}
