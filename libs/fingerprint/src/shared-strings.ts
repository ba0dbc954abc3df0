import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Hashed, hashed, hashTextBytes } from './value.hash';

const CHUNK_BYTES = 4 * 1024 * 1024;
const RECENT_SLOTS = 8192;

/**
 * Spilled strings are read back a page at a time (with the next page, so that a string that starts in
 * it is whole), and the last few pages are kept: sheets use shared strings roughly in the order they
 * were stored, and a page costs little to read again when they do not.
 */
const PAGE_BYTES = 64 * 1024;
const CACHED_PAGES = 32;

export interface SharedStringsOptions {
  /** Bytes of string data kept in memory; beyond it, full chunks go to an unlinked temporary file. */
  memoryBytes?: number;
  spillDir?: string;
}

/** Strings are addressed by 32-bit offsets into the table's bytes, all chunks end to end. */
const MAX_TABLE_BYTES = 2 ** 32 - 1;

/** Strings per index block: a string's offset is its block's plus the lengths before it in the block. */
const BLOCK = 64;
/** A length byte with this value says: the length is in `longLengths`. */
const LONG = 255;

/**
 * A workbook's shared string table, kept as UTF-8 bytes in large chunks with about a byte of index
 * per string (its length) instead of one JS string each: some writers store one string per cell, so a
 * million rows may bring millions of them.
 * Past `memoryBytes`, chunks are written to a temporary file (unlinked at once, so nothing is left
 * behind) and read back through a small cache, so memory stays flat however many distinct strings a
 * workbook has.
 */
export class SharedStrings {
  private readonly chunks: Array<Buffer | null> = [];
  /** Where each chunk starts among the table's bytes; chunks abut, and none is empty. */
  private readonly chunkBase: number[] = [];
  private current: Buffer = Buffer.allocUnsafe(0);
  private used = 0;
  private inMemory = 0;
  /** Per string, its length in bytes (LONG: see longLengths); each string lies within one chunk. */
  private lengthOf = new Uint8Array(1024);
  private readonly longLengths = new Map<number, number>();
  /** Per block of BLOCK strings, where its first string starts among the table's bytes. */
  private blockStart = new Uint32Array(16);
  private count = 0;
  /**
   * Strings are mostly read in the order they were stored: the chunk the last look-up landed in, and
   * the string after it, whose start is known without adding up lengths.
   */
  private lastChunk = 0;
  private nextIndex = -1;
  private nextStart = 0;
  /**
   * The same for the furthest string read so far: a sheet reads its new strings in table order, in
   * between look-ups of older ones (a repeated customer name), which would otherwise send every new
   * string to the sum over its block.
   */
  private frontIndex = -1;
  private frontStart = 0;
  /**
   * Recently read strings, direct-mapped by index: the same few values (a status, a city) are read
   * over and over, and are decoded once.
   */
  private readonly recentTextOf = new Int32Array(RECENT_SLOTS).fill(-1);
  private readonly recentText: string[] = new Array<string>(RECENT_SLOTS).fill('');
  /** The same for hashEntry: the hashes of recently read strings, without their text. */
  private readonly recentIndex = new Int32Array(RECENT_SLOTS).fill(-1);
  private readonly recentHash = new Uint32Array(RECENT_SLOTS);
  private readonly recentCheck = new Uint32Array(RECENT_SLOTS);
  /** Normal form length, or -1 when the string needs the text path. */
  private readonly recentLength = new Int32Array(RECENT_SLOTS);
  private fd: number | null = null;
  private fileBytes = 0;
  private readonly fileOffsetOf = new Map<number, { offset: number; length: number }>();
  /** Pages read back, by chunk * 2^32 + page. */
  private readonly pages = new Map<number, Buffer>();
  private readonly memoryBytes: number;

  constructor(private readonly options: SharedStringsOptions = {}) {
    this.memoryBytes = options.memoryBytes ?? 8 * 1024 * 1024;
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
    // Most strings are a few bytes: a loop costs less than the call into Buffer.copy.
    if (end - start > 64) bytes.copy(this.current, at, start, end);
    else for (let i = start, to = at; i < end; i++, to++) this.current[to] = bytes[i];
  }

  /** Indexes the next string, `length` bytes long, and returns where in `current` to write it. */
  private reserve(length: number): number {
    if (this.used + length > this.current.length) this.newChunk(length);
    if (this.count === this.lengthOf.length) this.grow();
    const at = this.used;
    const start = (this.chunkBase[this.chunkBase.length - 1] ?? 0) + at;
    if (start + length > MAX_TABLE_BYTES) throw new Error('shared strings larger than 4 GiB');
    const index = this.count++;
    if (index % BLOCK === 0) this.blockStart[index / BLOCK] = start;
    this.lengthOf[index] = Math.min(length, LONG);
    if (length >= LONG) this.longLengths.set(index, length);
    this.used += length;
    return at;
  }

  private lengthAt(index: number): number {
    const length = this.lengthOf[index];
    return length === LONG ? (this.longLengths.get(index) as number) : length;
  }

  /** Where string `index` starts among the table's bytes. */
  private startOf(index: number): number {
    if (index === this.nextIndex) return this.nextStart;
    if (index === this.frontIndex) return this.frontStart;
    const first = index - (index % BLOCK);
    let start = this.blockStart[first / BLOCK];
    for (let i = first; i < index; i++) start += this.lengthAt(i);
    return start;
  }

  /** The chunk holding string `index` and where in it the string is, in `located`. */
  private locate(index: number): Buffer {
    const start = this.startOf(index);
    const length = this.lengthAt(index);
    this.nextIndex = index + 1;
    this.nextStart = start + length;
    if (this.nextIndex > this.frontIndex) {
      this.frontIndex = this.nextIndex;
      this.frontStart = this.nextStart;
    }
    let c = this.lastChunk;
    if (!(this.chunkBase[c] <= start && (c + 1 === this.chunkBase.length || this.chunkBase[c + 1] > start))) {
      let low = 0;
      let high = this.chunkBase.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if (this.chunkBase[mid] <= start) low = mid;
        else high = mid - 1;
      }
      c = low;
      this.lastChunk = c;
    }
    located.start = start - this.chunkBase[c];
    located.end = located.start + length;
    return this.chunkBytes(c);
  }

  /** The string at `index`, or undefined past the end. */
  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    const slot = index & (RECENT_SLOTS - 1);
    if (this.recentTextOf[slot] !== index) {
      this.recentTextOf[slot] = index;
      this.recentText[slot] = this.textAt(index) as string;
    }
    return this.recentText[slot];
  }

  /**
   * Sets `hashed` to the hashes of string `index`'s normal form, read from its bytes without
   * decoding it; false when it is out of range or needs the text path (get()).
   */
  hashEntry(index: number): boolean {
    if (!(index >= 0 && index < this.count)) return false;
    const slot = index & (RECENT_SLOTS - 1);
    if (this.recentIndex[slot] !== index) {
      this.recentIndex[slot] = index;
      const bytes = this.lengthOf[index] === 0 ? null : this.locate(index);
      if (bytes && hashTextBytes(bytes, located.start, located.end)) {
        this.recentHash[slot] = hashed[Hashed.Hash];
        this.recentCheck[slot] = hashed[Hashed.Check];
        this.recentLength[slot] = hashed[Hashed.Length];
      } else this.recentLength[slot] = -1;
    }
    if (this.recentLength[slot] < 0) return false;
    hashed[Hashed.Hash] = this.recentHash[slot];
    hashed[Hashed.Check] = this.recentCheck[slot];
    hashed[Hashed.Length] = this.recentLength[slot];
    return true;
  }

  /** The string at `index` (undefined past the end), decoded afresh, without the recent cache. */
  textAt(index: number): string | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    if (this.lengthOf[index] === 0) return '';
    const chunk = this.locate(index);
    return chunk.toString('utf8', located.start, located.end);
  }

  /** Closes the spill file, if any. */
  dispose(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private newChunk(needed: number): void {
    const last = this.chunks.length - 1;
    const spilled = last >= 0 && this.inMemory > this.memoryBytes ? this.spill(last) : null;
    // The spilled chunk's memory is written again rather than freed and another allocated: a freed
    // 4 MB block raises malloc's mmap threshold, and the blocks allocated after it then come from the
    // heap, which fragments and keeps RSS growing with the workbook's size.
    this.current =
      spilled && spilled.length >= needed ? spilled : Buffer.allocUnsafe(Math.max(CHUNK_BYTES, needed));
    const previous = this.chunkBase.length - 1;
    this.chunkBase.push(previous < 0 ? 0 : this.chunkBase[previous] + this.used);
    this.chunks.push(this.current);
    this.inMemory += this.current.length;
    this.used = 0;
  }

  /** Writes chunk `index` to the spill file and returns its memory, which it no longer uses. */
  private spill(index: number): Buffer | null {
    const chunk = this.chunks[index];
    if (!chunk) return null;
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
    return chunk;
  }

  /**
   * The bytes of chunk `c` that hold [located.start, located.end): the chunk itself while it is in
   * memory, else a page read back from the spill file (`located` is moved to be relative to it).
   */
  private chunkBytes(c: number): Buffer {
    const inMemory = this.chunks[c];
    if (inMemory) return inMemory;
    const where = this.fileOffsetOf.get(c);
    if (!where || this.fd === null) throw new Error(`shared string chunk ${c} is missing`);
    const from = located.start - (located.start % PAGE_BYTES);
    if (located.end - from > 2 * PAGE_BYTES) return this.readBack(where.offset, located.start);
    const key = c * 2 ** 32 + from / PAGE_BYTES;
    let page = this.pages.get(key);
    if (!page) {
      // The oldest page's memory is read into again: a fresh buffer per page read would be garbage
      // that only a full collection frees, and a large workbook reads thousands of pages.
      // Every page has memory of its own, 2 * PAGE_BYTES long, of which it views what it holds.
      let memory: ArrayBuffer | undefined;
      if (this.pages.size >= CACHED_PAGES) {
        const oldest = this.pages.keys().next().value as number;
        memory = this.pages.get(oldest)?.buffer as ArrayBuffer | undefined;
        this.pages.delete(oldest);
      }
      memory ??= Buffer.allocUnsafeSlow(2 * PAGE_BYTES).buffer as ArrayBuffer;
      page = Buffer.from(memory, 0, Math.min(2 * PAGE_BYTES, where.length - from));
      readSync(this.fd, page, 0, page.length, where.offset + from);
      this.pages.set(key, page);
    }
    located.start -= from;
    located.end -= from;
    return page;
  }

  /** A string longer than a page, read back by itself. */
  private readBack(chunkOffset: number, from: number): Buffer {
    const bytes = Buffer.allocUnsafe(located.end - located.start);
    readSync(this.fd as number, bytes, 0, bytes.length, chunkOffset + from);
    located.start = 0;
    located.end = bytes.length;
    return bytes;
  }

  private grow(): void {
    const lengthOf = new Uint8Array(this.lengthOf.length * 2);
    lengthOf.set(this.lengthOf);
    this.lengthOf = lengthOf;
    const blockStart = new Uint32Array(lengthOf.length / BLOCK);
    blockStart.set(this.blockStart);
    this.blockStart = blockStart;
  }
}

/** Where locate() found a string in its chunk. */
const located = { start: 0, end: 0 };
