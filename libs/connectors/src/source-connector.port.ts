import type { FileChanges, FileRef } from '@shadowscan/domain';

/** A file's bytes made available on local disk for the readers; `release` removes any temporary copy. */
export interface OpenedFile {
  path: string;
  release(): Promise<void>;
}

/**
 * What every source (local folder, SharePoint/OneDrive, Google Drive) offers the pipeline: the
 * spreadsheet files that changed since a cursor, and their bytes.
 */
export interface SourceConnector {
  readonly kind: string;
  /** Upserts and deletions since `cursor` (null: enumerate everything) and the cursor to save after. */
  listChanges(cursor: string | null): Promise<FileChanges>;
  /** Fails with UnreadableFileError('file_too_large') past `maxBytes`, and 'not_found' when it is gone. */
  open(file: Pick<FileRef, 'id' | 'path' | 'version'>, maxBytes: number): Promise<OpenedFile>;
}
