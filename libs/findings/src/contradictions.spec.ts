import { findContradictions, type KeyedMapping, type OfficialLookup } from './contradictions';

const norm = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim().toLowerCase());

async function* rowsOf(rows: unknown[][]) {
  let n = 2;
  for (const values of rows) yield { row: n++, values };
}

const mapping: KeyedMapping = {
  key: [{ index: 0, column: 'Cust No', field: 'customer_id' }],
  fields: [
    { index: 1, column: 'Tel', field: 'phone', type: 'phone' },
    { index: 2, column: 'Limit', field: 'credit_limit', type: 'currency' },
  ],
};

const official: Record<string, Record<string, unknown>> = {
  'c-1': { customer_id: 'C-1', phone: '+44 20 7946 0001', credit_limit: '1000' },
  'c-2': { customer_id: 'C-2', phone: '+44 20 7946 0002', credit_limit: '2000' },
  'c-3': { customer_id: 'C-3', phone: '', credit_limit: '3000' },
};

function lookupWith(calls: string[][]): OfficialLookup {
  return async (keys) => {
    calls.push(keys.map((k) => k.key));
    return new Map(keys.filter((k) => official[k.key]).map((k) => [k.key, official[k.key]]));
  };
}

const opts = { batchSize: 2, maxExamples: 5, masking: 'none' as const, normalise: norm };

describe('findContradictions', () => {
  it('counts compared and conflicting rows per field, with examples, and the orphan keys', async () => {
    const calls: string[][] = [];
    const r = await findContradictions(
      rowsOf([
        ['C-1', '020 7946 0001', '1000,00'], // same in another notation
        ['C-2', '+44 20 7946 0999', '2500'], // both differ
        ['C-3', '+44 1', '3000'], // official phone blank: not compared
        ['C-9', 'x', '1'], // unknown to the official system
        [null, 'x', '1'], // no key
      ]),
      mapping,
      lookupWith(calls),
      opts,
    );
    expect(r).toMatchObject({
      rows: 5,
      rowsWithoutKey: 1,
      joined: 3,
      orphans: { count: 1, examples: ['C-9'] },
    });
    expect(r.fields).toEqual([
      {
        field: 'phone',
        column: 'Tel',
        compared: 2,
        conflicts: 1,
        examples: [{ key: 'C-2', row: 3, sheet: '+44 20 7946 0999', official: '+44 20 7946 0002' }],
      },
      {
        field: 'credit_limit',
        column: 'Limit',
        compared: 3,
        conflicts: 1,
        examples: [{ key: 'C-2', row: 3, sheet: '2500', official: '2000' }],
      },
    ]);
    // Looked up in batches of two, each key once per batch.
    expect(calls).toEqual([
      ['c-1', 'c-2'],
      ['c-3', 'c-9'],
    ]);
  });

  it('masks example values under the sensitive policy', async () => {
    const r = await findContradictions(
      rowsOf([['C-2', '+44 20 7946 0999', '2000']]),
      mapping,
      lookupWith([]),
      {
        ...opts,
        masking: 'sensitive',
      },
    );
    expect(r.fields[0].examples[0].sheet).not.toContain('7946');
  });

  it('fails when a look-up fails, instead of reporting a partial comparison', async () => {
    const failing: OfficialLookup = async () => {
      throw new Error('database went away');
    };
    await expect(findContradictions(rowsOf([['C-1', 'x', '1']]), mapping, failing, opts)).rejects.toThrow(
      'database went away',
    );
  });
});
