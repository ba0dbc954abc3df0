import { sql, type Kysely } from 'kysely';

// Triage (owner, accepted-risk expiry), a tamper-evident audit chain, the official-row index for
// contradiction look-ups, per-table signatures for copy clusters, and a finalizing scan state.
const STATEMENTS = [
  `alter table findings add column owner text`,
  `alter table files add column sharing_scope text`,
  `alter table files add column last_modified_by text`,
  `alter table findings add column risk_expires_at timestamptz`,
  `alter table finding_events add column reason text`,
  `alter table finding_events add column prev_hash text`,
  `alter table finding_events add column hash text`,
  `alter table scans drop constraint scans_status_check`,
  `alter table scans add constraint scans_status_check
     check (status in ('queued', 'running', 'finalizing', 'completed', 'failed'))`,
  `create table official_rows (
     catalog_version text not null,
     entity text not null,
     key text not null,
     row jsonb not null,
     primary key (catalog_version, entity, key)
   )`,
  `create table official_row_index (
     catalog_version text not null,
     entity text not null,
     rows integer not null,
     primary key (catalog_version, entity)
   )`,
  `create table table_signatures (
     source_id text not null,
     file_id text not null,
     version text not null,
     sheet text not null,
     range text not null,
     schema_hash text not null,
     content_hash text not null,
     sketch jsonb not null default '[]',
     rows integer not null,
     primary key (source_id, file_id, version, sheet, range)
   )`,
  `create index table_signatures_content_idx on table_signatures (schema_hash, content_hash)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `drop table table_signatures`,
    `drop table official_row_index`,
    `drop table official_rows`,
    `alter table finding_events drop column hash`,
    `alter table finding_events drop column prev_hash`,
    `alter table finding_events drop column reason`,
    `alter table findings drop column risk_expires_at`,
    `alter table findings drop column owner`,
    `alter table files drop column last_modified_by`,
    `alter table files drop column sharing_scope`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
