import {
  type ColumnProfile,
  type ColumnType,
  ShadowscanError,
  type SorEntity,
  type SorField,
  type TableFingerprint,
  type TableMatch,
} from '@shadowscan/domain';
import { DEFAULT_MATCH_OPTIONS } from './match-options';
import { Matcher, matchTable } from './matcher';

function field(name: string, type?: ColumnType, values: string[] = []): SorField {
  return { name, type, values };
}

function col(index: number, name: string, type: ColumnType = 'string', values: string[] = []): ColumnProfile {
  return { name, index, type, typeShare: 1, nullRatio: 0, distinct: values.length, values };
}

function table(sheet: string, columns: ColumnProfile[]): TableFingerprint {
  const last = String.fromCharCode(65 + columns.length - 1);
  return { sheet, range: `A1:${last}100`, headerRow: 1, rowCount: 99, columns, schemaHash: `hash-${sheet}` };
}

const COUNTRIES = ['france', 'germany', 'spain', 'italy', 'netherlands', 'belgium', 'austria', 'portugal'];
const COUNTRY_CODES = [
  'fr',
  'de',
  'es',
  'it',
  'nl',
  'be',
  'at',
  'pt',
  'ie',
  'lu',
  'se',
  'dk',
  'fi',
  'pl',
  'cz',
];

const CATALOG: SorEntity[] = [
  {
    system: 'crm',
    name: 'customer',
    key: ['customer_id'],
    fields: [
      field('customer_id', 'id'),
      field('company_name', 'string'),
      field('contact_name', 'string'),
      field('email', 'email'),
      field('phone', 'phone'),
      field('street', 'string'),
      field('city', 'string'),
      field('postcode', 'string'),
      field('country', 'string', COUNTRIES),
      field('account_manager', 'string'),
      { ...field('status', 'string'), allowedValues: ['Active', 'Prospect', 'Churned'] },
      field('created_at', 'datetime'),
    ],
  },
  {
    system: 'crm',
    name: 'contact',
    key: ['contact_id'],
    fields: [
      field('contact_id', 'id'),
      field('customer_id', 'id'),
      field('first_name', 'string'),
      field('last_name', 'string'),
      field('email', 'email'),
      field('phone', 'phone'),
      field('job_title', 'string'),
    ],
  },
  {
    system: 'erp',
    name: 'vendor',
    key: ['vendor_id'],
    fields: [
      field('vendor_id', 'id'),
      field('name', 'string'),
      field('vat_number', 'string'),
      field('email', 'email'),
      field('phone', 'phone'),
      field('payment_terms', 'string'),
      field('currency', 'string'),
      field('iban', 'string'),
    ],
  },
  {
    system: 'erp',
    name: 'invoice',
    key: ['invoice_id'],
    fields: [
      field('invoice_id', 'id'),
      field('invoice_number', 'string'),
      field('vendor_id', 'id'),
      field('invoice_date', 'date'),
      field('due_date', 'date'),
      field('amount', 'currency'),
      field('currency', 'string'),
    ],
  },
  {
    system: 'hr',
    name: 'employee',
    key: ['employee_id'],
    fields: [
      field('employee_id', 'id'),
      field('first_name', 'string'),
      field('last_name', 'string'),
      field('date_of_birth', 'date'),
      field('hire_date', 'date'),
      field('department', 'string'),
      field('job_title', 'string'),
      field('email', 'email'),
      field('phone', 'phone'),
    ],
  },
  {
    system: 'ref',
    name: 'country',
    key: ['code'],
    fields: [field('code', 'string', COUNTRY_CODES), field('name', 'string', COUNTRIES)],
  },
];

function mappingOf(match: TableMatch): Record<string, string> {
  return Object.fromEntries((match.entity?.mapping ?? []).map((m) => [m.column, m.field]));
}

function candidatesOf(match: TableMatch, column: string) {
  const found = match.columns.find((c) => c.column === column);
  if (!found) throw new Error(`no column ${column}`);
  return found.candidates;
}

describe('Matcher', () => {
  const matcher = new Matcher(CATALOG);

  describe('a CRM customer copy with renamed headers and extra columns', () => {
    const crmCopy = table('Customers 2024', [
      col(0, 'Cust No', 'string'),
      col(1, 'Company', 'string'),
      col(2, 'Contact', 'string'),
      col(3, 'E-mail', 'email'),
      col(4, 'Tel', 'phone'),
      col(5, 'City'),
      col(6, 'Zip Code', 'integer'),
      col(7, 'Country', 'string', ['France', 'Germany', 'Spain']),
      col(8, 'Account Mgr'),
      col(9, 'Last call', 'date'),
      col(10, 'Notes'),
      col(11, 'Rating', 'integer'),
      col(12, '', 'empty'),
    ]);
    const match = matcher.matchTable(crmCopy);

    it('is assigned to crm.customer', () => {
      expect(match.entity).toMatchObject({ system: 'crm', entity: 'customer' });
      expect(match.entity!.score).toBeGreaterThanOrEqual(DEFAULT_MATCH_OPTIONS.entityThreshold);
    });

    it('maps each renamed header to its field, one to one, and leaves the extra columns out', () => {
      expect(mappingOf(match)).toEqual({
        'Cust No': 'customer_id',
        Company: 'company_name',
        Contact: 'contact_name',
        'E-mail': 'email',
        Tel: 'phone',
        City: 'city',
        'Zip Code': 'postcode',
        Country: 'country',
        'Account Mgr': 'account_manager',
      });
      const fields = match.entity!.mapping.map((m) => m.field);
      expect(new Set(fields).size).toBe(fields.length);
    });

    it('lists the mapping in column order with the signals behind each pair', () => {
      const mapping = match.entity!.mapping;
      expect(mapping.map((m) => m.index)).toEqual([...mapping.map((m) => m.index)].sort((a, b) => a - b));
      const country = mapping.find((m) => m.column === 'Country')!;
      expect(country.signals).toMatchObject({ name: 1, type: 1, values: 1 });
      for (const m of mapping) {
        expect(m.score).toBeGreaterThanOrEqual(DEFAULT_MATCH_OPTIONS.fieldThreshold);
        expect(Object.keys(m.signals)).toEqual(expect.arrayContaining(['name', 'type']));
      }
    });

    it('keeps one column entry per table column, candidates best first and at most topK', () => {
      expect(match.columns.map((c) => c.index)).toEqual(crmCopy.columns.map((c) => c.index));
      for (const c of match.columns) {
        expect(c.candidates.length).toBeLessThanOrEqual(DEFAULT_MATCH_OPTIONS.topK);
        const scores = c.candidates.map((x) => x.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
      }
      expect(match.sheet).toBe('Customers 2024');
      expect(match.range).toBe(crmCopy.range);
    });

    it('proposes candidates from every entity, not only the chosen one', () => {
      const email = candidatesOf(match, 'E-mail');
      expect(new Set(email.map((c) => `${c.system}.${c.entity}`)).size).toBeGreaterThan(1);
      expect(email.every((c) => c.field === 'email')).toBe(true);
      expect(email.every((c) => c.score >= DEFAULT_MATCH_OPTIONS.fieldThreshold)).toBe(true);
      // The table's other columns say which entity's email this is.
      expect(email[0]).toMatchObject({ system: 'crm', entity: 'customer' });
      expect(email[0].signals.table).toBeGreaterThan(email[1].signals.table);
    });

    it('gives the extra columns no candidate above the field threshold', () => {
      for (const name of ['Last call', 'Notes', 'Rating']) {
        const top = candidatesOf(match, name)[0];
        expect(top?.score ?? 0).toBeLessThan(DEFAULT_MATCH_OPTIONS.fieldThreshold);
      }
    });
  });

  it('maps an unrelated table to no entity', () => {
    const lunches = table('Lunches', [col(0, 'Date', 'date'), col(1, 'Who'), col(2, 'Restaurant')]);
    const match = matcher.matchTable(lunches);
    expect(match.entity).toBeNull();
    expect(candidatesOf(match, 'Who').filter((c) => c.score >= DEFAULT_MATCH_OPTIONS.fieldThreshold)).toEqual(
      [],
    );
    expect(
      candidatesOf(match, 'Restaurant').filter((c) => c.score >= DEFAULT_MATCH_OPTIONS.fieldThreshold),
    ).toEqual([]);
  });

  it('does not take two matching columns for a copy when the key is missing and most columns are unexplained', () => {
    // "Date" and "Amount" do look like invoice fields, but a lunch log is not an invoice register.
    const lunches = table('Lunches', [
      col(0, 'Date', 'date'),
      col(1, 'Who'),
      col(2, 'Restaurant'),
      col(3, 'Amount', 'currency'),
    ]);
    expect(matcher.matchTable(lunches).entity).toBeNull();
    const shorter = table('Lunches', [col(0, 'Date', 'date'), col(1, 'Who'), col(2, 'Amount', 'currency')]);
    expect(matcher.matchTable(shorter).entity).toBeNull();
  });

  it('accepts a narrow extract that carries the key', () => {
    const extract = table('Vendor list', [col(0, 'Vendor ID', 'id'), col(1, 'Vendor name')]);
    const match = matcher.matchTable(extract);
    expect(match.entity).toMatchObject({ system: 'erp', entity: 'vendor', score: 1 });
    expect(mappingOf(match)).toEqual({ 'Vendor ID': 'vendor_id', 'Vendor name': 'name' });
  });

  it('tells apart entities that share fields by what else the table holds', () => {
    const contacts = table('Contacts', [
      col(0, 'First name'),
      col(1, 'Last name'),
      col(2, 'Email', 'email'),
      col(3, 'Company'),
      col(4, 'Job title'),
    ]);
    expect(matcher.matchTable(contacts).entity).toMatchObject({ system: 'crm', entity: 'contact' });

    const staff = table('Staff', [
      col(0, 'Emp #', 'integer'),
      col(1, 'Surname'),
      col(2, 'First name'),
      col(3, 'DOB', 'date'),
      col(4, 'Dept'),
      col(5, 'Work email', 'email'),
      col(6, 'Mobile', 'phone'),
      col(7, 'Shoe size', 'integer'),
    ]);
    const match = matcher.matchTable(staff);
    expect(match.entity).toMatchObject({ system: 'hr', entity: 'employee' });
    expect(mappingOf(match)).toEqual({
      'Emp #': 'employee_id',
      Surname: 'last_name',
      'First name': 'first_name',
      DOB: 'date_of_birth',
      Dept: 'department',
      'Work email': 'email',
      Mobile: 'phone',
    });
  });

  it('gives the same answer through the function and a reused Matcher', () => {
    const t = table('T', [col(0, 'Supplier ID', 'id'), col(1, 'Supplier name'), col(2, 'IBAN')]);
    matcher.matchTable(table('Other', [col(0, 'Date', 'date')]));
    expect(matcher.matchTable(t)).toEqual(matchTable(t, CATALOG));
  });

  it('accepts a register keyed by a business number when several fields cover most of it', () => {
    // The catalog's key is the surrogate invoice_id; the sheet carries the invoice number instead.
    const register = table('Invoices', [
      col(0, 'Invoice #'),
      col(1, 'Inv Date', 'date'),
      col(2, 'Due', 'date'),
      col(3, 'Amount (EUR)', 'currency'),
      col(4, 'Currency'),
      col(5, 'Approved by'),
      col(6, 'Paid?', 'boolean'),
    ]);
    const match = matcher.matchTable(register);
    expect(match.entity).toMatchObject({ system: 'erp', entity: 'invoice' });
    expect(mappingOf(match)).toEqual({
      'Invoice #': 'invoice_number',
      'Inv Date': 'invoice_date',
      Due: 'due_date',
      'Amount (EUR)': 'amount',
      Currency: 'currency',
    });
  });

  it('accepts a key-less copy when the table is made almost only of the entity fields', () => {
    const mailing = table('Mailing', [
      col(0, 'Company'),
      col(1, 'E-mail', 'email'),
      col(2, 'Phone number', 'phone'),
    ]);
    const match = matcher.matchTable(mailing);
    expect(match.entity).toMatchObject({ system: 'crm', entity: 'customer' });
    expect(mappingOf(match)).toEqual({ Company: 'company_name', 'E-mail': 'email', 'Phone number': 'phone' });
  });

  it('uses the entity name as context for fields named relative to it', () => {
    const vendors = table('Suppliers', [
      col(0, 'Supplier ID', 'id'),
      col(1, 'Supplier name'),
      col(2, 'VAT no'),
      col(3, 'Payment conditions'),
      col(4, 'IBAN'),
    ]);
    const match = matcher.matchTable(vendors);
    const top = candidatesOf(match, 'Supplier name')[0];
    expect(top).toMatchObject({ system: 'erp', entity: 'vendor', field: 'name' });
    expect(top.signals.name).toBe(1);
    expect(match.entity).toMatchObject({ system: 'erp', entity: 'vendor' });
    expect(mappingOf(match)).toEqual({
      'Supplier ID': 'vendor_id',
      'Supplier name': 'name',
      'VAT no': 'vat_number',
      'Payment conditions': 'payment_terms',
      IBAN: 'iban',
    });
  });

  it('prefers the entity that explains more of the table over a small entity explained in full', () => {
    const customers = table('Customers', [
      col(0, 'Customer ID', 'id'),
      col(1, 'Company name'),
      col(2, 'Country code', 'string', ['FR', 'DE', 'ES']),
      col(3, 'Country name', 'string', ['France', 'Germany', 'Spain']),
      col(4, 'City'),
      col(5, 'E-mail', 'email'),
      col(6, 'Account manager'),
    ]);
    expect(matcher.matchTable(customers).entity).toMatchObject({ system: 'crm', entity: 'customer' });
  });

  it('still recognises a sheet that extends an entity with many columns of its own', () => {
    const extras = ['Owner', 'Risk', 'Comment', 'Q1', 'Q2', 'Q3', 'Q4', 'Budget', 'Region', 'Priority'];
    const extended = table('Vendors + scoring', [
      col(0, 'Vendor ID', 'id'),
      col(1, 'Vendor name'),
      col(2, 'Email', 'email'),
      col(3, 'Phone', 'phone'),
      col(4, 'Currency'),
      ...extras.map((name, i) => col(5 + i, name, i >= 3 && i <= 7 ? 'decimal' : 'string')),
    ]);
    const match = matcher.matchTable(extended);
    expect(match.entity).toMatchObject({ system: 'erp', entity: 'vendor' });
    expect(Object.keys(mappingOf(match))).toEqual(['Vendor ID', 'Vendor name', 'Email', 'Phone', 'Currency']);
  });

  describe('value evidence', () => {
    it('lifts a column with a placeholder header whose values belong to a field', () => {
      const codes = ['FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'AT', 'PT', 'IE', 'LU'];
      const withValues = matcher.matchTable(table('Sheet1', [col(0, 'Column 3', 'string', codes)]));
      const top = candidatesOf(withValues, 'Column 3')[0];
      expect(top).toMatchObject({ system: 'ref', entity: 'country', field: 'code' });
      expect(top.signals.values).toBe(1);
      expect(top.score).toBeGreaterThanOrEqual(DEFAULT_MATCH_OPTIONS.fieldThreshold);

      const withoutValues = matcher.matchTable(table('Sheet1', [col(0, 'Column 3', 'string')]));
      const best = candidatesOf(withoutValues, 'Column 3')[0]?.score ?? 0;
      expect(best).toBeLessThan(DEFAULT_MATCH_OPTIONS.fieldThreshold);
    });

    it('raises a weak name when the values agree', () => {
      const names = ['Active', 'Churned', 'Prospect'];
      const score = (values: string[]) =>
        candidatesOf(
          matcher.matchTable(table('S', [col(0, 'Account status', 'string', values)])),
          'Account status',
        ).find((c) => c.entity === 'customer' && c.field === 'status')!.score;
      expect(score(names)).toBeGreaterThan(score([]));
    });

    it('does not let value overlap override a header that names something else', () => {
      const codes = ['FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'AT', 'PT', 'IE', 'LU'];
      const match = matcher.matchTable(table('Sheet1', [col(0, 'Notes', 'string', codes)]));
      const code = candidatesOf(match, 'Notes').find((c) => c.field === 'code');
      expect(code?.signals.values).toBe(1);
      expect(code!.score).toBeLessThan(DEFAULT_MATCH_OPTIONS.fieldThreshold);
    });
  });

  describe('missing evidence', () => {
    const catalog: SorEntity[] = [
      {
        system: 's',
        name: 'person',
        key: [],
        fields: [field('email', 'email', ['a@x.org', 'b@x.org']), field('phone')],
      },
    ];

    it('leaves an absent signal out of the signals and does not lower the score for it', () => {
      const match = matchTable(
        table('T', [col(0, 'Email', 'email'), col(1, 'Phone', 'phone', ['+33 1 23'])]),
        catalog,
      );
      const email = candidatesOf(match, 'Email')[0];
      expect(email.signals).toEqual({ name: 1, type: 1 });
      expect(email.score).toBe(1);
      // The field declares no type and has no values: the name is all there is, and it is enough.
      const phone = candidatesOf(match, 'Phone')[0];
      expect(phone.signals).toEqual({ name: 1 });
      expect(phone.score).toBe(1);
    });
  });

  describe('options', () => {
    it('honours topK', () => {
      const match = new Matcher(CATALOG, { topK: 2 }).matchTable(table('T', [col(0, 'Email', 'email')]));
      expect(match.columns[0].candidates).toHaveLength(2);
    });

    it('honours minMappedColumns', () => {
      const mailing = table('Mailing', [
        col(0, 'Company'),
        col(1, 'E-mail', 'email'),
        col(2, 'Phone', 'phone'),
      ]);
      expect(matchTable(mailing, CATALOG, { minMappedColumns: 4 }).entity).toBeNull();
    });

    it('rejects options that make no sense with a coded error', () => {
      expect(() => new Matcher(CATALOG, { fieldThreshold: 1.5 })).toThrow(ShadowscanError);
      expect(() => new Matcher(CATALOG, { topK: 0 })).toThrow(/topK/);
    });

    it('ignores options passed as undefined', () => {
      expect(() => new Matcher(CATALOG, { topK: undefined })).not.toThrow();
    });
  });

  it('matches nothing against an empty catalog', () => {
    const match = matchTable(table('T', [col(0, 'Email', 'email')]), []);
    expect(match).toEqual({
      sheet: 'T',
      range: 'A1:A100',
      entity: null,
      columns: [{ column: 'Email', index: 0, candidates: [] }],
    });
  });
});
