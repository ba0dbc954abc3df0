import { createHash, randomBytes } from 'node:crypto';
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

  it('is the sha256 a large CSV fingerprint reports', async () => {
    const lines = ['id,name,note'];
    // Long rows: few of them are needed to reach the size at which the digest takes a thread.
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
