import * as path from 'node:path';
import { UnreadableFileError } from '@shadowscan/domain';
import { fingerprintFile } from '@shadowscan/fingerprint';
import { cliConfig } from './context';

/** One file at a time, one line per file: a folder of thousands is checked in one process. */
export async function fingerprintCommand(
  files: string[],
  opts: { json?: boolean; values?: boolean },
): Promise<number> {
  const cfg = cliConfig();
  const limits = {
    maxFileBytes: cfg.SHADOWSCAN_MAX_FILE_MB * 1024 * 1024,
    timeoutMs: cfg.SHADOWSCAN_FILE_TIMEOUT_MS,
  };
  let unreadable = 0;
  for (const file of files) {
    try {
      const fp = await fingerprintFile(path.resolve(file), { displayName: file, limits });
      if (opts.json) {
        // Cell values stay out of the output unless asked for: the profile describes, it does not copy.
        const shown = opts.values
          ? fp
          : { ...fp, tables: fp.tables.map((t) => ({ ...t, columns: t.columns.map(withoutValues) })) };
        process.stdout.write(`${JSON.stringify(shown)}\n`);
      } else {
        process.stdout.write(`${file}: ${fp.format}, ${fp.tables.length} table(s)\n`);
        for (const t of fp.tables) {
          process.stdout.write(`  [${t.sheet}] ${t.range} header row ${t.headerRow}, ${t.rowCount} rows\n`);
          for (const c of t.columns) {
            process.stdout.write(
              `    ${c.name}: ${c.type} (${Math.round(c.typeShare * 100)}% fit), ${Math.round(c.nullRatio * 100)}% empty, ${c.distinct} distinct\n`,
            );
          }
        }
      }
    } catch (e) {
      if (!(e instanceof UnreadableFileError)) throw e;
      unreadable++;
      if (opts.json)
        process.stdout.write(`${JSON.stringify({ file, error: { code: e.code, message: e.message } })}\n`);
      else process.stderr.write(`${file}: unreadable (${e.code}): ${e.message}\n`);
    }
  }
  return unreadable > 0 ? 3 : 0;
}

function withoutValues<C extends { values?: unknown; minhash?: unknown }>(
  c: C,
): Omit<C, 'values' | 'minhash'> {
  const { values: _values, minhash: _minhash, ...rest } = c;
  return rest;
}
