import { Client, escapeIdentifier } from 'pg';
import type { DatabaseReader, IntrospectionOptions, TableInfo } from './introspection';

/** Seed of TABLESAMPLE … REPEATABLE: the same data gives the same sample, hence the same catalog version. */
const SAMPLE_SEED = 42;

export async function openPostgres(url: string, o: IntrospectionOptions): Promise<DatabaseReader> {
  const client = new Client({
    connectionString: url,
    statement_timeout: o.statementTimeoutMs,
    query_timeout: o.statementTimeoutMs + 5_000,
    connectionTimeoutMillis: o.statementTimeoutMs,
    application_name: 'shadowscan-catalog',
  });
  await client.connect();
  try {
    // Read-only whatever the role may do; the account should be read-only too (see the README).
    await client.query('BEGIN TRANSACTION READ ONLY');
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return {
    defaultSchema: 'public',
    async tables(): Promise<TableInfo[]> {
      const rels = await client.query<{
        oid: number;
        schema: string;
        name: string;
        rows: string;
        kind: string;
        comment: string | null;
      }>(
        `SELECT c.oid::int AS oid, c.relkind AS kind, n.nspname AS schema, c.relname AS name, c.reltuples::bigint::text AS rows,
                obj_description(c.oid, 'pg_class') AS comment
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
            AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
            AND NOT c.relispartition
          ORDER BY n.nspname, c.relname`,
        [o.schemas ?? null],
      );
      const oids = rels.rows.map((r) => r.oid);
      const cols = await client.query<{
        oid: number;
        num: number;
        name: string;
        type: string;
        notnull: boolean;
        comment: string | null;
      }>(
        `SELECT a.attrelid::int AS oid, a.attnum AS num, a.attname AS name,
                format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
                col_description(a.attrelid, a.attnum) AS comment
           FROM pg_attribute a
          WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attrelid, a.attnum`,
        [oids],
      );
      const cons = await client.query<{
        oid: number;
        kind: string;
        cols: number[];
        ref: number | null;
        refcols: number[] | null;
      }>(
        `SELECT conrelid::int AS oid, contype AS kind, conkey AS cols, NULLIF(confrelid, 0)::int AS ref, confkey AS refcols
           FROM pg_constraint
          WHERE conrelid = ANY($1::oid[]) AND contype IN ('p', 'u', 'f')
          ORDER BY conrelid, contype, conname`,
        [oids],
      );
      const refCols = cons.rows.some((c) => c.ref !== null)
        ? await client.query<{ oid: number; num: number; name: string; schema: string; table: string }>(
            `SELECT a.attrelid::int AS oid, a.attnum AS num, a.attname AS name, n.nspname AS schema, c.relname AS table
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0`,
            [[...new Set(cons.rows.flatMap((c) => (c.ref !== null ? [c.ref] : [])))]],
          )
        : { rows: [] };
      const colName = new Map(cols.rows.map((c) => [`${c.oid}:${c.num}`, c.name]));
      const refName = new Map(refCols.rows.map((c) => [`${c.oid}:${c.num}`, c]));
      return rels.rows.map((r) => {
        const mine = cons.rows.filter((c) => c.oid === r.oid);
        const names = (nums: number[]) => nums.map((n) => colName.get(`${r.oid}:${n}`) ?? String(n));
        return {
          schema: r.schema,
          name: r.name,
          comment: r.comment ?? undefined,
          estimatedRows: Number(r.rows),
          view: r.kind === 'v',
          columns: cols.rows
            .filter((c) => c.oid === r.oid)
            .map((c) => ({
              name: c.name,
              sqlType: c.type,
              nullable: !c.notnull,
              comment: c.comment ?? undefined,
            })),
          primaryKey: names(mine.find((c) => c.kind === 'p')?.cols ?? []),
          uniqueKeys: mine.filter((c) => c.kind === 'u').map((c) => names(c.cols)),
          foreignKeys: mine
            .filter((c) => c.kind === 'f' && c.ref !== null)
            .map((c) => {
              const refs = (c.refcols ?? []).map((n) => refName.get(`${c.ref}:${n}`));
              return {
                columns: names(c.cols),
                schema: refs[0]?.schema ?? r.schema,
                table: refs[0]?.table ?? '',
                references: refs.map((x) => x?.name ?? ''),
              };
            }),
        };
      });
    },
    async sample(t: TableInfo, limit: number): Promise<unknown[][]> {
      if (t.columns.length === 0) return [];
      const select = t.columns.map((c) => `${escapeIdentifier(c.name)}::text`).join(', ');
      const from = `${escapeIdentifier(t.schema)}.${escapeIdentifier(t.name)}`;
      const est = t.estimatedRows ?? -1;
      // Past twice the sample size, read random pages (TABLESAMPLE SYSTEM) instead of the first rows;
      // LIMIT bounds the read either way. Views cannot be sampled by pages: LIMIT alone.
      const pct = !t.view && est > 2 * limit ? Math.min(100, (200 * limit) / est) : null;
      const res =
        pct !== null
          ? await client.query({
              text: `SELECT ${select} FROM ${from} TABLESAMPLE SYSTEM ($1) REPEATABLE (${SAMPLE_SEED}) LIMIT $2`,
              values: [pct, limit],
              rowMode: 'array',
            })
          : await client.query({
              text: `SELECT ${select} FROM ${from} LIMIT $1`,
              values: [limit],
              rowMode: 'array',
            });
      return res.rows as unknown[][];
    },
    async close(): Promise<void> {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
}
