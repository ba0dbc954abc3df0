import { createConnection, type RowDataPacket } from 'mysql2/promise';
import type { DatabaseReader, IntrospectionOptions, TableInfo } from './introspection';

/** MySQL and MariaDB (the same protocol and information_schema; the timeout variable differs). */
export async function openMysql(url: string, o: IntrospectionOptions): Promise<DatabaseReader> {
  const conn = await createConnection({ uri: url, connectTimeout: o.statementTimeoutMs, dateStrings: true });
  const database = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  try {
    if (!database) throw new Error('the connection URL names no database (mysql://user@host:3306/DATABASE)');
    const [[version]] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS v');
    const mariadb = /mariadb/i.test(String(version.v));
    // Server-side statement timeouts: seconds on MariaDB, milliseconds (SELECTs) on MySQL.
    if (mariadb) await conn.query('SET SESSION max_statement_time = ?', [o.statementTimeoutMs / 1000]);
    else await conn.query('SET SESSION max_execution_time = ?', [o.statementTimeoutMs]);
    await conn.query('START TRANSACTION READ ONLY');
  } catch (e) {
    await conn.end().catch(() => undefined);
    throw e;
  }
  const q = async <T extends RowDataPacket>(sql: string, values: unknown[] = []): Promise<T[]> => {
    const [rows] = await conn.query<T[]>({ sql, values, timeout: o.statementTimeoutMs + 5_000 });
    return rows;
  };
  return {
    defaultSchema: database,
    async tables(): Promise<TableInfo[]> {
      const tables = await q<RowDataPacket>(
        `SELECT TABLE_NAME AS name, TABLE_ROWS AS est, TABLE_COMMENT AS comment, TABLE_TYPE AS type
           FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
        [database],
      );
      const cols = await q<RowDataPacket>(
        `SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
                COLUMN_COMMENT AS comment
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
        [database],
      );
      const keys = await q<RowDataPacket>(
        `SELECT k.TABLE_NAME AS tbl, k.CONSTRAINT_NAME AS cname, c.CONSTRAINT_TYPE AS kind, k.COLUMN_NAME AS col,
                k.REFERENCED_TABLE_SCHEMA AS rschema, k.REFERENCED_TABLE_NAME AS rtable,
                k.REFERENCED_COLUMN_NAME AS rcol
           FROM information_schema.KEY_COLUMN_USAGE k
           JOIN information_schema.TABLE_CONSTRAINTS c
             ON c.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND c.TABLE_NAME = k.TABLE_NAME
            AND c.CONSTRAINT_NAME = k.CONSTRAINT_NAME
          WHERE k.TABLE_SCHEMA = ? AND c.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
          ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
        [database],
      );
      return tables.map((t) => {
        const mine = keys.filter((k) => k.tbl === t.name);
        const groups = new Map<string, RowDataPacket[]>();
        for (const k of mine) groups.set(k.cname, [...(groups.get(k.cname) ?? []), k]);
        const ofKind = (kind: string) => [...groups.values()].filter((g) => g[0].kind === kind);
        return {
          schema: database,
          name: String(t.name),
          comment: t.comment ? String(t.comment) : undefined,
          estimatedRows: t.est === null ? undefined : Number(t.est),
          view: t.type === 'VIEW',
          columns: cols
            .filter((c) => c.tbl === t.name)
            .map((c) => ({
              name: String(c.name),
              sqlType: String(c.type),
              nullable: c.nullable === 'YES',
              comment: c.comment ? String(c.comment) : undefined,
            })),
          primaryKey: (ofKind('PRIMARY KEY')[0] ?? []).map((k) => String(k.col)),
          uniqueKeys: ofKind('UNIQUE').map((g) => g.map((k) => String(k.col))),
          foreignKeys: ofKind('FOREIGN KEY').map((g) => ({
            columns: g.map((k) => String(k.col)),
            schema: String(g[0].rschema),
            table: String(g[0].rtable),
            references: g.map((k) => String(k.rcol)),
          })),
        };
      });
    },
    async sample(t: TableInfo, limit: number): Promise<unknown[][]> {
      if (t.columns.length === 0) return [];
      const id = (s: string) => conn.escapeId(s);
      const select = t.columns.map((c) => id(c.name)).join(', ');
      // MySQL has no TABLESAMPLE, and WHERE RAND() reads every row: the first rows in key order
      // instead (an index range read), bounded by LIMIT.
      const order = t.primaryKey.length > 0 ? ` ORDER BY ${t.primaryKey.map(id).join(', ')}` : '';
      const [rows] = await conn.query({
        sql: `SELECT ${select} FROM ${id(t.schema)}.${id(t.name)}${order} LIMIT ?`,
        values: [limit],
        rowsAsArray: true,
        timeout: o.statementTimeoutMs + 5_000,
      });
      return (rows as unknown[][]).map((r) => r.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v)));
    },
    async close(): Promise<void> {
      await conn.query('ROLLBACK').catch(() => undefined);
      await conn.end();
    },
  };
}
