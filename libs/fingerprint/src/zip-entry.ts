import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type TransformOptions } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { InvalidZipError, type ZipEntry } from './zip-directory';

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const CHUNK_BYTES = 256 * 1024;
/**
 * Inflated chunks that may wait for the reader: inflating runs on libuv's thread pool, and with room
 * to run ahead it inflates the next chunks while the reader parses this one (at the default 16 KB it
 * waited for every chunk to be taken, and the two took turns). In object mode each read hands over
 * one chunk as inflated; in byte mode a read would concatenate all the waiting chunks into a new
 * buffer, a copy of everything inflated.
 */
const INFLATED_AHEAD_CHUNKS = 16;
/** zlib passes stream options on to its Transform; its typings only list zlib's own. */
const INFLATE_STREAM: Pick<TransformOptions, 'readableHighWaterMark' | 'readableObjectMode'> = {
  readableObjectMode: true,
  readableHighWaterMark: INFLATED_AHEAD_CHUNKS,
};
/** Some writers declare sizes loosely; a bomb exceeds them by orders of magnitude. */
const DECLARED_SIZE_SLACK = 64 * 1024;

/** An entry inflates to more than the archive declared or the limits allow: a zip bomb, or damage. */
export class ExpansionError extends Error {
  override readonly name = 'ExpansionError';
  constructor(
    message: string,
    readonly expanded: number,
    readonly limit: number,
  ) {
    super(message);
  }
}

/** Shared by all entries of one archive: the decompressed bytes the whole read may produce. */
export class InflateBudget {
  used = 0;
  constructor(readonly limit: number) {}

  take(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new ExpansionError(`inflates past ${this.limit} bytes`, this.used, this.limit);
    }
  }
}

/** An entry this reader can inflate: not encrypted, stored or deflated. */
function assertReadable(entry: ZipEntry): void {
  if (entry.encrypted) throw new InvalidZipError(`${entry.name} uses zip encryption`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new InvalidZipError(`${entry.name} uses compression method ${entry.method}`);
  }
}

async function dataStart(path: string, entry: ZipEntry): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(LOCAL_HEADER_SIZE);
    const { bytesRead } = await handle.read(header, 0, LOCAL_HEADER_SIZE, entry.offset);
    if (bytesRead !== LOCAL_HEADER_SIZE || header.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
      throw new InvalidZipError(`no local header for ${entry.name}`);
    }
    return entry.offset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await handle.close();
  }
}

/**
 * The inflated bytes of one entry, streamed. Reads only the entry's own compressed bytes (random
 * access through the central directory), so parts are read in whatever order the reader wants.
 * Stops with ExpansionError as soon as the entry inflates past its declared size or the budget.
 */
export async function* readEntry(
  path: string,
  entry: ZipEntry,
  budget: InflateBudget,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  assertReadable(entry);
  const start = await dataStart(path, entry);
  if (entry.compressedSize === 0) return;
  const source = createReadStream(path, {
    start,
    end: start + entry.compressedSize - 1,
    highWaterMark: CHUNK_BYTES,
    signal,
  });
  const stream =
    entry.method === 0
      ? source
      : pipeline(source, createInflateRaw({ chunkSize: CHUNK_BYTES, ...INFLATE_STREAM }), () => undefined);
  let inflated = 0;
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      inflated += bytes.length;
      if (inflated > entry.uncompressedSize + DECLARED_SIZE_SLACK) {
        throw new ExpansionError(
          `${entry.name} inflates past its declared ${entry.uncompressedSize} bytes`,
          inflated,
          entry.uncompressedSize,
        );
      }
      budget.take(bytes.length);
      yield bytes;
    }
  } finally {
    source.destroy();
    stream.destroy();
  }
}

/**
 * Entries up to this compressed size are read in one call and inflated in one synchronous step: the
 * workbook's small parts (relationships, workbook, styles, properties), for which opening a stream and
 * an asynchronous inflater took longer than the work, a few milliseconds per file in all.
 */
const WHOLE_READ_BYTES = 256 * 1024;
/** Room for a local header's file name and extra field, read with the data in the same call. */
const LOCAL_NAMES_ROOM = 1024;

/** A whole (small) entry as text, refusing more than `maxBytes`. */
export async function readEntryText(
  path: string,
  entry: ZipEntry,
  budget: InflateBudget,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<string> {
  if (entry.compressedSize <= WHOLE_READ_BYTES) {
    return (await readWholeEntry(path, entry, budget, maxBytes, signal)).toString('utf8');
  }
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of readEntry(path, entry, budget, signal)) {
    length += chunk.length;
    if (length > maxBytes) {
      throw new ExpansionError(`${entry.name} is larger than ${maxBytes} bytes`, length, maxBytes);
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** A small entry's inflated bytes, read and inflated at once, with readEntry's checks and limits. */
async function readWholeEntry(
  path: string,
  entry: ZipEntry,
  budget: InflateBudget,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  assertReadable(entry);
  signal?.throwIfAborted();
  const handle = await open(path, 'r');
  let data: Buffer;
  try {
    const room = LOCAL_HEADER_SIZE + LOCAL_NAMES_ROOM + entry.compressedSize;
    const buffer = Buffer.allocUnsafe(room);
    const { bytesRead } = await handle.read(buffer, 0, room, entry.offset);
    if (bytesRead < LOCAL_HEADER_SIZE || buffer.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
      throw new InvalidZipError(`no local header for ${entry.name}`);
    }
    const start = LOCAL_HEADER_SIZE + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
    if (start + entry.compressedSize <= bytesRead)
      data = buffer.subarray(start, start + entry.compressedSize);
    else {
      // Names longer than the room read with them: the data again, where it starts.
      data = Buffer.allocUnsafe(entry.compressedSize);
      const again = await handle.read(data, 0, data.length, entry.offset + start);
      if (again.bytesRead < data.length) throw new InvalidZipError(`${entry.name} is cut short`);
    }
  } finally {
    await handle.close();
  }
  const declared = entry.uncompressedSize + DECLARED_SIZE_SLACK;
  let bytes = data;
  if (entry.method === 8) {
    try {
      // One byte past the limit is enough to know it is broken.
      bytes = inflateRawSync(data, { maxOutputLength: Math.min(declared, maxBytes) + 1 });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') throw error;
      throw tooLarge(entry, Math.min(declared, maxBytes) + 1, maxBytes);
    }
  }
  if (bytes.length > declared || bytes.length > maxBytes) throw tooLarge(entry, bytes.length, maxBytes);
  budget.take(bytes.length);
  return bytes;
}

/** The error for an entry that inflates to `length` bytes, past its declared size or `maxBytes`. */
function tooLarge(entry: ZipEntry, length: number, maxBytes: number): ExpansionError {
  return length > entry.uncompressedSize + DECLARED_SIZE_SLACK
    ? new ExpansionError(
        `${entry.name} inflates past its declared ${entry.uncompressedSize} bytes`,
        length,
        entry.uncompressedSize,
      )
    : new ExpansionError(`${entry.name} is larger than ${maxBytes} bytes`, length, maxBytes);
}
