import { Pool } from 'pg';
import type { OfficialLookup } from '@shadowscan/findings';

/** Where an entity's rows live in a PostgreSQL system of record. */
export interface PostgresEntitySource {
  schema?: string;
  table: string;
  keyColumn: string;
  /** Official field name → column name. */
  columns: Record<string, string>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Looks official rows up by key in batches: one parameterised `= ANY($1)` per batch, which uses the
 * key's index. The pool should connect as a read-only user; each session is also made read-only and
 * given a statement timeout, so a scan can never write to or stall a system of record.
 */
export function postgresLookup(
  pool: Pool,
  src: PostgresEntitySource,
  normalise: (v: unknown) => string,
): OfficialLookup {
  const table = src.schema ? `${ident(src.schema)}.${ident(src.table)}` : ident(src.table);
  const cols = Object.entries(src.columns).map(([field, column]) => `${ident(column)} as ${ident(field)}`);
  const text = `select ${ident(src.keyColumn)} as "__key", ${cols.join(', ')} from ${table} where ${ident(src.keyColumn)} = any($1)`;
  return async (keys) => {
    const raw = [...new Set(keys.map((k) => String(k.raw[0]).trim()))];
    const res = await pool.query<Record<string, unknown>>({ text, values: [raw] });
    const out = new Map<string, Record<string, unknown>>();
    for (const row of res.rows) out.set(normalise(row.__key), row);
    return out;
  };
}

export function readOnlyPool(connectionString: string, statementTimeoutMs = 30_000, max = 4): Pool {
  const pool = new Pool({
    connectionString,
    max,
    options: `-c default_transaction_read_only=on -c statement_timeout=${statementTimeoutMs}`,
  });
  pool.on('error', () => undefined);
  return pool;
}
