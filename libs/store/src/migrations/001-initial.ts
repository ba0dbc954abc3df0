import { sql, type Kysely } from 'kysely';

// Plain SQL that PostgreSQL and PGlite (PostgreSQL compiled to WASM) both run: one migration set.
// One statement per query: PGlite's extended protocol takes a single command at a time.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `
    create table sources (
    id text primary key,
    name text not null unique,
    kind text not null,
    config jsonb not null,
    cursor text,
    cursor_catalog_version text,
    created_at timestamptz not null default now()
    )
  `,
  `
    create table catalogs (
    version text primary key,
    source text not null,
    body jsonb not null,
    created_at timestamptz not null default now()
    )
  `,
  `
    create table scans (
    id text primary key,
    source_id text not null references sources(id),
    catalog_version text not null references catalogs(version),
    status text not null check (status in ('queued', 'running', 'completed', 'failed')),
    files_seen integer not null default 0,
    files_changed integer not null default 0,
    files_deleted integer not null default 0,
    error text,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    crawled_at timestamptz,
    finished_at timestamptz
    )
  `,
  `
    create index scans_source_idx on scans (source_id, created_at desc)
  `,
  `
    create table files (
    source_id text not null references sources(id),
    id text not null,
    path text not null,
    name text not null,
    size bigint not null,
    modified_at timestamptz not null,
    version text not null,
    sha256 text,
    deleted_at timestamptz,
    last_scan_id text not null,
    primary key (source_id, id)
    )
  `,
  `
    create table scan_files (
    scan_id text not null references scans(id),
    source_id text not null,
    file_id text not null,
    path text not null,
    version text not null,
    state text not null check (state in ('pending', 'done', 'failed')),
    tables integer not null default 0,
    matched_tables integer not null default 0,
    error_code text,
    error text,
    finished_at timestamptz,
    primary key (scan_id, file_id)
    )
  `,
  `
    create index scan_files_pending_idx on scan_files (scan_id) where state = 'pending'
  `,
  `
    create table analyses (
    source_id text not null,
    file_id text not null,
    version text not null,
    fingerprint jsonb,
    matches jsonb,
    error_code text,
    created_at timestamptz not null default now(),
    primary key (source_id, file_id, version)
    )
  `,
  `
    create table findings (
    id text primary key,
    kind text not null,
    severity text not null,
    status text not null,
    source_id text not null references sources(id),
    file text not null,
    sheet text,
    system text,
    entity text,
    title text not null,
    evidence jsonb not null,
    evidence_hash text not null,
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,
    resolved_at timestamptz,
    last_scan_id text not null
    )
  `,
  `
    create index findings_file_idx on findings (source_id, file)
  `,
  `
    create index findings_kind_status_idx on findings (kind, status)
  `,
  `
    create table finding_events (
    seq bigserial primary key,
    finding_id text not null references findings(id),
    scan_id text,
    file_id text,
    actor text not null,
    change text not null,
    from_status text,
    to_status text not null,
    at timestamptz not null default now(),
    delivered_at timestamptz
    )
  `,
  `
    create index finding_events_undelivered_idx on finding_events (scan_id, file_id) where delivered_at is null
  `,
];

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'finding_events',
    'findings',
    'analyses',
    'scan_files',
    'files',
    'scans',
    'catalogs',
    'sources',
  ]) {
    await sql.raw(`drop table ${t}`).execute(db);
  }
}
