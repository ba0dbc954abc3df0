import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ShadowscanError } from '@shadowscan/domain';
import { ScanService } from '@shadowscan/pipeline';
import { ShadowscanStore } from '@shadowscan/store';
import { cliConfig, withApp } from './context';

/** Registers a SharePoint/OneDrive or Google Drive source from a settings file (JSON or YAML). */
export async function sourcesAddCommand(
  name: string,
  opts: { kind: 'sharepoint' | 'gdrive'; config: string; catalog?: string; db?: string },
): Promise<number> {
  const text = await readFile(path.resolve(opts.config), 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new ShadowscanError('source_invalid', `Cannot read ${opts.config}: ${e.code ?? e.message}.`);
  });
  let config: unknown;
  try {
    config = /\.json$/i.test(opts.config) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ShadowscanError(
      'source_invalid',
      `${opts.config} is not valid JSON/YAML: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    throw new ShadowscanError(
      'source_invalid',
      `${opts.config} must hold an object of ${opts.kind} settings.`,
    );
  }
  return withApp(cliConfig(opts.db), false, async (app) => {
    const s = await app
      .get(ScanService)
      .registerRemoteSource(name, opts.kind, config as Record<string, unknown>, opts.catalog);
    process.stdout.write(`registered ${s.kind} source "${s.name}"\n`);
    return 0;
  });
}

export async function sourcesListCommand(opts: { db?: string; json?: boolean }): Promise<number> {
  return withApp(cliConfig(opts.db), false, async (app) => {
    const sources = await app.get(ShadowscanStore).listSources();
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify(sources.map((s) => ({ name: s.name, kind: s.kind, config: s.config })))}\n`,
      );
    } else {
      for (const s of sources) process.stdout.write(`${s.name.padEnd(30)} ${s.kind}\n`);
    }
    return 0;
  });
}
