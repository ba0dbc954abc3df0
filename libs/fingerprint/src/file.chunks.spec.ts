import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { ChunkDigest, readChunks } from './file.chunks';
import { fingerprintFile } from './fingerprint';
import { useTempDir, writeBytes } from './testing.fixtures';

const tmp = useTempDir();

function bytes(length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

const openFiles = () => readdirSync('/proc/self/fd').length;

describe('readChunks', () => {
  it('reads the whole file in chunks of the size asked, the last one shorter', async () => {
    const path = tmp.path('whole.bin');
    const data = bytes(10_500);
    await writeBytes(path, data);
    const sizes: number[] = [];
    const copies: Buffer[] = [];
    for await (const chunk of readChunks(path, 1000)) {
      sizes.push(chunk.length);
      copies.push(Buffer.from(chunk));
    }
    expect(sizes).toEqual([...Array(10).fill(1000), 500]);
    expect(Buffer.concat(copies).equals(data)).toBe(true);
  });

  it('keeps a chunk as it was while the next one is taken', async () => {
    const path = tmp.path('held.bin');
    const data = bytes(9_000);
    await writeBytes(path, data);
    let held: Buffer | null = null;
    let at = 0;
    for await (const chunk of readChunks(path, 1000)) {
      // The chunk before this one: taken, then this one taken (and the next read started).
      if (held) expect(held.equals(data.subarray(at - 1000, at))).toBe(true);
      held = chunk;
      at += chunk.length;
    }
    expect(at).toBe(data.length);
  });

  it('yields nothing for an empty file', async () => {
    const path = tmp.path('empty.bin');
    await writeBytes(path, '');
    const chunks: Buffer[] = [];
    for await (const chunk of readChunks(path, 1000)) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it('stops with the signal reason once aborted, and closes the file', async () => {
    const path = tmp.path('aborted.bin');
    await writeBytes(path, bytes(5_000));
    const before = openFiles();
    const controller = new AbortController();
    const reason = new Error('time is up');
    let taken = 0;
    await expect(
      (async () => {
        for await (const chunk of readChunks(path, 1000, controller.signal)) {
          taken += chunk.length;
          controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(taken).toBe(1000);
    expect(openFiles()).toBe(before);
  });

  it('closes the file when the consumer stops early', async () => {
    const path = tmp.path('early.bin');
    await writeBytes(path, bytes(5_000));
    const before = openFiles();
    for await (const chunk of readChunks(path, 1000)) {
      expect(chunk.length).toBe(1000);
      break;
    }
    expect(openFiles()).toBe(before);
  });

  it('rejects a missing file with its code', async () => {
    await expect(readChunks(tmp.path('missing.bin'), 1000).next()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('ChunkDigest', () => {
  const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

  async function readAll(path: string, digest: ChunkDigest, stopAfter = Infinity): Promise<void> {
    let taken = 0;
    for await (const chunk of readChunks(path, 1000, undefined, digest)) {
      if ((taken += chunk.length) >= stopAfter) break;
    }
  }

  it('is the SHA-256 of the file once every chunk was taken, the short last one and the end too', async () => {
    for (const length of [0, 999, 1000, 10_500]) {
      const path = tmp.path(`digest-${length}.bin`);
      const data = bytes(length);
      await writeBytes(path, data);
      const digest = new ChunkDigest();
      await readAll(path, digest);
      expect(digest.sha256(length)).toBe(sha256(data));
    }
  });

  it('is null when the reader stopped before the end, or the size is not the one read', async () => {
    const path = tmp.path('partial.bin');
    await writeBytes(path, bytes(5_000));
    const early = new ChunkDigest();
    await readAll(path, early, 2_000);
    expect(early.sha256(5_000)).toBeNull();
    // Every byte read, but the file had another size when the read began: it changed under the reader.
    const changed = new ChunkDigest();
    await readAll(path, changed);
    expect(changed.sha256(5_001)).toBeNull();
  });

  it("gives a CSV's fingerprint the SHA-256 of all its bytes, those the parser skips too", async () => {
    const path = tmp.path('skipped.csv');
    // A byte order mark and Excel's sep= line: read, hashed, but not parsed as records.
    const csv = `\ufeffsep=;\nid;name\n${Array.from({ length: 3_000 }, (_, i) => `${i};name ${i}`).join('\n')}\n`;
    await writeBytes(path, csv);
    const fp = await fingerprintFile(path);
    expect(fp.sha256).toBe(sha256(csv));
    expect(fp.tables[0].rowCount).toBe(3_000);
  });
});
