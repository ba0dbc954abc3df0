import fc from 'fast-check';
import {
  formSimilarity,
  isPlaceholderName,
  nameForm,
  nameSimilarity,
  normaliseName,
  tokensSimilarity,
} from './name-similarity';

describe('normaliseName', () => {
  it.each([
    ['customerName', ['customer', 'name']],
    ['CustomerID', ['customer', 'id']],
    ['VATNumber', ['tax', 'number']],
    ['vendor_name', ['vendor', 'name']],
    ['e-mail', ['email']],
    ['E Mail', ['email']],
    ['eMail', ['email']],
    ['Invoice #', ['invoice', 'number']],
    ['#', ['number']],
    ['Cust. No.', ['customer', 'number']],
    ['CUSTNO', ['customer', 'number']],
    ['DOB', ['date', 'birth']],
    ['Date of birth', ['date', 'birth']],
    ['Tel', ['phone']],
    ['Supplier name', ['vendor', 'name']],
    ['Client', ['customer']],
    ['Dépôt / Société', ['depot', 'societe']],
    ['address.line-1', ['address', 'line', '1']],
    ['Address1', ['address', '1']],
    ['Zip Code', ['postcode']],
    ['Postal code', ['postcode']],
    ['Surname', ['last', 'name']],
    ['Given name', ['first', 'name']],
    ['Terms & Conditions', ['term', 'condition']],
    ['Companies', ['company']],
    ['Addresses', ['address']],
    ['Status', ['status']],
    ['Amt (EUR)', ['amount', 'eur']],
    ['Valid from', ['valid', 'from']],
    ['Valid to', ['valid', 'to']],
    ['  ', []],
  ])('%j → %j', (input, expected) => {
    expect(normaliseName(input)).toEqual(expected);
  });

  it('keeps a header made only of stopwords rather than emptying it', () => {
    expect(normaliseName('A')).toEqual(['a']);
  });

  it('leaves ordinary words that merely end like a glued suffix alone', () => {
    expect(normaliseName('Paid')).toEqual(['paid']);
    expect(normaliseName('Valid')).toEqual(['valid']);
  });
});

describe('isPlaceholderName', () => {
  it.each(['Column 7', 'Unnamed: 3', 'F', 'Col3', '', 'Field 12'])('%j is a placeholder', (name) => {
    expect(isPlaceholderName(normaliseName(name))).toBe(true);
  });
  it.each(['Notes', 'Cust No', 'Q3 revenue'])('%j is a real header', (name) => {
    expect(isPlaceholderName(normaliseName(name))).toBe(false);
  });
});

describe('nameSimilarity', () => {
  it('is 1 for names that normalise to the same tokens', () => {
    expect(nameSimilarity('E-mail', 'email')).toBe(1);
    expect(nameSimilarity('Tel', 'phone')).toBe(1);
    expect(nameSimilarity('Supplier name', 'vendor_name')).toBe(1);
    expect(nameSimilarity('Lastname', 'last_name')).toBe(1);
    expect(nameSimilarity('Name Customer', 'customer_name')).toBe(1);
    expect(nameSimilarity('DOB', 'date_of_birth')).toBe(1);
  });

  it('ranks the right field above a field that shares only a generic word', () => {
    expect(nameSimilarity('Supplier name', 'vendor_name')).toBeGreaterThan(
      nameSimilarity('Supplier name', 'vendor_id'),
    );
    expect(nameSimilarity('Cust No', 'customer_id')).toBeGreaterThan(0.9);
    expect(nameSimilarity('Cust No', 'contact_id')).toBeLessThan(0.35);
  });

  it('scores a header that is a subset of the field name high when only a qualifier is missing', () => {
    expect(nameSimilarity('Company', 'company_name')).toBeGreaterThanOrEqual(0.75);
    expect(nameSimilarity('Contact Email', 'email')).toBeGreaterThan(0.6);
    // "Name" alone names nothing in particular.
    expect(nameSimilarity('Name', 'company_name')).toBeLessThanOrEqual(0.5);
  });

  it('treats synonyms as close but below the exact word', () => {
    const synonym = nameSimilarity('Telephone', 'phone');
    expect(synonym).toBeGreaterThanOrEqual(0.85);
    expect(synonym).toBeLessThan(1);
    expect(nameSimilarity('Mobile', 'mobile')).toBeGreaterThan(nameSimilarity('Mobile', 'phone'));
    expect(nameSimilarity('Payment terms', 'payment_conditions')).toBeGreaterThan(0.9);
    expect(nameSimilarity('Organization', 'company')).toBeGreaterThan(0.85);
  });

  it('forgives typos but not words that merely share letters', () => {
    expect(nameSimilarity('Adress', 'address')).toBeGreaterThan(0.8);
    expect(nameSimilarity('Custmer name', 'customer_name')).toBeGreaterThan(0.9);
    expect(nameSimilarity('Amount', 'account')).toBe(0);
    expect(nameSimilarity('Status', 'state')).toBe(0);
    expect(nameSimilarity('Date', 'name')).toBe(0);
    expect(nameSimilarity('Who', 'owner')).toBe(0);
  });

  it('keeps numbered columns apart', () => {
    expect(nameSimilarity('Address 1', 'address_line_1')).toBeGreaterThan(0.8);
    expect(nameSimilarity('Address 1', 'address_2')).toBeLessThanOrEqual(0.5);
  });

  it('is 0 when either side has no tokens', () => {
    expect(nameSimilarity('', 'email')).toBe(0);
    expect(nameSimilarity('---', 'email')).toBe(0);
  });

  it('stays within 0..1 and is 1 on identical non-empty names', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const s = nameSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        if (normaliseName(a).length > 0) expect(nameSimilarity(a, a)).toBe(1);
      }),
    );
  });
});

describe('formSimilarity (names prepared once)', () => {
  it('scores as tokensSimilarity does', () => {
    const pairs: Array<[string, string]> = [
      ['Cust No', 'customer_id'],
      ['Address 1', 'address_2'],
      ['shiptoaddress', 'ship_to_address'],
      ['Sex', 'gender'],
      ['Smoking history', 'tobacco_smoking_status'],
      ['Notes', 'credit_limit'],
    ];
    for (const [a, b] of pairs) {
      const [ta, tb] = [normaliseName(a), normaliseName(b)];
      expect(formSimilarity(nameForm(ta), nameForm(tb))).toBeCloseTo(tokensSimilarity(ta, tb), 10);
    }
  });
});
