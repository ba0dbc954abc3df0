import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';
import { fileDigest, THREADED_DIGEST_BYTES } from './file.probe';
import { fingerprintFile } from './index';
import { useTempDir, writeBytes } from './testing.fixtures';

const tmp = useTempDir();

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('fileDigest', () => {
  it('gives the SHA-256 of small files and of large ones (hashed in a thread)', async () => {
    const signal = new AbortController().signal;
    for (const size of [0, 1000, THREADED_DIGEST_BYTES + 12_345]) {
      const bytes = randomBytes(size);
      const path = tmp.path(`digest-${size}.bin`);
      await writeBytes(path, bytes);
      await expect(fileDigest(path, size, signal)).resolves.toBe(sha256(bytes));
    }
  });

  it('stops with the reason it is given, and reports a file that went missing', async () => {
    const path = tmp.path('digest-big.bin');
    await writeBytes(path, randomBytes(THREADED_DIGEST_BYTES));
    const stop = new AbortController();
    const digest = fileDigest(path, THREADED_DIGEST_BYTES, stop.signal);
    stop.abort(new Error('timed out'));
    await expect(digest).rejects.toThrow('timed out');
    const missing = fileDigest(tmp.path('gone.bin'), THREADED_DIGEST_BYTES, new AbortController().signal);
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('hashes large files given at once, each to its own digest, and goes on after one is stopped', async () => {
    const files = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const bytes = randomBytes(THREADED_DIGEST_BYTES + n);
        const path = tmp.path(`many-${n}.bin`);
        await writeBytes(path, bytes);
        return { path, size: bytes.length, sha256: sha256(bytes) };
      }),
    );
    const stop = new AbortController();
    const stopped = fileDigest(files[0].path, files[0].size, stop.signal);
    const others = files.slice(1).map((f) => fileDigest(f.path, f.size, new AbortController().signal));
    stop.abort(new Error('not wanted'));
    await expect(stopped).rejects.toThrow('not wanted');
    await expect(Promise.all(others)).resolves.toEqual(files.slice(1).map((f) => f.sha256));
    // And the thread is still there for the next file.
    await expect(fileDigest(files[0].path, files[0].size, new AbortController().signal)).resolves.toBe(
      files[0].sha256,
    );
  }, 30_000);

  it('does not keep a process alive once its digests are done', async () => {
    // The module in a process of its own (compiled here with the one module it imports: they need
    // nothing but Node), which reports how long it ran on after its digest: the thread is kept for
    // later files, but must not hold the process open, which would stall every command that hashed
    // a large file.
    for (const name of ['file.probe', 'file.chunks']) {
      const source = readFileSync(join(__dirname, `${name}.ts`), 'utf8');
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS },
      }).outputText;
      await writeBytes(tmp.path(`${name}.js`), js);
    }
    const modulePath = tmp.path('file.probe.js');
    const path = tmp.path('exit.bin');
    await writeBytes(path, randomBytes(THREADED_DIGEST_BYTES));
    const script = `
      const { fileDigest } = require(${JSON.stringify(modulePath)});
      fileDigest(${JSON.stringify(path)}, ${THREADED_DIGEST_BYTES}, new AbortController().signal).then((hash) => {
        const done = Date.now();
        process.on('exit', () => console.log(JSON.stringify({ hash, after: Date.now() - done })));
      });`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    const { hash, after } = JSON.parse(stdout) as { hash: string; after: number };
    expect(hash).toBe(sha256(readFileSync(path)));
    // The idle thread would otherwise be stopped after 5 s.
    expect(after).toBeLessThan(2_000);
  }, 30_000);

  it('is the sha256 a large CSV fingerprint reports, which its reader takes (ChunkDigest)', async () => {
    const lines = ['id,name,note'];
    // Long rows: few of them are needed to pass the size from which fileDigest takes a thread (as a
    // workbook's still does), and to make the reader read many chunks.
    const note = 'lorem ipsum '.repeat(20);
    for (let i = 0; lines.length * 256 < THREADED_DIGEST_BYTES; i++) lines.push(`${i},name ${i},${note}${i}`);
    const csv = Buffer.from(`${lines.join('\n')}\n`);
    const path = tmp.path('large.csv');
    await writeBytes(path, csv);
    const fp = await fingerprintFile(path);
    expect(fp.sha256).toBe(sha256(csv));
    expect(fp.tables[0].rowCount).toBe(lines.length - 1);
  }, 30_000);
});
