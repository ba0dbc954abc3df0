/** Spreadsheet formats Shadowscan recognises (some are rejected as unsupported until their reader lands). */
export type SpreadsheetFormat = 'xlsx' | 'xlsm' | 'xls' | 'xlsb' | 'ods' | 'csv' | 'tsv' | 'txt' | 'gsheet';

/** A file as a connector sees it: enough to decide whether it changed, never its bytes. */
export interface FileRef {
  /** Connector-specific stable id (local: the relative path). */
  id: string;
  /** Path relative to the source root, with forward slashes. */
  path: string;
  name: string;
  size: number;
  modifiedAt: string;
  /** A value that changes whenever the content does (local: sha256 of the bytes). */
  version: string;
  sha256?: string;
  lastModifiedBy?: string;
  webUrl?: string;
  /** As the source reports it (Google Sheets: application/vnd.google-apps.spreadsheet). */
  mimeType?: string;
  /** The source's own content hash, prefixed by its algorithm (`quickXorHash:…`, `md5:…`), where given. */
  contentHash?: string;
  /** Who can reach the file beyond its owner, where the source says: `anonymous`, `organization`, `users`, `private`. */
  sharingScope?: string;
  /** The item's own version tag, content and metadata (Graph `eTag`, Drive `version`), where given. */
  etag?: string;
}

export interface FileChanges {
  upserts: FileRef[];
  deletions: Array<Pick<FileRef, 'id' | 'path'>>;
  /** Everything the connector saw, changed or not (for the inventory). */
  seen: number;
  nextCursor: string;
}
