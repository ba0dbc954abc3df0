import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { ShadowscanError, UnreadableFileError, type FileChanges, type FileRef } from '@shadowscan/domain';
import { detectFormat } from '@shadowscan/fingerprint';
import type { OpenedFile, SourceConnector } from './source-connector.port';

export interface LocalFolderConfig {
  root: string;
  /** Globs relative to the root; a file must match one. Default: everything. */
  include?: string[];
  /** Globs relative to the root; a match is skipped. Office lock files and dot files are always skipped. */
  exclude?: string[];
}

/** [size, mtime in ns (decimal string), sha256] per relative path: enough to skip hashing unchanged files. */
interface LocalCursor {
  v: 2;
  files: Record<string, [number, string, string]>;
}

const ALWAYS_EXCLUDED = ['**/~$*', '**/.~lock.*', '**/.*', '**/.*/**'];
const HASH_CONCURRENCY = 4;
/**
 * A file modified this recently may be modified again within the same clock tick without its size
 * or mtime moving (git's "racy clean" problem): such files are always hashed.
 */
const RACY_WINDOW_NS = 2_000_000_000n;

/**
 * A folder on disk. Change detection is size + mtime first, and a content hash when either moved, so
 * a touched-but-identical file is not analysed again and an edited one always is.
 */
export class LocalFolderConnector implements SourceConnector {
  readonly kind = 'local';
  private readonly root: string;
  private readonly included: (p: string) => boolean;
  private readonly excluded: (p: string) => boolean;

  constructor(config: LocalFolderConfig) {
    this.root = path.resolve(config.root);
    const include = config.include?.length ? config.include : ['**'];
    this.included = picomatch(include, { dot: true, nocase: true });
    this.excluded = picomatch([...ALWAYS_EXCLUDED, ...(config.exclude ?? [])], { dot: true, nocase: true });
  }

  async listChanges(cursor: string | null): Promise<FileChanges> {
    const previous = parseCursor(cursor);
    const rootStat = await stat(this.root).catch(() => null);
    if (!rootStat?.isDirectory()) {
      throw new ShadowscanError(
        'source_not_found',
        `Source folder ${this.root} does not exist or is not a folder.`,
      );
    }
    const listedAt = BigInt(Date.now()) * 1_000_000n;
    const candidates: Array<{ rel: string; size: number; mtimeNs: bigint }> = [];
    for await (const rel of this.walk('')) {
      if (!detectFormat(rel) || !this.included(rel) || this.excluded(rel)) continue;
      const st = await stat(path.join(this.root, rel), { bigint: true }).catch(() => null);
      if (st?.isFile()) candidates.push({ rel, size: Number(st.size), mtimeNs: st.mtimeNs });
    }
    candidates.sort((a, b) => a.rel.localeCompare(b.rel));

    const next: LocalCursor = { v: 2, files: {} };
    const upserts: FileRef[] = [];
    await mapLimit(candidates, HASH_CONCURRENCY, async (c) => {
      const prev = previous.files[c.rel];
      const mtime = c.mtimeNs.toString();
      const racy = listedAt - c.mtimeNs < RACY_WINDOW_NS;
      let sha = prev && !racy && prev[0] === c.size && prev[1] === mtime ? prev[2] : null;
      if (sha === null) {
        const hashed = await sha256File(path.join(this.root, c.rel)).catch(() => null);
        if (hashed === null) return; // vanished or unreadable between listing and hashing: next scan sees it
        sha = hashed;
      }
      next.files[c.rel] = [c.size, mtime, sha];
      if (prev?.[2] === sha) return;
      upserts.push({
        id: c.rel,
        path: c.rel,
        name: path.posix.basename(c.rel),
        size: c.size,
        modifiedAt: new Date(Number(c.mtimeNs / 1_000_000n)).toISOString(),
        version: sha,
        sha256: sha,
      });
    });
    upserts.sort((a, b) => a.path.localeCompare(b.path));
    const deletions = Object.keys(previous.files)
      .filter((rel) => !(rel in next.files))
      .sort()
      .map((rel) => ({ id: rel, path: rel }));
    return { upserts, deletions, seen: Object.keys(next.files).length, nextCursor: JSON.stringify(next) };
  }

  async open(file: Pick<FileRef, 'id' | 'path' | 'version'>, maxBytes: number): Promise<OpenedFile> {
    const abs = path.join(this.root, file.path);
    if (!abs.startsWith(this.root + path.sep)) {
      throw new UnreadableFileError('not_found', `${file.path} is outside the source folder.`);
    }
    const st = await stat(abs).catch(() => null);
    if (!st?.isFile())
      throw new UnreadableFileError('not_found', `${file.path} no longer exists in ${this.root}.`);
    if (st.size > maxBytes) {
      throw new UnreadableFileError(
        'file_too_large',
        `${file.path} is ${st.size} bytes, over the ${maxBytes}-byte limit (raise SHADOWSCAN_MAX_FILE_MB to read it).`,
      );
    }
    return { path: abs, release: async () => undefined };
  }

  /** Relative posix paths of regular files; symlinks are not followed (no loops, no escaping the root). */
  private async *walk(rel: string): AsyncGenerator<string> {
    const entries = await readdir(path.join(this.root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!this.excluded(`${child}/`)) yield* this.walk(child);
      } else if (e.isFile()) {
        yield child;
      }
    }
  }
}

function parseCursor(cursor: string | null): LocalCursor {
  if (!cursor) return { v: 2, files: {} };
  try {
    const parsed = JSON.parse(cursor) as {
      v?: number;
      files?: Record<string, [number, number | string, string]>;
    };
    if (parsed.files && typeof parsed.files === 'object' && (parsed.v === 1 || parsed.v === 2)) {
      // v1 kept mtimes in ms: such entries never match a ns mtime, so those files are hashed once
      // and, being unchanged, not reported.
      return {
        v: 2,
        files: Object.fromEntries(
          Object.entries(parsed.files).map(([k, [size, m, sha]]) => [k, [size, String(m), sha]]),
        ),
      };
    }
  } catch {
    // fall through: an unreadable cursor means a full enumeration, which is always safe
  }
  return { v: 2, files: {} };
}

export function sha256File(p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(p)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]);
  });
  await Promise.all(runners);
}
