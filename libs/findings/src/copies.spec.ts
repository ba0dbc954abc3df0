import { minhashSignature } from '@shadowscan/domain';
import { detectCopyClusters, type TableCopy } from './copies';

const values = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `v${from + i}`);

function copy(
  file: string,
  content: string[],
  schemaHash = 's1',
  contentHash = content.join('|').length.toString(),
): TableCopy {
  return {
    sourceId: 'src',
    sourceName: 'share',
    file,
    sheet: 'Sheet1',
    range: 'A1:C100',
    rows: 100,
    schemaHash,
    contentHash,
    sketch: minhashSignature(content),
    modifiedAt: null,
    lastModifiedBy: null,
  };
}

describe('detectCopyClusters', () => {
  it('clusters exact copies across files', () => {
    const c = detectCopyClusters([
      copy('a.xlsx', values(0, 300), 's1', 'X'),
      copy('b/a copy.xlsx', values(0, 300), 's1', 'X'),
    ]);
    expect(c).toHaveLength(1);
    expect(c[0].evidence.files).toEqual(['a.xlsx', 'b/a copy.xlsx']);
  });

  it('clusters a copy edited a little (near duplicate), but not a table with other data', () => {
    const base = values(0, 300);
    const edited = [...values(0, 290), ...values(1000, 1010)];
    const other = values(5000, 5300);
    const c = detectCopyClusters([
      copy('a.xlsx', base, 's1', 'A'),
      copy('edited.xlsx', edited, 's1', 'B'),
      copy('other.xlsx', other, 's1', 'C'),
    ]);
    expect(c).toHaveLength(1);
    expect(c[0].evidence.files).toEqual(['a.xlsx', 'edited.xlsx']);
    const sim = (c[0].evidence.copies as Array<{ file: string; similarity: number }>).find(
      (x) => x.file === 'edited.xlsx',
    )!.similarity;
    expect(sim).toBeGreaterThan(0.8);
    expect(sim).toBeLessThan(1);
  });

  it('does not cluster tables of different schemas, nor two tables of one file', () => {
    expect(
      detectCopyClusters([
        copy('a.xlsx', values(0, 300), 's1', 'X'),
        copy('b.xlsx', values(0, 300), 's2', 'X'),
      ]),
    ).toEqual([]);
    expect(
      detectCopyClusters([
        copy('a.xlsx', values(0, 300), 's1', 'X'),
        copy('a.xlsx', values(0, 300), 's1', 'X'),
      ]),
    ).toEqual([]);
  });
});
