import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { workerAnswer } from './worker.answer';

/** Compound File Binary (OLE2) signature: legacy .xls, and the container Office uses for encrypted files. */
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** The stream name inside a CFB container that holds an encrypted OOXML package. */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

export interface FileProbe {
  sha256: string;
  /** Starts with the CFB signature. */
  isCfb: boolean;
  /** A CFB file holding an encrypted OOXML package (only looked for when isCfb). */
  hasEncryptedPackage: boolean;
}

/** One pass over the bytes: the hash, and the container sniffing that must happen before any parser. */
export async function probeFile(path: string, signal: AbortSignal): Promise<FileProbe> {
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let isCfb: boolean | undefined;
  let hasEncryptedPackage = false;
  // The marker may straddle two chunks.
  let tail = Buffer.alloc(0);

  for await (const chunk of createReadStream(path, { signal })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    if (isCfb === undefined) {
      head = Buffer.concat([head, bytes]);
      if (head.length >= CFB_MAGIC.length) isCfb = head.subarray(0, CFB_MAGIC.length).equals(CFB_MAGIC);
    }
    if (isCfb && !hasEncryptedPackage) {
      const window = Buffer.concat([tail, bytes]);
      hasEncryptedPackage = window.includes(ENCRYPTED_PACKAGE);
      tail = window.subarray(Math.max(0, window.length - ENCRYPTED_PACKAGE.length + 1));
    }
  }
  return { sha256: hash.digest('hex'), isCfb: isCfb ?? false, hasEncryptedPackage };
}

/** From this size a file's SHA-256 is computed in a thread of its own (see fileDigest). */
export const THREADED_DIGEST_BYTES = 8 * 1024 * 1024;

/**
 * Runs in a worker thread: the file's SHA-256, read into one reused buffer (a stream's fresh chunk per
 * read would pile up as garbage until the thread's heap noticed: 60 MB more peak RSS on an 80 MB file).
 * Hashing is synchronous work on the thread that calls it (~3 ms per MB here), and would otherwise
 * come on top of the parse.
 */
const DIGEST_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
try {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const fd = openSync(workerData.path, 'r');
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  parentPort.postMessage({ sha256: hash.digest('hex') });
} catch (error) {
  parentPort.postMessage({ error: error.message, code: error.code });
}
`;

/**
 * The SHA-256 of a file, as hex, computed while the caller reads the file: a large file
 * (THREADED_DIGEST_BYTES or more) is hashed in a thread of its own, so that the parse and the digest
 * run side by side; a small one is streamed here, where a thread would cost more than it saves.
 * Stops (rejecting with the signal's reason) when `signal` aborts.
 */
export function fileDigest(path: string, size: number, signal: AbortSignal): Promise<string> {
  if (size < THREADED_DIGEST_BYTES) return streamDigest(path, signal);
  const worker = new Worker(DIGEST_SOURCE, { eval: true, workerData: { path } });
  return workerAnswer(worker, signal, {
    message: (message: { sha256?: string; error?: string; code?: string }) => {
      if (message.sha256) return message.sha256;
      throw Object.assign(new Error(message.error ?? 'the digest thread failed'), { code: message.code });
    },
    error: (error) => error,
    exit: (code) => new Error(`the digest thread stopped (exit code ${code})`),
  });
}

async function streamDigest(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 256 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
