import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type TransformOptions } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
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
  if (entry.encrypted) throw new InvalidZipError(`${entry.name} uses zip encryption`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new InvalidZipError(`${entry.name} uses compression method ${entry.method}`);
  }
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

/** A whole (small) entry as text, refusing more than `maxBytes`. */
export async function readEntryText(
  path: string,
  entry: ZipEntry,
  budget: InflateBudget,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<string> {
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
