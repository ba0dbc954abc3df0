import { open } from 'node:fs/promises';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const MAX_COMMENT = 0xffff;
const U32_MAX = 0xffffffff;
/** Far more than any workbook needs (a directory entry is ~80 bytes); beyond it the archive is hostile. */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

export interface ZipEntry {
  name: string;
  /** Offset of the entry's local header in the file. */
  offset: number;
  /** 0 stored, 8 deflated; anything else is not used by Office. */
  method: number;
  compressedSize: number;
  /** As declared; an inflater must not trust it. */
  uncompressedSize: number;
  /** General purpose flag bit 0: the entry is encrypted (zip encryption, not Office's). */
  encrypted: boolean;
}

export interface ZipDirectory {
  /** In the order the directory lists them. */
  entries: ZipEntry[];
  /** Offset of the central directory, which ends the entries' data. */
  directoryOffset: number;
  /** Sum of the uncompressed sizes the archive declares. */
  uncompressedBytes: number;
}

/** The archive is not a readable zip: no end record, or a directory that does not add up. */
export class InvalidZipError extends Error {
  override readonly name = 'InvalidZipError';
}

/**
 * Reads the zip central directory (at the end of the file) without inflating anything. The streaming
 * reader only looks at local headers, so this is where a truncated archive is recognised at once, where
 * the declared expanded size is checked before any byte is inflated, and where the entries are located
 * so that they can be streamed in the order the reader needs.
 */
export async function readZipDirectory(path: string, size: number): Promise<ZipDirectory> {
  const handle = await open(path, 'r');
  try {
    const read = async (position: number, length: number): Promise<Buffer> => {
      if (position < 0 || length < 0 || position + length > size) throw new InvalidZipError('out of bounds');
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      if (bytesRead !== length) throw new InvalidZipError('short read');
      return buffer;
    };

    const tailLength = Math.min(size, EOCD_SIZE + MAX_COMMENT);
    if (tailLength < EOCD_SIZE) throw new InvalidZipError('too small');
    const tailStart = size - tailLength;
    const tail = await read(tailStart, tailLength);
    let eocd = -1;
    for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new InvalidZipError('no end of central directory');

    let count: number = tail.readUInt16LE(eocd + 10);
    let directorySize: number = tail.readUInt32LE(eocd + 12);
    let directoryOffset: number = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || directorySize === U32_MAX || directoryOffset === U32_MAX) {
      const locator = await read(tailStart + eocd - 20, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw new InvalidZipError('no zip64 locator');
      const record = await read(Number(locator.readBigUInt64LE(8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new InvalidZipError('no zip64 end record');
      count = Number(record.readBigUInt64LE(32));
      directorySize = Number(record.readBigUInt64LE(40));
      directoryOffset = Number(record.readBigUInt64LE(48));
    }
    if (directorySize > MAX_DIRECTORY_BYTES) throw new InvalidZipError('central directory too large');

    const directory = await read(directoryOffset, directorySize);
    const entries: ZipEntry[] = [];
    const offsets = new Set<number>();
    let uncompressedBytes = 0;
    let at = 0;
    for (let n = 0; n < count; n++) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_ENTRY_SIGNATURE) {
        throw new InvalidZipError('damaged central directory');
      }
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const nameStart = at + 46;
      const extraStart = nameStart + nameLength;
      if (extraStart + extraLength + commentLength > directory.length) {
        throw new InvalidZipError('damaged central directory');
      }
      const sizes = zip64Sizes(
        {
          uncompressed: directory.readUInt32LE(at + 24),
          compressed: directory.readUInt32LE(at + 20),
          offset: directory.readUInt32LE(at + 42),
        },
        directory.subarray(extraStart, extraStart + extraLength),
      );
      if (sizes.offset >= directoryOffset || offsets.has(sizes.offset)) {
        throw new InvalidZipError('entry outside the archive');
      }
      offsets.add(sizes.offset);
      entries.push({
        name: directory.toString('utf8', nameStart, extraStart),
        offset: sizes.offset,
        method: directory.readUInt16LE(at + 10),
        compressedSize: sizes.compressed,
        uncompressedSize: sizes.uncompressed,
        encrypted: (directory.readUInt16LE(at + 8) & 1) === 1,
      });
      uncompressedBytes += sizes.uncompressed;
      at = extraStart + extraLength + commentLength;
    }
    return { entries, directoryOffset, uncompressedBytes };
  } finally {
    await handle.close();
  }
}

interface EntrySizes {
  uncompressed: number;
  compressed: number;
  offset: number;
}

/**
 * A maxed-out header field means the real value is in the zip64 extra field, which holds only the
 * maxed fields, in the order uncompressed size, compressed size, local header offset.
 */
function zip64Sizes(header: EntrySizes, extra: Buffer): EntrySizes {
  const maxed = (['uncompressed', 'compressed', 'offset'] as const).filter((k) => header[k] === U32_MAX);
  if (maxed.length === 0) return header;
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      if (length < maxed.length * 8 || at + 4 + length > extra.length) break;
      const sizes = { ...header };
      maxed.forEach((k, i) => (sizes[k] = Number(extra.readBigUInt64LE(at + 4 + i * 8))));
      return sizes;
    }
    at += 4 + length;
  }
  throw new InvalidZipError('zip64 sizes missing');
}
