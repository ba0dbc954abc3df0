import type { SorEntity, SorField } from '@shadowscan/domain';
import { ShadowscanError } from '@shadowscan/domain';
import { columnTypeOf, profileValues } from './field-profile';
import { openMysql } from './mysql.introspection';
import { openPostgres } from './postgres.introspection';

export interface IntrospectionOptions {
  /** Schemas to read (PostgreSQL; default: every non-system schema) — MySQL reads the URL's database. */
  schemas?: string[];
  /** Tables to read (default: all), as `table` or `schema.table`. */
  tables?: string[];
  /** Rows sampled per table for value profiles; never a full scan of a larger table. */
  sampleRows: number;
  /** Distinct values kept per field. */
  valueCap: number;
  /** Per statement; a slow catalog query or sample fails instead of loading the database. */
  statementTimeoutMs: number;
}

export const DEFAULT_INTROSPECTION: IntrospectionOptions = Object.freeze({
  sampleRows: 10_000,
  valueCap: 10_000,
  statementTimeoutMs: 30_000,
});

/** A table as the database describes it, before profiling. */
export interface TableInfo {
  schema: string;
  name: string;
  comment?: string;
  estimatedRows?: number;
  /** A view: sampled with LIMIT only. */
  view?: boolean;
  columns: Array<{ name: string; sqlType: string; nullable: boolean; comment?: string }>;
  primaryKey: string[];
  uniqueKeys: string[][];
  foreignKeys: Array<{ columns: string[]; table: string; schema: string; references: string[] }>;
}

const fail = (message: string) => new ShadowscanError('catalog_introspection_failed', message);

/**
 * Reads the tables of a PostgreSQL or MySQL/MariaDB database into catalog entities: fields with types,
 * descriptions from column comments, keys, references, and value profiles from a bounded sample.
 * Read-only (a read-only transaction), parameterised, every statement under a timeout.
 */
export async function introspectDatabase(
  url: string,
  opts: Partial<IntrospectionOptions> = {},
  system = 'db',
): Promise<{ origin: 'postgres' | 'mysql'; entities: SorEntity[] }> {
  const o: IntrospectionOptions = { ...DEFAULT_INTROSPECTION, ...definedOnly(opts) };
  const scheme = /^([a-z0-9+]+):/i.exec(url)?.[1]?.toLowerCase();
  let driver: DatabaseReader;
  let origin: 'postgres' | 'mysql';
  if (scheme === 'postgres' || scheme === 'postgresql') {
    driver = await openPostgres(url, o);
    origin = 'postgres';
  } else if (scheme === 'mysql' || scheme === 'mariadb') {
    driver = await openMysql(url, o);
    origin = 'mysql';
  } else {
    throw fail(
      `System "${system}": unsupported connection URL scheme "${scheme ?? ''}"; use postgres://… or mysql://… (MariaDB too).`,
    );
  }
  try {
    const tables = (await driver.tables()).filter((t) => wanted(t, o.tables));
    const defaultSchema = driver.defaultSchema;
    const entityName = (schema: string, table: string) =>
      schema === defaultSchema ? table : `${schema}.${table}`;
    const entities: SorEntity[] = [];
    for (const t of tables) {
      const rows = await driver.sample(t, o.sampleRows);
      const keyCols = new Set([
        ...t.primaryKey,
        ...t.foreignKeys.flatMap((f) => (f.columns.length === 1 ? f.columns : [])),
      ]);
      const fields: SorField[] = t.columns.map((c, i) => {
        const p = profileValues(
          rows.map((r) => r[i]),
          o.valueCap,
        );
        const fk = t.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === c.name);
        return {
          name: c.name,
          type: columnTypeOf(c.sqlType, p.values, keyCols.has(c.name) && (t.primaryKey.length <= 1 || !!fk)),
          description: c.comment || undefined,
          values: p.values,
          minhash: p.minhash,
          distinct: p.distinct,
          nullRatio: p.nullRatio,
          sourceType: c.sqlType,
          nullable: c.nullable,
          references: fk ? { entity: entityName(fk.schema, fk.table), field: fk.references[0] } : undefined,
        };
      });
      entities.push({
        system,
        name: entityName(t.schema, t.name),
        key: t.primaryKey.length > 0 ? t.primaryKey : (t.uniqueKeys[0] ?? []),
        description: t.comment || undefined,
        fields,
        rowCount: t.estimatedRows !== undefined && t.estimatedRows >= 0 ? t.estimatedRows : undefined,
        uniqueKeys: t.uniqueKeys.length > 0 ? t.uniqueKeys : undefined,
        origin,
        sampledRows: rows.length,
      });
    }
    return { origin, entities };
  } catch (e) {
    if (e instanceof ShadowscanError) throw e;
    throw fail(`System "${system}": introspection failed: ${(e as Error).message}`);
  } finally {
    await driver.close();
  }
}

/** What each database driver provides. */
export interface DatabaseReader {
  defaultSchema: string;
  tables(): Promise<TableInfo[]>;
  /** At most `limit` rows, columns in TableInfo order, values as the driver returns them. */
  sample(table: TableInfo, limit: number): Promise<unknown[][]>;
  close(): Promise<void>;
}

function wanted(t: TableInfo, tables: string[] | undefined): boolean {
  return !tables || tables.includes(t.name) || tables.includes(`${t.schema}.${t.name}`);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
