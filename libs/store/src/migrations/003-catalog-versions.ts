import { sql, type Kysely } from 'kysely';

// Versions of a catalog over time. `catalogs` holds each distinct content once (keyed by its hash);
// `catalog_versions` numbers the contents a catalog file has had, 1, 2, 3…, and records when each was
// last synced and from what (file and extract hashes, databases by env reference: never a URL).
const STATEMENTS = [
  `create table catalog_versions (
     catalog text not null,
     number integer not null,
     version text not null references catalogs(version),
     systems integer not null,
     entities integer not null,
     fields integer not null,
     summary jsonb not null,
     origin jsonb not null,
     synced_by text not null,
     syncs integer not null default 1,
     created_at timestamptz not null default now(),
     synced_at timestamptz not null default now(),
     primary key (catalog, number)
   )`,
  `create index catalog_versions_version_idx on catalog_versions (version)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`drop table catalog_versions`).execute(db);
}
