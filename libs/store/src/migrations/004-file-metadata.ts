import { sql, type Kysely } from 'kysely';

// What remote sources say about a file beyond path, size and version: its MIME type, the source's own
// content hash (Graph quickXorHash, Drive md5Checksum), a link to open it and the item's eTag. And the
// analysis record as `json`: it is written once per file version and never queried inside the
// database, so converting it to `jsonb` on every insert (the largest write of an analysis) bought nothing.
const STATEMENTS = [
  `alter table files add column mime_type text`,
  `alter table files add column content_hash text`,
  `alter table files add column web_url text`,
  `alter table files add column etag text`,
  `alter table analyses alter column fingerprint type json using fingerprint::json`,
  `alter table analyses alter column matches type json using matches::json`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `alter table analyses alter column matches type jsonb using matches::jsonb`,
    `alter table analyses alter column fingerprint type jsonb using fingerprint::jsonb`,
    `alter table files drop column etag`,
    `alter table files drop column web_url`,
    `alter table files drop column content_hash`,
    `alter table files drop column mime_type`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
