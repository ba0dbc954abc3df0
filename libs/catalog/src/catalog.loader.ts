import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  ShadowscanError,
  UnreadableFileError,
  type ResolvedCatalog,
  type SorEntity,
  type SorField,
  type SorSystem,
  type TableFingerprint,
} from '@shadowscan/domain';
import { fingerprintFile, normaliseHeader } from '@shadowscan/fingerprint';
import { catalogFileSchema, type CatalogFile } from './catalog-file';

/** Distinct values kept per catalog field: enough for key look-ups in extracts of this size class. */
export const CATALOG_VALUE_CAP = 100_000;

const fail = (message: string) => new ShadowscanError('catalog_invalid', message);

/**
 * Reads a catalog file and everything it points to (extracts) into a self-contained ResolvedCatalog,
 * so workers never need the catalog's files. Every problem is reported with its place in the file.
 */
export async function loadCatalog(file: string): Promise<ResolvedCatalog> {
  const abs = path.resolve(file);
  const text = await readFile(abs, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw fail(`Cannot read catalog ${abs}: ${e.code === 'ENOENT' ? 'no such file' : e.message}.`);
  });
  let raw: unknown;
  try {
    raw = /\.json$/i.test(abs) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw fail(
      `Catalog ${abs} is not valid ${/\.json$/i.test(abs) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  const parsed = catalogFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${formatPath(raw, i.path)}: ${i.message}`);
    throw fail(`Catalog ${abs} is invalid:\n  ${lines.join('\n  ')}`);
  }
  const systems = await resolveSystems(parsed.data, path.dirname(abs));
  const version = createHash('sha256').update(JSON.stringify(systems)).digest('hex');
  return { version, source: abs, systems };
}

async function resolveSystems(catalog: CatalogFile, baseDir: string): Promise<SorSystem[]> {
  const seen = new Set<string>();
  const systems: SorSystem[] = [];
  for (const sys of catalog.systems) {
    if (seen.has(sys.name)) throw fail(`System "${sys.name}" is declared twice.`);
    seen.add(sys.name);
    const entities: SorEntity[] = [];
    const entityNames = new Set<string>();
    for (const ent of sys.entities) {
      const where = `${sys.name}.${ent.name}`;
      if (entityNames.has(ent.name)) throw fail(`Entity "${where}" is declared twice.`);
      entityNames.add(ent.name);
      entities.push(await resolveEntity(sys.name, ent, baseDir, where, !!sys.connection));
    }
    if (entities.length === 0) {
      throw fail(
        sys.connection
          ? `System "${sys.name}": database introspection (connection: ${sys.connection}) is not available yet; list its entities with fields or a sample.`
          : `System "${sys.name}" has no entities.`,
      );
    }
    systems.push({ name: sys.name, description: sys.description, entities });
  }
  return systems;
}

async function resolveEntity(
  system: string,
  ent: CatalogFile['systems'][number]['entities'][number],
  baseDir: string,
  where: string,
  hasConnection: boolean,
): Promise<SorEntity> {
  const sample = ent.sample ? await readSample(path.resolve(baseDir, ent.sample), where) : null;
  const sampleColumns = new Map(sample?.columns.map((c) => [normaliseHeader(c.name), c]) ?? []);
  let fields: SorField[];
  if (ent.fields?.length) {
    fields = ent.fields.map((f) => {
      const col = sampleColumns.get(normaliseHeader(f.name));
      return {
        name: f.name,
        type: f.type ?? (col && col.type !== 'empty' ? col.type : undefined),
        description: f.description,
        allowedValues: f.allowed_values?.map(String),
        values: col?.values ?? [],
      };
    });
  } else if (sample) {
    fields = sample.columns.map((c) => ({
      name: c.name,
      type: c.type === 'empty' ? undefined : c.type,
      values: c.values,
    }));
  } else {
    throw fail(
      `Entity "${where}" needs fields or a sample extract${hasConnection ? ' (database introspection is not available yet)' : ''}.`,
    );
  }
  const names = new Set<string>();
  for (const f of fields) {
    if (names.has(f.name)) throw fail(`Entity "${where}" lists field "${f.name}" twice.`);
    names.add(f.name);
  }
  const key = ent.key ?? [];
  for (const k of key) {
    if (!names.has(k))
      throw fail(`Entity "${where}": key "${k}" is not one of its fields (${[...names].join(', ')}).`);
  }
  return {
    system,
    name: ent.name,
    key,
    owner: ent.owner,
    description: ent.description,
    criticality: ent.criticality,
    fields,
    rowCount: sample?.rowCount,
  };
}

async function readSample(file: string, where: string): Promise<TableFingerprint> {
  try {
    const fp = await fingerprintFile(file, { limits: { valueSampleCap: CATALOG_VALUE_CAP } });
    const table = fp.tables[0];
    if (!table) throw fail(`Sample ${file} of "${where}" has no table.`);
    return table;
  } catch (e) {
    if (e instanceof UnreadableFileError) {
      throw fail(`Sample ${file} of "${where}" cannot be read (${e.code}): ${e.message}`);
    }
    if (e instanceof ShadowscanError) throw e;
    throw fail(`Sample ${file} of "${where}" cannot be read: ${(e as Error).message}`);
  }
}

/** "systems[0].entities[1].key" → "systems[crm].entities[customer].key": names are easier to find. */
function formatPath(raw: unknown, p: PropertyKey[]): string {
  let node: unknown = raw;
  let out = '';
  for (const seg of p) {
    const next = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[seg] : undefined;
    if (typeof seg === 'number') {
      const n = next && typeof next === 'object' ? (next as { name?: unknown }).name : undefined;
      out += `[${typeof n === 'string' ? n : seg}]`;
    } else {
      out += out ? `.${String(seg)}` : String(seg);
    }
    node = next;
  }
  return out || '(root)';
}
