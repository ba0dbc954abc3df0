/**
 * The vocabulary behind name similarity: abbreviations, synonyms and the tokens that carry little meaning.
 * Headers in shadow spreadsheets are written by hand, so the lexicon leans towards business English as
 * people type it in column headers. Kept as data so that it can grow (or be loaded per tenant) without
 * touching the similarity code.
 */

/**
 * Multi-token phrases collapsed before abbreviations are expanded, so that "e mail" and "post code" become
 * one token on both sides. Longest phrases first, because "postal code" must win over "code".
 */
export const PHRASES: ReadonlyArray<readonly [readonly string[], readonly string[]]> = [
  [['e', 'mail'], ['email']],
  [['post', 'code'], ['postcode']],
  [['postal', 'code'], ['postcode']],
  [['zip', 'code'], ['postcode']],
  [['job', 'title'], ['jobtitle']],
  [
    ['given', 'name'],
    ['first', 'name'],
  ],
  [
    ['christian', 'name'],
    ['first', 'name'],
  ],
  [
    ['family', 'name'],
    ['last', 'name'],
  ],
  [
    ['phone', 'no'],
    ['phone', 'number'],
  ],
];

/**
 * One token → its canonical expansion. Business synonyms that the domain treats as the same thing
 * (supplier/vendor, client/customer, firm/company) are canonicalised here rather than only in SYNONYMS,
 * because a catalog uses one word and spreadsheets the other, and an exact match should score as one.
 */
export const ABBREVIATIONS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['cust', ['customer']],
  ['custs', ['customer']],
  ['client', ['customer']],
  ['supp', ['vendor']],
  ['suppl', ['vendor']],
  ['supplier', ['vendor']],
  ['vend', ['vendor']],
  ['no', ['number']],
  ['nr', ['number']],
  ['nbr', ['number']],
  ['num', ['number']],
  ['numb', ['number']],
  ['nro', ['number']],
  ['amt', ['amount']],
  ['qty', ['quantity']],
  ['qnty', ['quantity']],
  ['dob', ['date', 'of', 'birth']],
  ['addr', ['address']],
  ['adr', ['address']],
  ['tel', ['phone']],
  ['ph', ['phone']],
  ['phn', ['phone']],
  ['mob', ['mobile']],
  ['mail', ['email']],
  ['acct', ['account']],
  ['acc', ['account']],
  ['mgr', ['manager']],
  ['inv', ['invoice']],
  ['vat', ['tax']],
  ['desc', ['description']],
  ['descr', ['description']],
  ['dt', ['date']],
  ['nm', ['name']],
  ['co', ['company']],
  ['firm', ['company']],
  ['org', ['organisation']],
  ['organization', ['organisation']],
  ['cur', ['currency']],
  ['curr', ['currency']],
  ['ccy', ['currency']],
  ['identifier', ['id']],
  ['ident', ['id']],
  ['ids', ['id']],
  ['ref', ['reference']],
  ['cd', ['code']],
  ['dept', ['department']],
  ['emp', ['employee']],
  ['fname', ['first', 'name']],
  ['firstname', ['first', 'name']],
  ['forename', ['first', 'name']],
  ['lname', ['last', 'name']],
  ['lastname', ['last', 'name']],
  ['surname', ['last', 'name']],
  ['zip', ['postcode']],
  ['zipcode', ['postcode']],
  ['postalcode', ['postcode']],
  ['pct', ['percent']],
  ['perc', ['percent']],
  ['yr', ['year']],
  ['ctry', ['country']],
  ['cntry', ['country']],
  ['pmt', ['payment']],
  ['pymt', ['payment']],
  ['bal', ['balance']],
  ['txn', ['transaction']],
  ['tx', ['transaction']],
]);

/**
 * Words that mean the same in this domain but are not canonicalised, because a catalog may hold both
 * (an HR entity with `phone` and `mobile`): an exact word must still beat its synonym.
 */
export const SYNONYM_GROUPS: ReadonlyArray<readonly string[]> = [
  // supplier/vendor, client/customer, mail/email and zip/postcode are canonicalised in ABBREVIATIONS.
  ['company', 'organisation', 'business'],
  ['phone', 'telephone', 'mobile', 'cell'],
  ['term', 'condition'],
  ['jobtitle', 'title', 'role', 'position'],
  ['employee', 'staff'],
];

/** A synonym is nearly as good as the word itself; the gap keeps the exact word first. */
export const SYNONYM_SCORE = 0.9;

/**
 * Identifier-like words: a column "Cust No" is usually the official `customer_id`. Related, but softer
 * than synonyms, because "number" also means a count or a phone number.
 */
export const IDENTIFIER_WORDS: ReadonlySet<string> = new Set(['id', 'number', 'code', 'key', 'reference']);
export const IDENTIFIER_TO_ID_SCORE = 0.8;
export const IDENTIFIER_TO_IDENTIFIER_SCORE = 0.7;

/** Units of measure and currency codes as they appear in headers. */
export const UNIT_TOKENS: readonly string[] = [
  'cm',
  'mm',
  'km',
  'kg',
  'lb',
  'lbs',
  'usd',
  'eur',
  'gbp',
  'chf',
  'sek',
  'jpy',
  'minute',
  'min',
  'hour',
  'hr',
  'hrs',
  'second',
  'sec',
  'day',
  'week',
  'month',
];

/**
 * Unit symbols as written in headers and data dictionaries, and the word a description uses for them
 * ("Tumor size (cm)" against "measured in centimeters"). Symbols that also abbreviate other words
 * ("min" for minimum, "sec" for secondary) are left out.
 */
export const UNIT_NAMES: ReadonlyMap<string, string> = new Map([
  ['cm', 'centimeter'],
  ['mm', 'millimeter'],
  ['km', 'kilometer'],
  ['kg', 'kilogram'],
  ['lb', 'pound'],
  ['lbs', 'pound'],
  ['ml', 'milliliter'],
  ['usd', 'dollar'],
  ['eur', 'euro'],
  ['hrs', 'hour'],
  ['yrs', 'year'],
  ['mos', 'month'],
  ['wk', 'week'],
  ['wks', 'week'],
]);

/**
 * Tokens that qualify rather than name a thing ("company name", "customer id"). They count half in the
 * token-set measure, so that "Company" still scores high against `company_name`, while "Name" alone does
 * not score high against `company_name`.
 */
export const GENERIC_TOKENS: ReadonlySet<string> = new Set([
  'id',
  'number',
  'code',
  'key',
  'reference',
  'name',
  'value',
  'text',
  'info',
  'detail',
  'data',
  'field',
  'line',
  // Units qualify a measure ("Tumor size (cm)", "Amount EUR", "Time in minutes") rather than name it.
  ...UNIT_TOKENS,
]);
export const GENERIC_TOKEN_WEIGHT = 0.5;

/**
 * Dropped after expansion so that "Date of birth" equals "dob". "to" and "from" are kept on purpose:
 * "Valid from" and "Valid to" are different columns.
 */
export const STOPWORDS: ReadonlySet<string> = new Set([
  'of',
  'the',
  'a',
  'an',
  'for',
  'in',
  'on',
  'at',
  'by',
  'per',
  'and',
  'or',
  'with',
]);

/**
 * Headers a tool or a hurried author puts in when a column has no real name ("Column7", "Unnamed: 3",
 * "F"). Such a header says nothing about the content, so its name evidence is discounted.
 */
export const PLACEHOLDER_TOKENS: ReadonlySet<string> = new Set([
  'column',
  'col',
  'field',
  'fld',
  'unnamed',
  'untitled',
  'header',
  'blank',
  'var',
  'variable',
  'new',
  'misc',
  'other',
]);

/**
 * Legacy exports glue words together ("CUSTNO", "VENDORID"). A glued token is split only when it ends
 * with one of these suffixes and what comes before is a word the lexicon knows, so that "paid" or
 * "valid" are left alone.
 */
export const GLUED_SUFFIXES: readonly string[] = [
  'number',
  'name',
  'code',
  'date',
  'type',
  'ref',
  'nbr',
  'num',
  'id',
  'no',
  'nr',
  'nm',
  'cd',
  'dt',
];
export const GLUED_STEMS_EXTRA: readonly string[] = [
  'order',
  'item',
  'product',
  'contract',
  'project',
  'user',
  'contact',
  'phone',
  'email',
  'tax',
  'postcode',
  'company',
  'account',
  'employee',
  'customer',
  'vendor',
  'invoice',
  'first',
  'last',
  'birth',
  'start',
  'end',
  'due',
  'created',
  'updated',
];
