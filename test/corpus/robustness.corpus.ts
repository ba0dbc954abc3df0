import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { UnreadableFileError, type UnreadableCode } from '@shadowscan/domain';
import { detectFormat, fingerprintFile } from '@shadowscan/fingerprint';

const CORPORA = path.join(__dirname, '..', '..', '..', 'shared', 'corpora');
const CODES: UnreadableCode[] = [
  'corrupt',
  'encrypted',
  'unsupported_format',
  'file_too_large',
  'too_many_cells',
  'timeout',
];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const spreadsheets = files(CORPORA).filter(
  (f) => detectFormat(f) !== null && !f.includes('excel-2011-baseline'),
);

/**
 * Every file others made must be read or rejected with a specific code, and none may crash or hang
 * the reader: the promise always settles, within the per-file time cap.
 */
describe('corpora: every spreadsheet is read or rejected with a specific reason', () => {
  it('finds the corpora', () => {
    expect(spreadsheets.length).toBeGreaterThan(100);
  });

  const outcomes: Record<string, number> = {};
  afterAll(() => {
    process.stdout.write(`corpus outcomes over ${spreadsheets.length} files: ${JSON.stringify(outcomes)}\n`);
  });

  it.each(spreadsheets.map((f) => [path.relative(CORPORA, f), f]))('%s', async (_rel, file) => {
    try {
      // Generous: the corpus runs beside other suites on a shared machine; a hang would still be caught.
      const fp = await fingerprintFile(file, { limits: { timeoutMs: 60_000 } });
      expect(Array.isArray(fp.tables)).toBe(true);
      outcomes.read = (outcomes.read ?? 0) + 1;
    } catch (e) {
      expect(e).toBeInstanceOf(UnreadableFileError);
      const err = e as UnreadableFileError;
      expect(CODES).toContain(err.code);
      expect(err.message.length).toBeGreaterThan(10);
      outcomes[err.code] = (outcomes[err.code] ?? 0) + 1;
    }
  });
});
