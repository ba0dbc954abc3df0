import type { FileChanges, FileRef } from '@shadowscan/domain';

/**
 * What a remote connector remembers of one drive between scans, inside the source cursor: folders
 * (to build human paths, since change feeds name only the parent) and the spreadsheet files with the
 * path and version last reported to the pipeline. Comparing against it makes the output exact: a
 * repeated change-feed item, a metadata-only edit or a re-enumeration after a resync reports nothing,
 * a folder rename reports its spreadsheets under their new paths, a deleted folder deletes its files.
 */
export interface TreeState {
  /** id → [name, parent id] */
  folders: Record<string, [string, string | null]>;
  files: Record<string, TreeFile>;
}

export interface TreeFile {
  /** name, parent id, version, size, modified at */
  n: string;
  p: string | null;
  v: string;
  s: number;
  m: string;
  /** [path, version] last reported, or null when never reported (or reported deleted). */
  r: [string, string] | null;
}

/** Metadata fresh from this listing, for the FileRef of a file that is reported. */
export type FileExtras = Pick<
  FileRef,
  'mimeType' | 'contentHash' | 'sha256' | 'lastModifiedBy' | 'webUrl' | 'sharingScope' | 'etag'
>;

export function emptyTree(): TreeState {
  return { folders: {}, files: {} };
}

/** The changes of a whole source, gathered drive by drive. */
export class TreeDiff {
  readonly upserts: FileRef[] = [];
  readonly deletions: FileChanges['deletions'] = [];
  seen = 0;

  /** `fileId` turns a drive's item id into the source-wide FileRef id. */
  forDrive(fileId: (itemId: string) => string): DriveDiff {
    return new DriveDiff(this, fileId);
  }

  result(nextCursor: string): FileChanges {
    this.upserts.sort((a, b) => a.path.localeCompare(b.path));
    this.deletions.sort((a, b) => a.path.localeCompare(b.path));
    return { upserts: this.upserts, deletions: this.deletions, seen: this.seen, nextCursor };
  }
}

export class DriveDiff {
  private readonly upserts: FileRef[];
  private readonly deletions: FileChanges['deletions'];

  constructor(
    private readonly all: TreeDiff,
    private readonly fileId: (itemId: string) => string,
  ) {
    this.upserts = all.upserts;
    this.deletions = all.deletions;
  }

  /** A file gone from the source (deleted, trashed, no longer a spreadsheet). */
  removeFile(tree: TreeState, itemId: string): void {
    const f = tree.files[itemId];
    if (!f) return;
    if (f.r) this.deletions.push({ id: this.fileId(itemId), path: f.r[0] });
    delete tree.files[itemId];
  }

  /** A deleted folder takes its subtree with it, whether or not the feed lists the children. */
  removeFolder(tree: TreeState, folderId: string): void {
    delete tree.folders[folderId];
    for (const id of Object.keys(tree.files)) {
      if (!resolvable(tree, tree.files[id].p, folderId)) this.removeFile(tree, id);
    }
    for (const id of Object.keys(tree.folders)) {
      if (!resolvable(tree, id, folderId)) delete tree.folders[id];
    }
  }

  /**
   * Walks every file of the drive: reports those whose path or version moved since last reported,
   * and those that left the scope (include/exclude) as deletions.
   */
  report(
    tree: TreeState,
    label: string,
    rootIds: ReadonlySet<string>,
    inScope: (path: string) => boolean,
    extras: Map<string, FileExtras>,
  ): void {
    const folderPaths = new Map<string, string>();
    const pathOf = (folderId: string | null, depth = 0): string => {
      if (folderId === null || rootIds.has(folderId) || depth > 256) return label;
      const known = folderPaths.get(folderId);
      if (known !== undefined) return known;
      const folder = tree.folders[folderId];
      const p = folder ? `${pathOf(folder[1], depth + 1)}/${folder[0]}` : label;
      folderPaths.set(folderId, p);
      return p;
    };
    for (const [itemId, f] of Object.entries(tree.files)) {
      const path = `${pathOf(f.p)}/${f.n}`;
      if (!inScope(path)) {
        if (f.r) this.deletions.push({ id: this.fileId(itemId), path: f.r[0] });
        f.r = null;
        continue;
      }
      this.all.seen++;
      if (f.r && f.r[0] === path && f.r[1] === f.v) continue;
      f.r = [path, f.v];
      this.upserts.push({
        id: this.fileId(itemId),
        path,
        name: f.n,
        size: f.s,
        modifiedAt: f.m,
        version: f.v,
        ...extras.get(itemId),
      });
    }
  }

  /** Everything of a drive that is no longer in scope at all (drive removed from the configuration). */
  dropAll(tree: TreeState): void {
    for (const id of Object.keys(tree.files)) this.removeFile(tree, id);
  }
}

/** False when `from` sits (transitively) under the folder `gone`. */
function resolvable(tree: TreeState, from: string | null, gone: string): boolean {
  let cur = from;
  for (let depth = 0; cur !== null && depth < 256; depth++) {
    if (cur === gone) return false;
    const folder = tree.folders[cur];
    if (!folder) return true;
    cur = folder[1];
  }
  return true;
}
