import * as path from 'node:path';
import { ShadowscanError } from '@shadowscan/domain';
import { CatalogSyncService, type CatalogSyncResult } from '@shadowscan/pipeline';
import { cliConfig, withApp } from './context';

/**
 * Reads a catalog (file, extracts, databases) and stores it as a new version if its content changed.
 * Exit 1 when a database cannot be read (the sync failed; nothing was stored), 2 for a bad catalog.
 */
export async function catalogSyncCommand(opts: {
  catalog: string;
  db?: string;
  json?: boolean;
}): Promise<number> {
  return withApp(cliConfig(opts.db), false, async (app) => {
    let result: CatalogSyncResult;
    try {
      ({ result } = await app.get(CatalogSyncService).sync(opts.catalog, { trigger: 'cli' }));
    } catch (e) {
      if (e instanceof ShadowscanError && e.code === 'catalog_introspection_failed') {
        process.stderr.write(
          `shadowscan: ${e.message}\nNothing was stored; the catalog's latest version is unchanged.\n`,
        );
        return 1;
      }
      throw e;
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    const s = result.summary;
    const state = result.changed
      ? result.previous
        ? `new version ${result.number} (was ${result.previous.number})`
        : `new version ${result.number} (first)`
      : `unchanged, still version ${result.number}`;
    const out = [
      `Synced ${shown(result.catalog)}: ${state}, sha256 ${result.version.slice(0, 12)}`,
      `  systems   ${s.systems.length}: ${s.systems
        .map(
          (x) =>
            `${x.name} (${x.origin === 'file' ? 'file' : `${x.origin} via ${x.connection}`}, ${x.entities} entities, ${x.fields} fields)`,
        )
        .join(', ')}`,
      `  entities  ${s.entities}`,
      `  fields    ${s.fields}`,
      `  synced    ${result.syncedAt}`,
      '',
    ];
    process.stdout.write(out.join('\n'));
    return 0;
  });
}

/** The stored versions of a catalog (or of every catalog), newest first. */
export async function catalogListCommand(opts: {
  catalog?: string;
  db?: string;
  json?: boolean;
  limit: number;
}): Promise<number> {
  return withApp(cliConfig(opts.db), false, async (app) => {
    const versions = await app.get(CatalogSyncService).versions({ catalog: opts.catalog, limit: opts.limit });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(versions)}\n`);
      return 0;
    }
    if (versions.length === 0) {
      process.stdout.write(
        `no stored catalog versions${opts.catalog ? ` for ${path.resolve(opts.catalog)}` : ''} (see \`shadowscan catalog sync\`)\n`,
      );
      return 0;
    }
    let current = '';
    for (const v of versions) {
      if (v.catalog !== current) {
        process.stdout.write(`${shown(v.catalog)}\n`);
        current = v.catalog;
      }
      process.stdout.write(
        `  v${String(v.number).padEnd(4)} ${v.version.slice(0, 12)}  ${v.systems} systems, ${v.entities} entities, ${v.fields} fields  created ${v.createdAt}, last synced ${v.syncedAt} (${v.syncs} sync${v.syncs === 1 ? '' : 's'}, by ${v.syncedBy})\n`,
      );
    }
    return 0;
  });
}

function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}
