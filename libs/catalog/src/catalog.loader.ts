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
import { introspectDatabase } from './introspection';

/** Distinct values kept per catalog field: enough for key look-ups in extracts of this size class. */
export const CATALOG_VALUE_CAP = 100_000;

const fail = (message: string) => new ShadowscanError('catalog_invalid', message);

export interface LoadCatalogOptions {
  /** Where `connection: env:NAME` is looked up (default: process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * Reads a catalog file and everything it points to (extracts, and the databases of systems with a
 * connection) into a self-contained ResolvedCatalog, so workers never need the catalog's files or
 * databases. Every problem is reported with its place in the file. Loading again is a sync: the
 * version changes when the file, an extract or a sampled database profile does.
 */

export async function loadCatalog(file: string, opts: LoadCatalogOptions = {}): Promise<ResolvedCatalog> {
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
  const systems = await resolveSystems(parsed.data, path.dirname(abs), opts.env ?? process.env);
  const version = createHash('sha256').update(JSON.stringify(systems)).digest('hex');
  return { version, source: abs, systems };
}

async function resolveSystems(
  catalog: CatalogFile,
  baseDir: string,
  env: Record<string, string | undefined>,
): Promise<SorSystem[]> {
  const seen = new Set<string>();
  const systems: SorSystem[] = [];
  for (const sys of catalog.systems) {
    if (seen.has(sys.name)) throw fail(`System "${sys.name}" is declared twice.`);
    seen.add(sys.name);
    const entities: SorEntity[] = [];
    const entityNames = new Set<string>();
    const introspected = sys.connection ? await introspectSystem(sys, env) : new Map<string, SorEntity>();
    for (const ent of sys.entities) {
      const where = `${sys.name}.${ent.name}`;
      if (entityNames.has(ent.name)) throw fail(`Entity "${where}" is declared twice.`);
      entityNames.add(ent.name);
      const db = introspected.get(ent.name);
      entities.push(
        db && !ent.fields?.length && !ent.sample
          ? overlayEntity(db, ent, where)
          : await resolveEntity(sys.name, ent, baseDir, where, !!sys.connection, db),
      );
    }
    // Tables the file does not mention are entities too: introspection is how a catalog stays complete.
    for (const [name, db] of introspected) if (!entityNames.has(name)) entities.push(db);
    if (entities.length === 0) {
      throw fail(
        sys.connection
          ? `System "${sys.name}": the database behind ${sys.connection} has no tables to read (check the schemas and tables of its introspection section, and the account's privileges).`
          : `System "${sys.name}" has no entities.`,
      );
    }
    systems.push({ name: sys.name, description: sys.description, connection: sys.connection, entities });
  }
  return systems;
}

async function resolveEntity(
  system: string,
  ent: CatalogFile['systems'][number]['entities'][number],
  baseDir: string,
  where: string,
  hasConnection: boolean,
  db?: SorEntity,
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
    if (db) fields = fields.map((f) => withDatabaseProfile(f, db));
  } else if (sample) {
    fields = sample.columns.map((c) => ({
      name: c.name,
      type: c.type === 'empty' ? undefined : c.type,
      values: c.values,
    }));
  } else {
    throw fail(
      `Entity "${where}" needs fields or a sample extract${hasConnection ? ', or a table of that name in the database' : ''}.`,
    );
  }
  const names = new Set<string>();
  for (const f of fields) {
    if (names.has(f.name)) throw fail(`Entity "${where}" lists field "${f.name}" twice.`);
    names.add(f.name);
  }
  const key = ent.key ?? db?.key ?? [];
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
    sample: ent.sample ? path.resolve(baseDir, ent.sample) : undefined,
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

/**
 * The system's database, introspected. The connection URL comes from the environment and is never
 * written into the catalog, its errors or logs.
 */
async function introspectSystem(
  sys: CatalogFile['systems'][number],
  env: Record<string, string | undefined>,
): Promise<Map<string, SorEntity>> {
  const variable = sys.connection!.slice('env:'.length);
  const url = env[variable];
  if (!url) {
    throw fail(
      `System "${sys.name}": environment variable ${variable} (connection: ${sys.connection}) is not set; set it to the database URL (postgres://… or mysql://…) of a read-only account.`,
    );
  }
  const i = sys.introspection;
  const { entities } = await introspectDatabase(
    url,
    {
      schemas: i?.schemas,
      tables: i?.tables,
      sampleRows: i?.sample_rows,
      valueCap: i?.value_cap,
      statementTimeoutMs: i?.timeout_ms,
    },
    sys.name,
  ).catch((e: unknown) => {
    if (e instanceof ShadowscanError) throw e;
    // Driver errors may quote the URL; say which system failed and why, without it.
    throw new ShadowscanError(
      'catalog_introspection_failed',
      `System "${sys.name}": cannot read the database behind ${sys.connection}: ${redact((e as Error).message, url)}`,
    );
  });
  return new Map(entities.map((e) => [e.name, e]));
}

function redact(message: string, url: string): string {
  let out = message.split(url).join('<connection>');
  const password = safeUrl(url)?.password;
  if (password) out = out.split(decodeURIComponent(password)).join('***');
  return out;
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** A declared entity over an introspected table: the file's key, owner and wording win. */
function overlayEntity(
  db: SorEntity,
  ent: CatalogFile['systems'][number]['entities'][number],
  where: string,
): SorEntity {
  const names = new Set(db.fields.map((f) => f.name));
  for (const k of ent.key ?? []) {
    if (!names.has(k))
      throw fail(`Entity "${where}": key "${k}" is not a column of the table (${[...names].join(', ')}).`);
  }
  return {
    ...db,
    key: ent.key ?? db.key,
    owner: ent.owner,
    description: ent.description ?? db.description,
    criticality: ent.criticality,
  };
}

/** A declared field keeps its declaration and gains the table column's profile. */
function withDatabaseProfile(f: SorField, db: SorEntity): SorField {
  const col = db.fields.find((c) => c.name === f.name);
  if (!col) return f;
  return {
    ...col,
    ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)),
    values: f.values.length > 0 ? f.values : col.values,
    description: f.description ?? col.description,
    type: f.type ?? col.type,
  };
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
