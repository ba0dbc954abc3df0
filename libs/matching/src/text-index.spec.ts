import { headerSynonyms, TextIndex, textTokens } from './text-index';

describe('textTokens', () => {
  it('keeps content words, stemmed, without description stopwords', () => {
    expect(textTokens('Whether the patient is a smoker')).toEqual(['patient', 'smok']);
    expect(textTokens('Smoking history')).toEqual(['smok', 'history']);
  });
});

describe('TextIndex (descriptions)', () => {
  const docs = [
    'segment Commercial segment of the account',
    'credit_limit Approved credit limit in GBP',
    'created_on Date the account was opened',
    'status Payment status of the invoice',
    'alcohol_history Alcohol consumption of the person',
  ].map(textTokens);
  const index = new TextIndex(docs);

  it('scores 1 when every word of the header is in the field description, 0 when none is', () => {
    expect(index.search(textTokens('Credit limit')).get(1)).toBeCloseTo(1, 5);
    expect(index.search(textTokens('Shoe size')).size).toBe(0);
  });

  it('weighs rare words more than common ones', () => {
    // "account" is in two descriptions, "opened" in one: the header's rarer word decides.
    const scores = index.search(textTokens('Account opened'));
    expect(scores.get(2)!).toBeGreaterThan(scores.get(0)!);
  });

  it('completes a truncated header word with the words it abbreviates, for less than the word itself', () => {
    const truncated = index.search(textTokens('alcohol consum')).get(4)!;
    const full = index.search(textTokens('alcohol consumption')).get(4)!;
    expect(truncated).toBeGreaterThan(0.5);
    expect(truncated).toBeLessThan(full);
  });

  it('finds a description through a synonym of the header word, for less than the word itself', () => {
    const synonyms = new Map([['sum', ['amount', 'limit']]]);
    const viaSynonym = index.search(['credit', 'sum'], synonyms).get(1)!;
    expect(viaSynonym).toBeGreaterThan(index.search(['credit', 'sum']).get(1)!);
    expect(viaSynonym).toBeLessThan(1);
  });

  it("counts the words of a field's name fully however long its description", () => {
    const long = [
      textTokens(
        'churn_risk_score Modelled likelihood, refreshed every night from billing, usage and support ' +
          'tickets, that the account does not renew its subscription at the end of the current contract term',
      ),
      ...docs,
    ];
    const names = [textTokens('churn_risk_score'), ...docs.map(() => [])];
    const query = textTokens('Churn outlook');
    const plain = new TextIndex(long).search(query).get(0)!;
    const named = new TextIndex(long, names).search(query).get(0)!;
    expect(named).toBeGreaterThan(plain);
    // "churn" is the only word found: the whole of its share of the query, no less.
    const idf = new TextIndex(long, names);
    const share = idf.idfOf(query[0]) / (idf.idfOf(query[0]) + idf.idfOf(query[1]));
    expect(named).toBeCloseTo(share, 5);
  });

  it('measures how much of a description the table as a whole talks about', () => {
    const coverage = index.coverage(new Set(textTokens('Invoice Status Payment Amount')));
    expect(coverage.get(3)!).toBeGreaterThan(0.5);
    expect(coverage.get(2) ?? 0).toBe(0);
  });
});

describe('headerSynonyms', () => {
  it('gives WordNet synonyms of the header words, stemmed like the index', () => {
    expect(headerSynonyms('Sex').get('sex')).toContain(textTokens('gender')[0]);
  });
});

describe('units and plurals in descriptions', () => {
  it('reads a unit symbol as the word a description uses', () => {
    expect(textTokens('Tumor size (cm)')).toEqual(textTokens('tumor size centimeter'));
    const index = new TextIndex(
      [
        'tumor_dimension Largest dimension of the tumor, measured in centimeters',
        'tumor_count Number of tumors found',
      ].map(textTokens),
    );
    const scores = index.search(textTokens('Tumor size cm'));
    expect(scores.get(0)!).toBeGreaterThan(scores.get(1) ?? 0);
  });

  it('stems a plural and its singular alike', () => {
    expect(textTokens('customers')).toEqual(textTokens('customer'));
    expect(textTokens('centimeters')).toEqual(textTokens('centimeter'));
    expect(textTokens('status')).toEqual(['status']);
  });
});
