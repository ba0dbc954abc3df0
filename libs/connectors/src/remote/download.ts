import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UnreadableFileError } from '@shadowscan/domain';

/** A downloaded copy on local disk; `remove` deletes it. */
export interface TempCopy {
  path: string;
  remove(): Promise<void>;
}

/**
 * Streams a download into the process's private temporary folder, failing with `file_too_large` as soon as more
 * than `maxBytes` arrive: a lying or missing Content-Length cannot fill the disk.
 */
export async function downloadToTemp(
  body: Readable | WebReadableStream<Uint8Array>,
  opts: { maxBytes: number; extension: string; displayPath: string },
): Promise<TempCopy> {
  const file = path.join(
    downloadDir(),
    `${randomUUID()}.${opts.extension.replace(/[^a-z0-9]/gi, '') || 'bin'}`,
  );
  const remove = () => rm(file, { force: true });
  let received = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (received > opts.maxBytes) {
        done(
          new UnreadableFileError(
            'file_too_large',
            `${opts.displayPath} is over the ${opts.maxBytes}-byte limit (raise SHADOWSCAN_MAX_FILE_MB to read it).`,
          ),
        );
      } else done(null, chunk);
    },
  });
  const source = body instanceof Readable ? body : Readable.fromWeb(body);
  try {
    await pipeline(source, cap, createWriteStream(file));
  } catch (e) {
    await remove();
    throw e;
  }
  return { path: file, remove };
}

export function tooLarge(displayPath: string, size: number, maxBytes: number): UnreadableFileError {
  return new UnreadableFileError(
    'file_too_large',
    `${displayPath} is ${size} bytes, over the ${maxBytes}-byte limit (raise SHADOWSCAN_MAX_FILE_MB to read it).`,
  );
}

let dir: string | null = null;

/** One private (0700) folder per process for downloaded copies, removed when the process exits. */
function downloadDir(): string {
  if (!dir) {
    const created = mkdtempSync(path.join(tmpdir(), 'shadowscan-dl-'));
    dir = created;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return dir;
}
