import type { FileRef } from '@shadowscan/domain';
import type { OpenedFile } from '../source-connector.port';
import type { TempCopy } from './download';

type Wanted = Pick<FileRef, 'id' | 'path' | 'version'> & { size?: number };

interface Entry {
  version: string;
  maxBytes: number;
  pos: number;
  bytes: number;
  copy: Promise<TempCopy>;
}

/** Completed read-ahead copies held per download slot: room to run ahead while one download is throttled. */
const HELD_PER_SLOT = 8;

/**
 * Sequential read-ahead for remote sources, like a page cache's: when the files are opened in the
 * order the last listing returned them (the embedded pipeline analyses pending files by path), the
 * next downloads are already under way, so request latency and throttling waits overlap with the
 * analysis. Random access (files spread over many workers) never triggers it, so nothing is
 * downloaded twice there. At most `depth` downloads run ahead at once, and at most `depth × 8` files
 * and `maxHeldBytes` bytes (by listed size) wait on disk for the pipeline.
 */
export class ReadAhead {
  private order: Wanted[] = [];
  private readonly position = new Map<string, number>();
  private readonly cache = new Map<string, Entry>();
  private lastPos = -1;
  private sequential = false;
  private inFlight = 0;
  private heldBytes = 0;
  private maxBytes = 0;
  /** Opens served by a download already started, opens that had to start their own, time opens waited, opens that failed. */
  readonly stats = { hits: 0, misses: 0, waitedMs: 0, failed: 0, evicted: 0, errors: [] as string[] };

  constructor(
    private readonly depth: number,
    private readonly maxHeldBytes: number,
    private readonly fetch: (file: Wanted, maxBytes: number) => Promise<TempCopy>,
  ) {}

  /** The files the pipeline is about to analyse, in its order (by path). */
  setOrder(files: Wanted[]): void {
    this.clear();
    this.order = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.order.forEach((f, i) => this.position.set(f.id, i));
  }

  async open(file: Wanted, maxBytes: number): Promise<OpenedFile> {
    let entry = this.cache.get(file.id);
    if (entry) this.forget(file.id, entry);
    if (entry && (entry.version !== file.version || entry.maxBytes !== maxBytes)) {
      discard(entry);
      entry = undefined;
    }
    const pos = this.position.get(file.id);
    if (this.depth > 0 && pos !== undefined) {
      this.sequential = this.lastPos >= 0 && Math.abs(pos - this.lastPos) <= this.depth;
      this.lastPos = Math.max(pos, this.sequential ? this.lastPos : pos);
      this.maxBytes = maxBytes;
      if (this.sequential) this.pump();
    }
    if (entry) this.stats.hits++;
    else this.stats.misses++;
    const started = Date.now();
    let copy: TempCopy;
    try {
      copy = await (entry?.copy ?? this.fetch(file, maxBytes));
    } catch (e) {
      this.stats.failed++;
      const message = String((e as Error)?.message ?? e).slice(0, 200);
      if (this.stats.errors.length < 5 && !this.stats.errors.includes(message))
        this.stats.errors.push(message);
      throw e;
    } finally {
      this.stats.waitedMs += Date.now() - started;
    }
    return { path: copy.path, release: copy.remove };
  }

  private pump(): void {
    // Whatever fell behind was skipped (another worker took it, or it vanished): drop it.
    for (const [id, e] of this.cache) {
      if (e.pos < this.lastPos - this.depth) {
        this.stats.evicted++;
        this.forget(id, e);
        discard(e);
      }
    }
    for (let i = this.lastPos + 1; i < this.order.length && this.inFlight < this.depth; i++) {
      if (this.cache.size >= this.depth * HELD_PER_SLOT) break;
      const f = this.order[i];
      if (this.cache.has(f.id)) continue;
      const bytes = f.size ?? 0;
      if (bytes > this.maxBytes || this.heldBytes + bytes > this.maxHeldBytes) break;
      this.inFlight++;
      const copy = this.fetch(f, this.maxBytes);
      const settled = () => {
        this.inFlight--;
        if (this.sequential) this.pump();
      };
      copy.then(settled, settled); // a failure surfaces when (if) the pipeline opens the file
      this.cache.set(f.id, { version: f.version, maxBytes: this.maxBytes, pos: i, bytes, copy });
      this.heldBytes += bytes;
    }
  }

  private forget(id: string, e: Entry): void {
    this.cache.delete(id);
    this.heldBytes -= e.bytes;
  }

  private clear(): void {
    for (const e of this.cache.values()) discard(e);
    this.cache.clear();
    this.position.clear();
    this.heldBytes = 0;
    this.lastPos = -1;
    this.sequential = false;
  }
}

function discard(e: Entry): void {
  e.copy.then((c) => c.remove()).catch(() => undefined);
}
