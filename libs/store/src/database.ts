import { mkdirSync } from 'node:fs';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import { Pool, types } from 'pg';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './schema';
import * as m001 from './migrations/001-initial';
import * as m002 from './migrations/002-findings-lifecycle';
import * as m003 from './migrations/003-catalog-versions';
import * as m004 from './migrations/004-file-metadata';
import * as m005 from './migrations/005-pending-files-index';

/** The migration set, in order. Both engines run exactly these. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-findings-lifecycle': m002,
  '003-catalog-versions': m003,
  '004-file-metadata': m004,
  '005-pending-files-index': m005,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export interface DatabaseOptions {
  /** postgres://… for a server; absent means embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory, or 'memory://' for a throwaway database. */
  dataDir?: string;
}

export interface OpenDatabase {
  db: Kysely<Database>;
  engine: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// bigint (int8) columns hold sizes and sequence numbers that fit a JS number; parse them as such.
types.setTypeParser(20, (v) => Number(v));

/**
 * PGlite is one connection. Kysely's PostgresDialect wants a pool; this one hands out that connection
 * to one borrower at a time so transactions never interleave.
 */
function pgliteAsPool(pg: PGlite) {
  let tail: Promise<void> = Promise.resolve();
  return {
    async connect() {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((r) => (release = r));
      await previous;
      return {
        async query(text: string, params?: unknown[]) {
          // Transaction control goes as a simple query: PGlite runs a statement with parameters as six
          // protocol messages (parse, describe, bind, describe, execute, sync), this as two.
          if (!params?.length && TRANSACTION_CONTROL.test(text)) {
            await pg.exec(text);
            return { rows: [], rowCount: 0, command: commandOf(text) };
          }
          const r = await pg.query<Record<string, unknown>>(text, params as unknown[]);
          return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, command: commandOf(text) };
        },
        release() {
          release();
        },
      };
    },
    async end() {
      await pg.close();
    },
  };
}

const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|start transaction)\b[\w\s]*$/i;

function commandOf(text: string): string {
  return (/^\s*(\w+)/.exec(text)?.[1] ?? '').toUpperCase();
}

export async function openDatabase(opts: DatabaseOptions): Promise<OpenDatabase> {
  let db: Kysely<Database>;
  let engine: OpenDatabase['engine'];
  if (opts.databaseUrl) {
    const pool = new Pool({ connectionString: opts.databaseUrl, max: 10 });
    // A pool error (server restart) must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    engine = 'postgres';
  } else {
    const dir = opts.dataDir ?? '.shadowscan/db';
    if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
    const pg = await PGlite.create(dir);
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: pgliteAsPool(pg) as never }),
    });
    engine = 'pglite';
  }
  await migrate(db);
  return { db, engine, close: () => db.destroy() };
}

export async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `Database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
