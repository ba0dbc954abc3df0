import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface SourcesTable {
  id: string;
  name: string;
  kind: string;
  /** Connector settings (root, globs); credentials are referenced by env name, never stored. */
  config: Json<Record<string, unknown>>;
  cursor: string | null;
  /** Catalog version the cursor was built against: a new catalog means every file is analysed again. */
  cursor_catalog_version: string | null;
  created_at: Generated<Timestamp>;
}

export interface CatalogsTable {
  version: string;
  source: string;
  body: Json;
  created_at: Generated<Timestamp>;
}

export interface ScansTable {
  id: string;
  source_id: string;
  catalog_version: string;
  status: 'queued' | 'running' | 'finalizing' | 'completed' | 'failed';
  files_seen: Generated<number>;
  files_changed: Generated<number>;
  files_deleted: Generated<number>;
  error: string | null;
  created_at: Generated<Timestamp>;
  started_at: Timestamp | null;
  crawled_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface FilesTable {
  source_id: string;
  id: string;
  path: string;
  name: string;
  size: number;
  modified_at: Timestamp;
  version: string;
  sha256: string | null;
  deleted_at: Timestamp | null;
  last_scan_id: string;
  /** Who can reach the file beyond its owner, where the connector knows (`anonymous`, `organization`, …). */
  sharing_scope: string | null;
  last_modified_by: string | null;
  /** As the source reports it (Google Sheets: application/vnd.google-apps.spreadsheet). */
  mime_type: string | null;
  /** The source's own content hash with its algorithm (`quickXorHash:…`, `md5:…`), where given. */
  content_hash: string | null;
  /** Where a person opens the file (SharePoint / Drive link). */
  web_url: string | null;
  /** The item's eTag (Graph) or version number (Drive): moves with content and metadata edits. */
  etag: string | null;
}

export interface ScanFilesTable {
  scan_id: string;
  source_id: string;
  file_id: string;
  path: string;
  version: string;
  state: 'pending' | 'done' | 'failed';
  tables: Generated<number>;
  matched_tables: Generated<number>;
  error_code: string | null;
  error: string | null;
  finished_at: Timestamp | null;
}

export interface AnalysesTable {
  source_id: string;
  file_id: string;
  version: string;
  fingerprint: Json | null;
  matches: Json | null;
  error_code: string | null;
  created_at: Generated<Timestamp>;
}

export interface FindingsTable {
  id: string;
  kind: string;
  severity: string;
  status: string;
  source_id: string;
  file: string;
  sheet: string | null;
  system: string | null;
  entity: string | null;
  title: string;
  evidence: Json<Record<string, unknown>>;
  evidence_hash: string;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
  resolved_at: Timestamp | null;
  last_scan_id: string;
  owner: string | null;
  risk_expires_at: Timestamp | null;
}

export interface FindingEventsTable {
  seq: Generated<number>;
  finding_id: string;
  scan_id: string | null;
  /** The file whose analysis (or deletion) caused the change; null for changes made by a person. */
  file_id: string | null;
  actor: string;
  change: 'created' | 'updated' | 'resolved' | 'reopened' | 'triaged';
  from_status: string | null;
  to_status: string;
  at: ColumnType<Date, Date | string | undefined, never>;
  delivered_at: Timestamp | null;
  reason: string | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface OfficialRowsTable {
  catalog_version: string;
  /** "system.entity" */
  entity: string;
  /** Normalised key values joined by U+001F. */
  key: string;
  row: Json<Record<string, unknown>>;
}

export interface OfficialRowIndexTable {
  catalog_version: string;
  entity: string;
  rows: number;
}

export interface TableSignaturesTable {
  source_id: string;
  file_id: string;
  version: string;
  sheet: string;
  range: string;
  schema_hash: string;
  content_hash: string;
  sketch: ColumnType<number[], string | undefined, string>;
  rows: number;
}

/** One numbered version of a catalog file: a new row only when the synced content changed. */
export interface CatalogVersionsTable {
  /** Absolute path of the catalog file. */
  catalog: string;
  /** 1, 2, 3… per catalog. */
  number: number;
  /** Content hash; the body is in `catalogs`. */
  version: string;
  systems: number;
  entities: number;
  fields: number;
  summary: Json<Record<string, unknown>>;
  /** What the latest sync that found this content read: file and extract hashes, databases by env name. */
  origin: Json<Record<string, unknown>>;
  /** Who ran that sync: `cli`, `job` or `scan`. */
  synced_by: string;
  /** Syncs that found this content (1 + those that found nothing new). */
  syncs: Generated<number>;
  created_at: Generated<Timestamp>;
  /** The latest sync that found this content. */
  synced_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface Database {
  sources: SourcesTable;
  catalogs: CatalogsTable;
  scans: ScansTable;
  files: FilesTable;
  scan_files: ScanFilesTable;
  analyses: AnalysesTable;
  findings: FindingsTable;
  finding_events: FindingEventsTable;
  official_rows: OfficialRowsTable;
  official_row_index: OfficialRowIndexTable;
  table_signatures: TableSignaturesTable;
  catalog_versions: CatalogVersionsTable;
}
