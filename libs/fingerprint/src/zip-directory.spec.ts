import JSZip from 'jszip';
import { useTempDir, writeBytes } from './testing.fixtures';
import { InvalidZipError, readZipDirectory } from './zip-directory';

const tmp = useTempDir();

describe('readZipDirectory', () => {
  it('lists the entries with their offsets and declared sizes', async () => {
    const zip = new JSZip();
    zip.file('b.xml', 'x'.repeat(1000));
    zip.file('a.xml', 'y'.repeat(500));
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const path = tmp.path('plain.zip');
    await writeBytes(path, bytes);
    const dir = await readZipDirectory(path, bytes.length);
    expect(dir.entries.map((e) => e.name)).toEqual(['b.xml', 'a.xml']);
    expect(dir.uncompressedBytes).toBe(1500);
    for (const e of dir.entries) expect(bytes.readUInt32LE(e.offset)).toBe(0x04034b50);
    expect(bytes.readUInt32LE(dir.directoryOffset)).toBe(0x02014b50);
  });

  it('rejects a file without an end record', async () => {
    const path = tmp.path('not.zip');
    await writeBytes(path, 'PK but not really');
    await expect(readZipDirectory(path, 17)).rejects.toBeInstanceOf(InvalidZipError);
  });
});
