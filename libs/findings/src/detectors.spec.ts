import type { ResolvedCatalog, TableFingerprint, TableMatch } from '@shadowscan/domain';
import { assessDuplicates, contradictionFinding, detectFindings, extensionFinding } from './detectors';

const catalog: ResolvedCatalog = {
  version: 'v1',
  source: '/c.yaml',
  systems: [
    {
      name: 'crm',
      entities: [
        {
          system: 'crm',
          name: 'customer',
          key: ['customer_id'],
          criticality: 'medium',
          fields: [
            { name: 'customer_id', type: 'id', values: ['c-1', 'c-2', 'c-3', 'c-4'] },
            { name: 'company_name', type: 'string', values: [] },
            { name: 'phone', type: 'phone', values: [] },
          ],
        },
      ],
    },
  ],
};

const col = (
  name: string,
  index: number,
  values: string[],
  type: TableFingerprint['columns'][number]['type'] = 'string',
) => ({
  name,
  index,
  type,
  typeShare: 1,
  nullRatio: values.length ? 0 : 1,
  distinct: values.length,
  values,
});

function table(keys: string[]): TableFingerprint {
  return {
    sheet: 'S',
    range: 'A1:D5',
    headerRow: 1,
    rowCount: keys.length,
    schemaHash: 'h',
    columns: [
      col('Cust No', 0, keys, 'id'),
      col('Company', 1, ['a', 'b']),
      col('Notes', 2, ['x']),
      col('Blank', 3, [], 'empty'),
    ],
  };
}

const match = (withKey = true): TableMatch => ({
  sheet: 'S',
  range: 'A1:D5',
  columns: [],
  entity: {
    system: 'crm',
    entity: 'customer',
    score: 0.9,
    mapping: [
      ...(withKey
        ? [{ column: 'Cust No', index: 0, field: 'customer_id', score: 0.95, signals: { name: 0.9 } }]
        : [{ column: 'Notes', index: 2, field: 'phone', score: 0.7, signals: { name: 0.7 } }]),
      { column: 'Company', index: 1, field: 'company_name', score: 0.9, signals: { name: 0.9 } },
    ],
  },
});

const input = (keys: string[], m = match(), sharingScope?: string) => ({
  sourceId: 'src',
  file: 'a.xlsx',
  tables: [table(keys)],
  matches: [m],
  catalog,
  sharingScope,
});

describe('detectors', () => {
  it('calls a table a duplicate when most of its keys are official keys', () => {
    expect(assessDuplicates(input(['C-1', 'C-2'].map((k) => k.toLowerCase())))).toHaveLength(1);
    expect(assessDuplicates(input(['x-1', 'x-2', 'x-3']))).toHaveLength(0);
  });

  it('falls back on field coverage when there are no key values to compare', () => {
    const fs = detectFindings(input(['c-1'], match(false)));
    expect(fs.map((f) => f.kind)).toEqual(['duplicate']);
    expect(fs[0].evidence).toMatchObject({
      keyOverlap: null,
      fieldCoverage: 0.667,
      unmappedFields: ['customer_id'],
    });
  });

  it('reports unmapped, non-empty columns of a keyed copy as an extension', () => {
    const [v] = assessDuplicates(input(['c-1', 'c-2']));
    expect(extensionFinding(input(['c-1', 'c-2']), v)?.evidence.columns).toEqual(['Notes']);
    // Without the key mapped, extra columns ride on nothing official: no extension.
    const [unkeyed] = assessDuplicates(input(['c-1'], match(false)));
    expect(extensionFinding(input(['c-1'], match(false)), unkeyed)).toBeNull();
  });

  it('raises severity for a widely shared file', () => {
    const privately = detectFindings(input(['c-1', 'c-2']))[0];
    const shared = detectFindings(input(['c-1', 'c-2'], match(), 'anonymous'))[0];
    expect(privately.severity).toBe('medium');
    expect(shared.severity).toBe('high');
    expect(shared.id).toBe(privately.id);
  });

  it('makes no contradiction finding when every compared value agrees', () => {
    const [v] = assessDuplicates(input(['c-1', 'c-2']));
    const agree = {
      rows: 2,
      rowsWithoutKey: 0,
      joined: 2,
      orphans: { count: 0, examples: [] },
      fields: [{ field: 'company_name', column: 'Company', compared: 2, conflicts: 0, examples: [] }],
    };
    expect(contradictionFinding(input(['c-1', 'c-2']), v, agree)).toBeNull();
    const differ = {
      ...agree,
      fields: [
        { ...agree.fields[0], conflicts: 1, examples: [{ key: 'c-1', row: 2, sheet: 'a', official: 'b' }] },
      ],
    };
    const c = contradictionFinding(input(['c-1', 'c-2']), v, differ)!;
    expect(c.evidence.fields).toEqual([
      {
        field: 'company_name',
        column: 'Company',
        compared: 2,
        conflicts: 1,
        examples: [{ key: 'c-1', row: 2, sheet: 'a', official: 'b' }],
      },
    ]);
    // One conflict in two compared rows is severe (≥ 10%): one step above the entity's criticality.
    expect(c.severity).toBe('high');
  });
});
