import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ShadowscanError, type ResolvedCatalog } from '@shadowscan/domain';
import { catalogFileSchema } from './catalog-file';

/**
 * What a catalog was read from: the file, its extracts, and the databases it introspects (named by
 * their `env:NAME` reference, never by URL). Stored with each version as "synced from what", and
 * compared at scan time to decide whether the stored version still describes the files.
 */
export interface CatalogInputs {
  /** Absolute path of the catalog file: the catalog's identity in the store. */
  file: string;
  /** sha256 of the file's text. */
  sha256: string;
  /** Extracts (`sample:`) with their sha256; null when the extract cannot be read (the load will say why). */
  extracts: Array<{ path: string; sha256: string | null }>;
  /** Systems read from a database; their content is only known by introspecting. */
  databases: Array<{ system: string; connection: string }>;
}

/** Per system and in total, what a resolved catalog holds. */
export interface CatalogSummary {
  systems: Array<{
    name: string;
    /** `file` (file and extracts), or the database engine that was introspected. */
    origin: 'file' | 'postgres' | 'mysql';
    connection?: string;
    entities: number;
    fields: number;
  }>;
  entities: number;
  fields: number;
}

/**
 * Reads the catalog file's inputs without resolving it: cheap (hashes, no introspection, no
 * fingerprinting). A file that does not parse yields no extracts or databases: loading it reports why.
 */
export async function readCatalogInputs(file: string): Promise<CatalogInputs> {
  const abs = path.resolve(file);
  const text = await readFile(abs, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new ShadowscanError(
      'catalog_invalid',
      `Cannot read catalog ${abs}: ${e.code === 'ENOENT' ? 'no such file' : e.message}.`,
    );
  });
  const inputs: CatalogInputs = { file: abs, sha256: sha256(text), extracts: [], databases: [] };
  let raw: unknown;
  try {
    raw = /\.json$/i.test(abs) ? JSON.parse(text) : parseYaml(text);
  } catch {
    return inputs;
  }
  const parsed = catalogFileSchema.safeParse(raw);
  if (!parsed.success) return inputs;
  const seen = new Set<string>();
  for (const sys of parsed.data.systems) {
    if (sys.connection) inputs.databases.push({ system: sys.name, connection: sys.connection });
    for (const ent of sys.entities) {
      if (!ent.sample) continue;
      const p = path.resolve(path.dirname(abs), ent.sample);
      if (seen.has(p)) continue;
      seen.add(p);
      inputs.extracts.push({ path: p, sha256: await fileSha256(p).catch(() => null) });
    }
  }
  return inputs;
}

export function summarizeCatalog(catalog: ResolvedCatalog): CatalogSummary {
  const systems = catalog.systems.map((s) => ({
    name: s.name,
    origin: (s.connection
      ? (s.entities.find((e) => e.origin === 'postgres' || e.origin === 'mysql')?.origin ?? 'postgres')
      : 'file') as CatalogSummary['systems'][number]['origin'],
    ...(s.connection ? { connection: s.connection } : {}),
    entities: s.entities.length,
    fields: s.entities.reduce((n, e) => n + e.fields.length, 0),
  }));
  return {
    systems,
    entities: systems.reduce((n, s) => n + s.entities, 0),
    fields: systems.reduce((n, s) => n + s.fields, 0),
  };
}

/** Same file text, same extracts with the same content, same databases. */
export function sameInputs(a: CatalogInputs, b: CatalogInputs): boolean {
  const key = (i: CatalogInputs) =>
    JSON.stringify([
      i.file,
      i.sha256,
      [...i.extracts].sort((x, y) => x.path.localeCompare(y.path)).map((e) => [e.path, e.sha256]),
      [...i.databases].sort((x, y) => x.system.localeCompare(y.system)).map((d) => [d.system, d.connection]),
    ]);
  return key(a) === key(b);
}

export type CatalogSourceDecision =
  | { use: 'stored'; reason: string }
  | { use: 'sync'; reason: 'forced' | 'never_synced' | 'inputs_changed' | 'extract_unreadable' };

/**
 * Whether a scan may use the latest stored version of a catalog instead of loading it again. The file
 * and extracts are hashed at every scan, so their edits take effect at once; databases are only read
 * by a sync (`shadowscan catalog sync`, the `sync-catalog` job, or a forced refresh), because
 * introspecting on every scan is slow and a live database's samples would change the version, and so
 * re-analyse every file, at nearly every scan.
 */
export function chooseCatalogSource(opts: {
  current: CatalogInputs;
  /** Inputs recorded by the latest sync of this catalog; undefined when it was never synced. */
  latest?: CatalogInputs;
  refresh?: boolean;
}): CatalogSourceDecision {
  if (opts.refresh) return { use: 'sync', reason: 'forced' };
  if (!opts.latest) return { use: 'sync', reason: 'never_synced' };
  if (opts.current.extracts.some((e) => e.sha256 === null))
    return { use: 'sync', reason: 'extract_unreadable' };
  if (!sameInputs(opts.current, opts.latest)) return { use: 'sync', reason: 'inputs_changed' };
  return {
    use: 'stored',
    reason:
      opts.current.databases.length > 0
        ? 'file and extracts unchanged; database profiles as of the latest sync'
        : 'file and extracts unchanged',
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => h.update(chunk))
      .on('end', () => resolve(h.digest('hex')));
  });
}
