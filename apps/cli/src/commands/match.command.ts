import * as path from 'node:path';
import { loadCatalog } from '@shadowscan/catalog';
import { UnreadableFileError } from '@shadowscan/domain';
import { fingerprintFile } from '@shadowscan/fingerprint';
import { Matcher } from '@shadowscan/matching';
import { cliConfig } from './context';

export async function matchCommand(
  file: string,
  opts: { catalog: string; topK: number; json?: boolean },
): Promise<number> {
  const cfg = cliConfig();
  const catalog = await loadCatalog(opts.catalog);
  const matcher = new Matcher(
    catalog.systems.flatMap((s) => s.entities),
    { topK: opts.topK },
  );
  let fp;
  try {
    fp = await fingerprintFile(path.resolve(file), {
      displayName: file,
      limits: {
        maxFileBytes: cfg.SHADOWSCAN_MAX_FILE_MB * 1024 * 1024,
        timeoutMs: cfg.SHADOWSCAN_FILE_TIMEOUT_MS,
      },
    });
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    if (opts.json)
      process.stdout.write(`${JSON.stringify({ file, error: { code: e.code, message: e.message } })}\n`);
    else process.stderr.write(`${file}: unreadable (${e.code}): ${e.message}\n`);
    return 3;
  }
  const tables = fp.tables.map((t) => {
    const m = matcher.matchTable(t);
    return {
      sheet: t.sheet,
      range: t.range,
      entity: m.entity
        ? { system: m.entity.system, entity: m.entity.entity, score: round(m.entity.score) }
        : null,
      columns: m.columns.map((c) => ({
        column: c.column,
        candidates: c.candidates.map((k) => ({
          system: k.system,
          entity: k.entity,
          field: k.field,
          score: round(k.score),
          signals: Object.fromEntries(Object.entries(k.signals).map(([s, v]) => [s, round(v)])),
        })),
      })),
    };
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ file, tables })}\n`);
    return 0;
  }
  for (const t of tables) {
    const e = t.entity ? `${t.entity.system}.${t.entity.entity} (${t.entity.score})` : 'no entity';
    process.stdout.write(`[${t.sheet}] ${t.range} → ${e}\n`);
    for (const c of t.columns) {
      const best = c.candidates[0];
      process.stdout.write(
        `  ${c.column.padEnd(28)} ${best ? `${best.system}.${best.entity}.${best.field} ${best.score}` : '-'}\n`,
      );
    }
  }
  return 0;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
