import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { hash32 } from '@shadowscan/domain';
import { normaliseText } from './normalise';

/** Bound once: a call through the library index's re-export getter costs more than the hash itself. */
const hashValue = hash32;

const CHUNK_BYTES = 4 * 1024 * 1024;
const RECENT_SLOTS = 8192;

export interface SharedString {
  index: number;
  text: string;
  /** normaliseValue(text), and its hash32. */
  norm: string;
  hash: number;
}
/** Spilled chunks kept in memory: sheets use shared strings roughly in the order they were stored. */
const CACHED_CHUNKS = 4;

export interface SharedStringsOptions {
  /** Bytes of string data kept in memory; beyond it, full chunks go to an unlinked temporary file. */
  memoryBytes?: number;
  spillDir?: string;
}

/**
 * A workbook's shared string table, kept as UTF-8 bytes in large chunks with a 12-byte index entry
 * per string instead of one JS string each. Past `memoryBytes`, chunks are written to a temporary
 * file (unlinked at once, so nothing is left behind) and read back through a small cache, so memory
 * stays flat however many distinct strings a workbook has.
 */
export class SharedStrings {
  private readonly chunks: Array<Buffer | null> = [];
  private current: Buffer = Buffer.allocUnsafe(0);
  private used = 0;
  private inMemory = 0;
  private chunkOf = new Uint32Array(1024);
  private offsetOf = new Uint32Array(1024);
  private lengthOf = new Uint32Array(1024);
  private count = 0;
  /**
   * Recently read strings with their normal form, direct-mapped by index: the same few values (a
   * status, a city) are read over and over, and are decoded and normalised once.
   */
  private readonly recent: Array<SharedString | undefined> = new Array<SharedString | undefined>(
    RECENT_SLOTS,
  );
  private fd: number | null = null;
  private fileBytes = 0;
  private readonly fileOffsetOf = new Map<number, { offset: number; length: number }>();
  private readonly cache = new Map<number, Buffer>();
  private readonly memoryBytes: number;

  constructor(private readonly options: SharedStringsOptions = {}) {
    this.memoryBytes = options.memoryBytes ?? 16 * 1024 * 1024;
  }

  get length(): number {
    return this.count;
  }

  push(text: string): void {
    // Reserved first: reserving may start a new chunk.
    const at = this.reserve(Buffer.byteLength(text));
    this.current.write(text, at, 'utf8');
  }

  /** Adds a string given as its UTF-8 bytes `bytes[start, end)`, without decoding it. */
  pushBytes(bytes: Buffer, start: number, end: number): void {
    const at = this.reserve(end - start);
    bytes.copy(this.current, at, start, end);
  }

  /** Indexes the next string, `length` bytes long, and returns where in `current` to write it. */
  private reserve(length: number): number {
    if (this.used + length > this.current.length) this.newChunk(length);
    if (this.count === this.chunkOf.length) this.grow();
    const at = this.used;
    this.chunkOf[this.count] = this.chunks.length - 1;
    this.offsetOf[this.count] = at;
    this.lengthOf[this.count] = length;
    this.used += length;
    this.count++;
    return at;
  }

  get(index: number): string | undefined {
    return this.entry(index)?.text;
  }

  /** The string at `index` with normaliseValue(text) and its hash32, or undefined past the end. */
  entry(index: number): SharedString | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    const slot = index & (RECENT_SLOTS - 1);
    const hit = this.recent[slot];
    if (hit !== undefined && hit.index === index) return hit;
    const start = this.offsetOf[index];
    const chunk = this.chunk(this.chunkOf[index]);
    const text = chunk.toString('utf8', start, start + this.lengthOf[index]);
    const norm = normaliseText(text);
    const entry: SharedString = { index, text, norm, hash: hashValue(norm) };
    this.recent[slot] = entry;
    return entry;
  }

  /** Closes the spill file, if any. */
  dispose(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private newChunk(needed: number): void {
    const last = this.chunks.length - 1;
    if (last >= 0 && this.inMemory > this.memoryBytes) this.spill(last);
    this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, needed));
    this.chunks.push(this.current);
    this.inMemory += this.current.length;
    this.used = 0;
  }

  private spill(index: number): void {
    const chunk = this.chunks[index];
    if (!chunk) return;
    if (this.fd === null) {
      const path = join(
        this.options.spillDir ?? tmpdir(),
        `shadowscan-strings-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      );
      this.fd = openSync(path, 'w+', 0o600);
      unlinkSync(path);
    }
    const length = this.used;
    writeSync(this.fd, chunk, 0, length, this.fileBytes);
    this.fileOffsetOf.set(index, { offset: this.fileBytes, length });
    this.fileBytes += length;
    this.chunks[index] = null;
    this.inMemory -= chunk.length;
  }

  private chunk(index: number): Buffer {
    const inMemory = this.chunks[index];
    if (inMemory) return inMemory;
    const cached = this.cache.get(index);
    if (cached) return cached;
    const where = this.fileOffsetOf.get(index);
    if (!where || this.fd === null) throw new Error(`shared string chunk ${index} is missing`);
    const buffer = Buffer.allocUnsafe(where.length);
    readSync(this.fd, buffer, 0, where.length, where.offset);
    if (this.cache.size >= CACHED_CHUNKS) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(index, buffer);
    return buffer;
  }

  private grow(): void {
    const widen = (a: Uint32Array) => {
      const b = new Uint32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.chunkOf = widen(this.chunkOf);
    this.offsetOf = widen(this.offsetOf);
    this.lengthOf = widen(this.lengthOf);
  }
}
