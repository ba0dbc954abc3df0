import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { readChunks } from './file.chunks';

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

const READ_CHUNK_BYTES = 256 * 1024;

/** One pass over the bytes: the hash, and the container sniffing that must happen before any parser. */
export async function probeFile(path: string, signal: AbortSignal): Promise<FileProbe> {
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let isCfb: boolean | undefined;
  let hasEncryptedPackage = false;
  // The marker may straddle two chunks.
  let tail = Buffer.alloc(0);

  // Chunks are read into reused buffers: what is kept of one (head, tail) is a copy (Buffer.concat).
  for await (const bytes of readChunks(path, READ_CHUNK_BYTES, signal)) {
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
 * Runs in the digest thread: each message names a file, whose SHA-256 it posts back, read into one
 * reused buffer (a stream's fresh chunk per read would pile up as garbage until the thread's heap
 * noticed: 60 MB more peak RSS on an 80 MB file). Between reads it looks at the job's stop flag, a
 * shared Int32Array that the caller sets when the job is no longer wanted.
 */
const DIGEST_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, openSync, readSync } = require('node:fs');
const buffer = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', ({ id, path, stop }) => {
  try {
    const hash = createHash('sha256');
    const fd = openSync(path, 'r');
    try {
      for (let n; !Atomics.load(stop, 0) && (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
        hash.update(buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    parentPort.postMessage(Atomics.load(stop, 0) ? { id, stopped: true } : { id, sha256: hash.digest('hex') });
  } catch (error) {
    parentPort.postMessage({ id, error: error.message, code: error.code });
  }
});
`;

interface DigestAnswer {
  id: number;
  sha256?: string;
  stopped?: boolean;
  error?: string;
  code?: string;
}

interface DigestJob {
  resolve(sha256: string): void;
  reject(error: Error): void;
  /** Set to 1 when the answer is no longer wanted: the thread stops reading at its next chunk. */
  stop: Int32Array;
  signal: AbortSignal;
  onAbort(): void;
}

/**
 * A thread that hashes large files one after another, started with the first one and stopped once
 * it has had nothing to do for IDLE_MS. Starting a thread per file cost ~60 ms of CPU and ~1,750 page
 * faults each time (a new isolate); a scanner reading one large file after another spent that on
 * every one (measured, a process's third read: CPU for the bench CSV 0.44 -> 0.33 s, for the bench
 * workbook 0.84 -> 0.77 s). The price: the idle thread's ~8 MB stay resident until it stops, so a
 * process that reads one large file peaks ~8 MB higher. It holds the process open only while it has
 * work.
 */
class DigestThread {
  private static readonly IDLE_MS = 5_000;
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, DigestJob>();
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;

  digest(path: string, signal: AbortSignal): Promise<string> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      const job: DigestJob = {
        resolve,
        reject,
        stop: new Int32Array(new SharedArrayBuffer(4)),
        signal,
        onAbort: () => this.settle(id)?.reject(signal.reason as Error),
      };
      signal.addEventListener('abort', job.onAbort, { once: true });
      this.jobs.set(id, job);
      worker.postMessage({ id, path, stop: job.stop });
    });
  }

  private start(): Worker {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (!this.worker) {
      const worker = new Worker(DIGEST_SOURCE, { eval: true });
      worker.on('message', (answer: DigestAnswer) => this.answer(answer));
      // A thread that fails takes its jobs with it; the next file starts another.
      worker.once('error', (error: Error) => this.fail(worker, error));
      worker.once('exit', (code: number) =>
        this.fail(worker, new Error(`the digest thread stopped (exit code ${code})`)),
      );
      this.worker = worker;
    }
    this.worker.ref();
    return this.worker;
  }

  private answer(answer: DigestAnswer): void {
    const job = this.settle(answer.id);
    if (!job || answer.stopped) return;
    if (answer.sha256) job.resolve(answer.sha256);
    else
      job.reject(Object.assign(new Error(answer.error ?? 'the digest thread failed'), { code: answer.code }));
  }

  /** Takes a job off the books (stopping its read if it is still under way); null if it was not on them. */
  private settle(id: number): DigestJob | null {
    const job = this.jobs.get(id);
    if (!job) return null;
    this.jobs.delete(id);
    Atomics.store(job.stop, 0, 1);
    job.signal.removeEventListener('abort', job.onAbort);
    if (this.jobs.size === 0 && this.worker) {
      this.worker.unref();
      if (this.idle) clearTimeout(this.idle);
      const worker = this.worker;
      this.idle = setTimeout(() => {
        if (this.worker === worker && this.jobs.size === 0) {
          this.worker = null;
          void worker.terminate();
        }
      }, DigestThread.IDLE_MS);
      this.idle.unref();
    }
    return job;
  }

  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const id of [...this.jobs.keys()]) this.settle(id)?.reject(error);
  }
}

const digestThread = new DigestThread();

/**
 * The SHA-256 of a file, as hex, computed while the caller reads the file: a large file
 * (THREADED_DIGEST_BYTES or more) is hashed in a thread (one per process, kept while files come), so
 * that the parse and the digest run side by side; a small one is streamed here, where a thread would
 * cost more than it saves. Stops (rejecting with the signal's reason) when `signal` aborts.
 */
export function fileDigest(path: string, size: number, signal: AbortSignal): Promise<string> {
  if (size < THREADED_DIGEST_BYTES) return streamDigest(path, signal);
  return digestThread.digest(path, signal);
}

async function streamDigest(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of readChunks(path, READ_CHUNK_BYTES, signal)) hash.update(chunk);
  return hash.digest('hex');
}
