import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ResolvedCatalog, SorEntity } from '@shadowscan/domain';
import {
  chooseCatalogSource,
  readCatalogInputs,
  sameInputs,
  summarizeCatalog,
  type CatalogInputs,
} from './catalog-sync';

const inputs = (over: Partial<CatalogInputs> = {}): CatalogInputs => ({
  file: '/c/catalog.yaml',
  sha256: 'f1',
  extracts: [{ path: '/c/crm/customers.csv', sha256: 'e1' }],
  databases: [],
  ...over,
});

const entity = (system: string, name: string, fields: number, origin?: SorEntity['origin']): SorEntity => ({
  system,
  name,
  key: [],
  origin,
  fields: Array.from({ length: fields }, (_, i) => ({ name: `f${i}`, values: [] })),
});

describe('summarizeCatalog', () => {
  it('counts entities and fields per system and says where each system was read from', () => {
    const catalog: ResolvedCatalog = {
      version: 'v',
      source: '/c/catalog.yaml',
      systems: [
        {
          name: 'crm',
          connection: 'env:CRM_URL',
          entities: [entity('crm', 'customer', 5, 'postgres'), entity('crm', 'invoice', 4, 'postgres')],
        },
        { name: 'hr', entities: [entity('hr', 'employee', 3)] },
      ],
    };
    expect(summarizeCatalog(catalog)).toEqual({
      systems: [
        { name: 'crm', origin: 'postgres', connection: 'env:CRM_URL', entities: 2, fields: 9 },
        { name: 'hr', origin: 'file', entities: 1, fields: 3 },
      ],
      entities: 3,
      fields: 12,
    });
  });
});

describe('sameInputs', () => {
  it('ignores the order of extracts and databases', () => {
    const a = inputs({
      extracts: [
        { path: '/a', sha256: '1' },
        { path: '/b', sha256: '2' },
      ],
      databases: [
        { system: 'x', connection: 'env:X' },
        { system: 'y', connection: 'env:Y' },
      ],
    });
    const b = inputs({
      extracts: [...a.extracts].reverse(),
      databases: [...a.databases].reverse(),
    });
    expect(sameInputs(a, b)).toBe(true);
  });

  it('sees an edited file, an edited extract and a changed connection', () => {
    expect(sameInputs(inputs(), inputs({ sha256: 'f2' }))).toBe(false);
    expect(sameInputs(inputs(), inputs({ extracts: [{ path: '/c/crm/customers.csv', sha256: 'e2' }] }))).toBe(
      false,
    );
    expect(
      sameInputs(
        inputs({ databases: [{ system: 'crm', connection: 'env:A' }] }),
        inputs({ databases: [{ system: 'crm', connection: 'env:B' }] }),
      ),
    ).toBe(false);
  });
});

describe('chooseCatalogSource', () => {
  it('syncs a catalog that was never synced, or when asked to', () => {
    expect(chooseCatalogSource({ current: inputs() })).toEqual({ use: 'sync', reason: 'never_synced' });
    expect(chooseCatalogSource({ current: inputs(), latest: inputs(), refresh: true })).toEqual({
      use: 'sync',
      reason: 'forced',
    });
  });

  it('uses the stored version while the file and its extracts are unchanged', () => {
    expect(chooseCatalogSource({ current: inputs(), latest: inputs() }).use).toBe('stored');
    const db = inputs({ databases: [{ system: 'crm', connection: 'env:CRM_URL' }] });
    // Databases are re-read by a sync, not by every scan.
    expect(chooseCatalogSource({ current: db, latest: db })).toMatchObject({
      use: 'stored',
      reason: expect.stringMatching(/latest sync/),
    });
  });

  it('syncs when the file or an extract changed, or an extract cannot be read', () => {
    expect(chooseCatalogSource({ current: inputs({ sha256: 'f2' }), latest: inputs() })).toEqual({
      use: 'sync',
      reason: 'inputs_changed',
    });
    const missing = inputs({ extracts: [{ path: '/c/crm/customers.csv', sha256: null }] });
    expect(chooseCatalogSource({ current: missing, latest: missing })).toEqual({
      use: 'sync',
      reason: 'extract_unreadable',
    });
  });
});

describe('readCatalogInputs', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'ss-inputs-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes the file and its extracts and lists the databases by env reference', async () => {
    const file = path.join(dir, 'catalog.yaml');
    writeFileSync(path.join(dir, 'customers.csv'), 'id,name\n1,Acme\n');
    writeFileSync(
      file,
      [
        'systems:',
        '  - name: crm',
        '    connection: env:CRM_URL',
        '    entities:',
        '      - { name: customer, sample: ./customers.csv }',
        '      - { name: lead, sample: ./missing.csv }',
      ].join('\n'),
    );
    const a = await readCatalogInputs(file);
    expect(a).toMatchObject({
      file,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      databases: [{ system: 'crm', connection: 'env:CRM_URL' }],
      extracts: [
        { path: path.join(dir, 'customers.csv'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
        { path: path.join(dir, 'missing.csv'), sha256: null },
      ],
    });
    writeFileSync(path.join(dir, 'customers.csv'), 'id,name\n1,Acme\n2,Globex\n');
    expect(sameInputs(a, await readCatalogInputs(file))).toBe(false);
  });

  it('reads an invalid file as just its hash (loading it says what is wrong)', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'systems: [oops');
    expect(await readCatalogInputs(file)).toMatchObject({ extracts: [], databases: [] });
    await expect(readCatalogInputs(path.join(dir, 'none.yaml'))).rejects.toMatchObject({
      code: 'catalog_invalid',
    });
  });
});
