import { emptyTree, TreeDiff, type TreeState } from './item-tree';

function file(tree: TreeState, id: string, name: string, parent: string, version = 'v1') {
  tree.files[id] = {
    n: name,
    p: parent,
    v: version,
    s: 1,
    m: '2026-01-01T00:00:00Z',
    r: tree.files[id]?.r ?? null,
  };
}

describe('TreeDiff', () => {
  const all = (_path: string) => true;
  const report = (tree: TreeState, inScope = all) => {
    const diff = new TreeDiff();
    const d = diff.forDrive((id) => `drive/${id}`);
    return {
      diff,
      d,
      run: () => (d.report(tree, 'Site/Docs', new Set(['root']), inScope, new Map()), diff.result('c')),
    };
  };

  it('reports each file once per content version or path, with human paths', () => {
    const tree = emptyTree();
    tree.folders.f1 = ['Finance', 'root'];
    file(tree, 'a', 'a.xlsx', 'f1');
    expect(
      report(tree)
        .run()
        .upserts.map((u) => [u.id, u.path]),
    ).toEqual([['drive/a', 'Site/Docs/Finance/a.xlsx']]);
    expect(report(tree).run().upserts).toEqual([]);
    tree.folders.f1 = ['Finance 2026', 'root'];
    expect(
      report(tree)
        .run()
        .upserts.map((u) => u.path),
    ).toEqual(['Site/Docs/Finance 2026/a.xlsx']);
    file(tree, 'a', 'a.xlsx', 'f1', 'v2');
    expect(
      report(tree)
        .run()
        .upserts.map((u) => u.version),
    ).toEqual(['v2']);
  });

  it('deletes the files under a deleted folder, and files that leave the scope, by their last path', () => {
    const tree = emptyTree();
    tree.folders.f1 = ['A', 'root'];
    tree.folders.f2 = ['B', 'f1'];
    file(tree, 'x', 'x.csv', 'f2');
    file(tree, 'y', 'y.csv', 'root');
    report(tree).run();
    const r = report(tree);
    r.d.removeFolder(tree, 'f1');
    const out = r.run();
    expect(out.deletions).toEqual([{ id: 'drive/x', path: 'Site/Docs/A/B/x.csv' }]);
    expect(tree.folders).toEqual({});
    const excluded = report(tree, (p) => !p.endsWith('y.csv')).run();
    expect(excluded.deletions).toEqual([{ id: 'drive/y', path: 'Site/Docs/y.csv' }]);
    expect(excluded.seen).toBe(0);
  });
});
