import type { ColumnProfile, ColumnType, SorEntity, SorField, TableFingerprint } from '@shadowscan/domain';
import { minhashSignature } from '@shadowscan/domain';
import { DEFAULT_MATCH_OPTIONS } from './match-options';
import { HEADER_VALUES_SCORE, Matcher } from './matcher';

/**
 * Each signal as a user meets it: the evidence that moves the right field up, shown with the candidate.
 */
function field(name: string, extra: Partial<SorField> = {}): SorField {
  return { name, values: [], ...extra };
}

function col(index: number, name: string, type: ColumnType = 'string', values: string[] = []): ColumnProfile {
  return { name, index, type, typeShare: 1, nullRatio: 0, distinct: values.length, values };
}

function table(columns: ColumnProfile[]): TableFingerprint {
  return { sheet: 'S', range: 'A1:Z100', headerRow: 1, rowCount: 99, columns, schemaHash: 'h' };
}

function top(matcher: Matcher, columns: ColumnProfile[], column = columns[0].name) {
  const m = matcher.matchTable(table(columns));
  return m.columns.find((c) => c.column === column)!.candidates;
}

const range = <T = string>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('Matcher signals', () => {
  describe('description (a data dictionary with no data)', () => {
    const glossary: SorEntity[] = [
      {
        system: 'erp',
        name: 'account',
        key: [],
        fields: [
          field('seg_cd', { description: 'Commercial segment the customer belongs to' }),
          field('cr_lim', { description: 'Approved credit limit in GBP' }),
          field('open_dt', { description: 'Date the account was opened' }),
        ],
      },
    ];
    const matcher = new Matcher(glossary);

    it('finds a field whose name says nothing through its description', () => {
      const [first] = top(matcher, [col(0, 'Credit limit', 'currency')]);
      expect(first).toMatchObject({ field: 'cr_lim' });
      expect(first.signals.description).toBeGreaterThan(0.9);
      expect(first.score).toBeGreaterThanOrEqual(DEFAULT_MATCH_OPTIONS.fieldThreshold);
      expect(top(matcher, [col(0, 'Segment')])[0]).toMatchObject({ field: 'seg_cd' });
    });

    it('works on a header-only sheet', () => {
      const m = matcher.matchTable(table([col(0, 'Segment', 'empty'), col(1, 'Date opened', 'empty')]));
      expect(m.columns.map((c) => c.candidates[0]?.field)).toEqual(['seg_cd', 'open_dt']);
    });

    it('shows how much of the field the rest of the table talks about (siblings)', () => {
      const [first] = top(matcher, [col(0, 'Segment'), col(1, 'Customer'), col(2, 'Commercial owner')]);
      expect(first.signals.siblings).toBeGreaterThan(0);
    });
  });

  describe('values (names and values, no descriptions)', () => {
    // Normalised, as profiles and the catalog loader give values.
    const codes = range(40, (i) => `inv-2024-${String(i).padStart(5, '0')}`);
    const catalog: SorEntity[] = [
      {
        system: 'erp',
        name: 'invoice',
        key: ['doc_no'],
        fields: [
          field('doc_no', { type: 'id', values: codes }),
          field('terms', { allowedValues: ['Net 30', 'Net 60', 'Due on receipt'] }),
          field('gross', { type: 'decimal', values: range(30, (i) => String(1000 + 150 * i)) }),
          field('lines', { type: 'integer', values: range(30, (i) => String(1 + (i % 9))) }),
          field('pay_method', { allowedValues: ['Bank transfer', 'Card', 'Direct debit'] }),
        ],
      },
    ];
    const matcher = new Matcher(catalog);

    it('counts the share of the column values the field holds (values) and its allowed values (allowed)', () => {
      const [first] = top(matcher, [col(0, 'Column 1', 'id', codes.slice(0, 12))]);
      expect(first).toMatchObject({ field: 'doc_no' });
      expect(first.signals.values).toBe(1);
      const [terms] = top(matcher, [col(0, 'Column 2', 'string', ['Net 30', 'Net 60', 'Net 30'])]);
      expect(terms).toMatchObject({ field: 'terms' });
      expect(terms.signals.allowed).toBe(1);
    });

    it('estimates containment from MinHash signatures when the column keeps no values', () => {
      const profile = {
        ...col(0, 'Document', 'id'),
        distinct: 30,
        minhash: minhashSignature(codes.slice(0, 30)),
      };
      const [first] = top(matcher, [profile]);
      expect(first).toMatchObject({ field: 'doc_no' });
      expect(first.signals.values).toBeGreaterThan(0.5);
    });

    it('compares value shapes (format) even when no value is shared', () => {
      const next = range(12, (i) => `INV-2025-${String(i).padStart(5, '0')}`);
      const [first] = top(matcher, [col(0, 'Doc no', 'id', next)]);
      expect(first).toMatchObject({ field: 'doc_no' });
      expect(first.signals.format).toBe(1);
      expect(first.signals.values).toBe(0);
    });

    it('compares the spread of numbers (distribution)', () => {
      const amounts = col(
        0,
        'Gross lines',
        'decimal',
        range(20, (i) => String(1200 + 170 * i)),
      );
      const candidates = top(matcher, [amounts]);
      const gross = candidates.find((c) => c.field === 'gross')!;
      const lines = candidates.find((c) => c.field === 'lines')!;
      expect(gross.signals.distribution).toBeGreaterThan(lines.signals.distribution);
      expect(gross.score).toBeGreaterThan(lines.score);
    });

    it('finds allowed values written differently through the words they share (vocabulary)', () => {
      const [first] = top(matcher, [
        col(0, 'How paid', 'string', ['bank transfer (SEPA)', 'card payment', 'card']),
      ]);
      expect(first).toMatchObject({ field: 'pay_method' });
      expect(first.signals.vocabulary).toBeGreaterThan(0.4);
    });

    it('matches each value with its closest allowed value, token by token (fuzzyValues)', () => {
      const candidates = top(matcher, [
        col(0, 'Column 4', 'string', ['Net 30 days', 'Net 60 days', 'net 30', 'Due on receipt (cash)']),
      ]);
      const terms = candidates.find((c) => c.field === 'terms')!;
      expect(candidates[0]).toMatchObject({ field: 'terms' });
      expect(terms.signals.fuzzyValues).toBeGreaterThan(0.7);
      expect(terms.signals.allowed).toBeLessThan(0.5);
      expect(candidates.find((c) => c.field === 'pay_method')?.signals.fuzzyValues ?? 0).toBe(0);
    });
  });

  describe("a header made of the field's values (name)", () => {
    const catalog: SorEntity[] = [
      {
        system: 'crm',
        name: 'account',
        key: [],
        fields: [
          field('kind', { allowedValues: ['Active', 'Dormant', 'Closed'] }),
          field('paid_state', { allowedValues: ['Paid', 'Unpaid', 'Overdue'] }),
          field('last_payment_date', { type: 'date' }),
        ],
      },
    ];
    const matcher = new Matcher(catalog);

    it('names the field by its answers ("Paid/Unpaid") as well as by its question', () => {
      const [first] = top(matcher, [col(0, 'Paid/Unpaid', 'string', ['P', 'U'])]);
      expect(first).toMatchObject({ field: 'paid_state' });
      expect(first.signals.name).toBeCloseTo(HEADER_VALUES_SCORE, 3);
      // Two of three words: a prefix the export puts before every column does not undo it.
      const [prefixed] = top(matcher, [col(0, 'Billing_Paid_Unpaid', 'string', ['P', 'U'])]);
      expect(prefixed).toMatchObject({ field: 'paid_state' });
      expect(prefixed.signals.name).toBeCloseTo((2 / 3) * HEADER_VALUES_SCORE, 3);
    });

    it("takes two of the field's values: one value word in a header is a coincidence", () => {
      const candidates = top(matcher, [col(0, 'Overdue since', 'date', ['2024-01-03'])]);
      expect(candidates.find((c) => c.field === 'paid_state')?.signals.name ?? 0).toBe(0);
    });
  });

  describe('thin evidence in a data dictionary', () => {
    const described: SorEntity[] = [
      {
        system: 'clin',
        name: 'case',
        key: [],
        fields: [
          field('smoking_status', {
            description: 'Whether the person smokes',
            allowedValues: ['Current smoker', 'Former smoker', 'Never smoker'],
          }),
          field('smoking_days', {}),
          field('sex', { description: 'Sex of the person', allowedValues: ['Female', 'Male'] }),
          field('alcohol', { description: 'Alcohol use', allowedValues: ['Drinker', 'Non-drinker'] }),
        ],
      },
    ];
    const bare: SorEntity[] = [
      {
        ...described[0],
        fields: described[0].fields.map((f) => ({ ...f, description: undefined, allowedValues: undefined })),
      },
    ];
    const smoking = col(0, 'Smoking', 'string', ['current smoker', 'never', 'former smoker', 'never']);

    it('gives a field left undescribed in a described catalog a description of 0 (weak evidence)', () => {
      const days = top(new Matcher(described), [smoking]).find((c) => c.field === 'smoking_days')!;
      expect(days.signals.description).toBe(0);
      const bareDays = top(new Matcher(bare), [smoking]).find((c) => c.field === 'smoking_days')!;
      expect(bareDays.signals.description).toBeUndefined();
    });

    it('gives a field with no list a value match of 0 against a short list of labels, where lists are the rule', () => {
      const candidates = top(new Matcher(described), [smoking]);
      const days = candidates.find((c) => c.field === 'smoking_days')!;
      expect(days.signals.fuzzyValues).toBe(0);
      expect(candidates[0]).toMatchObject({ field: 'smoking_status' });
      const bareDays = top(new Matcher(bare), [smoking]).find((c) => c.field === 'smoking_days')!;
      expect(bareDays.signals.fuzzyValues).toBeUndefined();
    });
  });

  it('takes a field that holds every value of the column as type-compatible (yes/no read as booleans)', () => {
    const catalog: SorEntity[] = [
      {
        system: 'crm',
        name: 'contact',
        key: [],
        fields: [
          field('opted_out', { type: 'string', allowedValues: ['Yes', 'No'] }),
          field('opted_in', { type: 'string', allowedValues: ['Granted', 'Refused'] }),
        ],
      },
    ];
    const candidates = top(new Matcher(catalog), [col(0, 'Opted', 'boolean', ['yes', 'no', 'yes'])]);
    expect(candidates.find((c) => c.field === 'opted_out')!.signals.type).toBe(0.7);
    expect(candidates.find((c) => c.field === 'opted_in')!.signals.type).toBe(0.4);
  });

  it("lets the values decide between fields a header only half names (a contact sheet's company reference)", () => {
    const catalog: SorEntity[] = [
      {
        system: 'crm',
        name: 'contact',
        key: ['contact_id'],
        fields: [
          field('contact_id', { type: 'id', values: range(30, (i) => `ct-${20000 + i}`) }),
          field('customer_id', { type: 'id', values: range(30, (i) => `c-${10000 + i}`) }),
          field('email', { type: 'email' }),
        ],
      },
    ];
    const [first] = top(new Matcher(catalog), [
      col(
        0,
        'Company ID',
        'id',
        range(12, (i) => `C-${10000 + i}`),
      ),
    ]);
    expect(first).toMatchObject({ field: 'customer_id' });
    expect(first.score).toBeGreaterThanOrEqual(DEFAULT_MATCH_OPTIONS.fieldThreshold);
  });

  it('lets many distinct values, nearly all official, carry a header that names something else', () => {
    const opened = range(
      60,
      (i) => `2019-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    );
    const catalog: SorEntity[] = [
      {
        system: 'crm',
        name: 'customer',
        key: [],
        fields: [field('created_on', { type: 'date', values: [...new Set(opened)] })],
      },
    ];
    const matcher = new Matcher(catalog);
    const [since] = top(matcher, [col(0, 'Customer since', 'date', opened.slice(0, 40))]);
    expect(since).toMatchObject({ field: 'created_on' });
    expect(since.score).toBeGreaterThanOrEqual(DEFAULT_MATCH_OPTIONS.fieldThreshold);
    // A handful of overlapping values is not enough.
    const [few] = top(matcher, [col(0, 'Renewal date', 'date', opened.slice(0, 4))]);
    expect(few?.score ?? 0).toBeLessThan(DEFAULT_MATCH_OPTIONS.fieldThreshold);
  });

  describe('family (what the rest of the table chose)', () => {
    const catalog: SorEntity[] = [
      {
        system: 'erp',
        name: 'order',
        key: [],
        fields: [
          field('billing_street', { type: 'string' }),
          field('billing_city', { type: 'string' }),
          field('shipping_street', { type: 'string' }),
          field('shipping_city', { type: 'string' }),
        ],
      },
    ];
    const matcher = new Matcher(catalog);

    it("prefers the sibling whose unexplained words the table's other columns were matched by", () => {
      const city = col(1, 'City');
      for (const side of ['billing', 'shipping']) {
        const candidates = top(matcher, [col(0, `${side} street`), city], 'City');
        expect(candidates[0]).toMatchObject({ field: `${side}_city` });
        expect(candidates[0].signals.family).toBe(1);
        // The other side's city was not chosen by the table: evidence against it. The streets share
        // no word with the header, so the family says nothing about them.
        const other = side === 'billing' ? 'shipping' : 'billing';
        expect(candidates.find((c) => c.field === `${other}_city`)!.signals.family).toBe(0);
        for (const c of candidates.filter((x) => x.field.endsWith('_street'))) {
          expect(c.signals.family).toBeUndefined();
        }
      }
    });

    it('does not count a same-named field of another entity as a sibling the table did not choose', () => {
      const fields = () => ['billing_city', 'shipping_city'].map((n) => field(n, { type: 'string' }));
      const two = new Matcher([
        { system: 'erp', name: 'order', key: [], fields: fields() },
        { system: 'erp', name: 'quote', key: [], fields: fields() },
      ]);
      const pairs = two.explainTable(table([col(0, 'Billing city'), col(1, 'City')]))[1];
      const family = (entity: string, f: string) =>
        pairs.find((p) => p.entity === entity && p.field === f)!.evidence.family;
      // "Billing city" went to order.billing_city: the word "billing" it lends says nothing against
      // that very field under "City" (the contest settles that), and speaks for quote.billing_city.
      expect(family('order', 'billing_city')).toBeUndefined();
      expect(family('quote', 'billing_city')?.score).toBe(1);
      expect(family('order', 'shipping_city')?.score).toBe(0);
    });

    it('counts a word most field names share for less than a rare one', () => {
      const orders = new Matcher([
        {
          system: 'erp',
          name: 'order',
          key: [],
          fields: [
            'billing_street',
            'billing_city',
            'invoice_status',
            'payment_status',
            'delivery_status',
            'return_status',
            'status_note',
          ].map((n) => field(n, { type: 'string' })),
        },
      ]);
      const columns = [col(0, 'Billing street'), col(1, 'Invoice status'), col(2, 'City'), col(3, 'Note')];
      const pairs = orders.explainTable(table(columns));
      const family = (c: number, f: string) => pairs[c].find((p) => p.field === f)!.evidence.family!;
      // Both lent by an exact header match; "billing" is in two names, "status" in five.
      expect(family(2, 'billing_city').confidence).toBeGreaterThan(family(3, 'status_note').confidence);
    });

    it('says nothing when the other columns name no sibling, or the header explains the whole name', () => {
      const alone = top(matcher, [col(0, 'City'), col(1, 'Amount')], 'City');
      expect(alone.every((c) => c.signals.family === undefined)).toBe(true);
      const full = top(matcher, [col(0, 'Shipping street'), col(1, 'Shipping city')], 'Shipping city');
      expect(full[0]).toMatchObject({ field: 'shipping_city' });
      expect(full[0].signals.family).toBeUndefined();
    });
  });

  describe('blocking', () => {
    const many: SorEntity[] = [
      {
        system: 's',
        name: 'big',
        key: [],
        fields: range(300, (i) => field(`attribute_${i}_text`)).concat([field('customer_email')]),
      },
    ];

    it('scores only the fields that share a word, a value or a signature bucket with the column', () => {
      const matcher = new Matcher(many, { topK: 500 });
      const candidates = top(matcher, [col(0, 'Customer e-mail', 'email')]);
      expect(candidates.map((c) => c.field)).toEqual(['customer_email']);
    });

    it('keeps at most maxCandidates per column, those with the most shared evidence', () => {
      const matcher = new Matcher(many, { topK: 500, maxCandidates: 5 });
      const candidates = top(matcher, [col(0, 'Attribute 7 text')]);
      expect(candidates.length).toBeLessThanOrEqual(5);
      expect(candidates[0].field).toBe('attribute_7_text');
    });
  });

  it('explains every candidate pair with its evidence and confidences', () => {
    const matcher = new Matcher([
      {
        system: 's',
        name: 'person',
        key: [],
        fields: [field('email', { type: 'email', description: 'Work e-mail' })],
      },
    ]);
    const [pairs] = matcher.explainTable(table([col(0, 'E-mail', 'email', ['a@x.org'])]));
    expect(pairs[0]).toMatchObject({ field: 'email', evidence: { name: { score: 1, confidence: 1 } } });
    expect(pairs[0].evidence.description!.score).toBeGreaterThan(0.9);
  });
});
