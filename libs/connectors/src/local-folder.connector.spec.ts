import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalFolderConnector } from './local-folder.connector';

describe('LocalFolderConnector', () => {
  let root: string;
  const write = (rel: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ss-local-'));
    write('a.csv', 'x,y\n1,2\n');
    write('Sales/deep/b.xlsx', 'not really a workbook');
    write('notes.md', '# not a spreadsheet');
    write('~$a.xlsx', 'office lock file');
    write('.hidden/c.csv', 'x\n1\n');
    write('archive/old.csv', 'x\n1\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists spreadsheets recursively and skips lock files, dot folders and other files', async () => {
    const changes = await new LocalFolderConnector({ root }).listChanges(null);
    expect(changes.upserts.map((f) => f.path)).toEqual(['a.csv', 'archive/old.csv', 'Sales/deep/b.xlsx']);
    expect(changes.deletions).toEqual([]);
    expect(changes.upserts[0].version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies include and exclude globs', async () => {
    const c = new LocalFolderConnector({ root, include: ['**/*.csv'], exclude: ['archive/**'] });
    expect((await c.listChanges(null)).upserts.map((f) => f.path)).toEqual(['a.csv']);
  });

  it('reports only what changed since the cursor: edits, additions and deletions', async () => {
    const c = new LocalFolderConnector({ root });
    const first = await c.listChanges(null);
    const unchanged = await c.listChanges(first.nextCursor);
    expect(unchanged.upserts).toEqual([]);
    expect(unchanged.seen).toBe(3);

    write('a.csv', 'x,y\n1,3\n');
    write('new.csv', 'z\n1\n');
    rmSync(path.join(root, 'archive/old.csv'));
    const second = await c.listChanges(unchanged.nextCursor);
    expect(second.upserts.map((f) => f.path)).toEqual(['a.csv', 'new.csv']);
    expect(second.deletions.map((f) => f.path)).toEqual(['archive/old.csv']);
  });

  it('does not report a file whose mtime moved but whose content did not', async () => {
    const c = new LocalFolderConnector({ root });
    const first = await c.listChanges(null);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'a.csv'), later, later);
    const second = await c.listChanges(first.nextCursor);
    expect(second.upserts).toEqual([]);
  });

  it('fails clearly when the folder does not exist', async () => {
    await expect(
      new LocalFolderConnector({ root: path.join(root, 'nope') }).listChanges(null),
    ).rejects.toThrow(/does not exist/);
  });

  it('refuses to open a file over the size cap', async () => {
    const c = new LocalFolderConnector({ root });
    await expect(c.open({ id: 'a.csv', path: 'a.csv', version: 'v' }, 3)).rejects.toMatchObject({
      code: 'file_too_large',
    });
  });
});
