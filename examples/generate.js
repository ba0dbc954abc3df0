'use strict';

// Regenerates the bundled example business case (Northwind Tools Ltd): the catalog of systems of
// record, their CSV extracts, the folder of spreadsheets people built around them, and the list of
// drifted cells a scanner is expected to report.
//
//   node examples/generate.js
//
// Deterministic: one seeded PRNG stream per dataset, fixed dates everywhere (workbook properties and
// zip entry timestamps included), so a rerun produces byte-identical files.

const fs = require('fs');
const path = require('path');
const ExcelJS = require('exceljs');

const ROOT = __dirname;
const WORKSPACE = path.join(ROOT, 'workspace');
const SYSTEMS = path.join(ROOT, 'systems');
const SEED = 20260930;
/** "Today" in the story: the end of Q3 2026. Invoice statuses are computed against it. */
const AS_OF = '2026-09-30';
/** Every workbook claims to be created/modified at a fixed instant; zip entries get the same time. */
const FIXED_TIME = new Date(Date.UTC(2026, 8, 28, 9, 30, 0));

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One independent stream per dataset, so changing one dataset never reshuffles another. */
function stream(name) {
  let h = SEED >>> 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const r = mulberry32(h);
  const api = {
    float: r,
    int: (lo, hi) => lo + Math.floor(r() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(r() * arr.length)],
    chance: (p) => r() < p,
    digits: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += String(Math.floor(r() * 10));
      return s;
    },
    letters: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(65 + Math.floor(r() * 26));
      return s;
    },
    weighted: (pairs) => {
      const total = pairs.reduce((s, [, w]) => s + w, 0);
      let x = r() * total;
      for (const [v, w] of pairs) {
        x -= w;
        if (x < 0) return v;
      }
      return pairs[pairs.length - 1][0];
    },
    shuffle: (arr) => {
      const a = arr.slice();
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a;
    },
  };
  return api;
}

// ---------------------------------------------------------------------------------------------
// Small helpers: dates, text, CSV
// ---------------------------------------------------------------------------------------------

const DAY = 86400000;
const isoToMs = (iso) => Date.parse(`${iso}T00:00:00Z`);
const msToIso = (ms) => new Date(ms).toISOString().slice(0, 10);
const addDays = (iso, n) => msToIso(isoToMs(iso) + n * DAY);
const utcDate = (iso) => new Date(isoToMs(iso));
const isWeekday = (iso) => {
  const d = new Date(isoToMs(iso)).getUTCDay();
  return d !== 0 && d !== 6;
};
function randomWeekday(rng, fromIso, toIso) {
  const span = Math.round((isoToMs(toIso) - isoToMs(fromIso)) / DAY);
  for (;;) {
    const d = addDays(fromIso, rng.int(0, span));
    if (isWeekday(d)) return d;
  }
}
/** 2026-03-04 -> 04.03.2026 (how a German/Dutch Excel writes dates into CSV). */
const euroDate = (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
/** 1234.5 -> "1234,50" */
const euroAmount = (n) => n.toFixed(2).replace('.', ',');

const ascii = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss');
const slug = (s) =>
  ascii(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

function toCsv(header, rows, { delimiter = ',', eol = '\n', quoteAll = false } = {}) {
  const cell = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    const needs = quoteAll || s.includes(delimiter) || s.includes('"') || /[\r\n]/.test(s);
    return needs ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(delimiter)).join(eol) + eol;
}

function write(rel, data) {
  const file = path.join(ROOT, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------

const SEGMENTS = ['SMB', 'Mid-Market', 'Enterprise'];
const CUSTOMER_COUNTRIES = ['GB', 'IE', 'DE', 'NL', 'FR', 'SE', 'US'];
const VENDOR_COUNTRIES = ['GB', 'IE', 'DE', 'NL', 'FR', 'SE', 'IT', 'ES', 'US'];
const PAYMENT_TERMS = ['Due on receipt', 'Net 15', 'Net 30', 'Net 45', 'Net 60'];
const TERM_DAYS = { 'Due on receipt': 0, 'Net 15': 15, 'Net 30': 30, 'Net 45': 45, 'Net 60': 60 };
const CURRENCIES = ['GBP', 'EUR', 'SEK', 'USD'];
const INVOICE_STATUSES = ['Open', 'Paid', 'Overdue'];
const CURRENCY_OF = {
  GB: 'GBP',
  IE: 'EUR',
  DE: 'EUR',
  NL: 'EUR',
  FR: 'EUR',
  SE: 'SEK',
  IT: 'EUR',
  ES: 'EUR',
  US: 'USD',
};

const CITIES = {
  GB: ['London', 'Manchester', 'Leeds', 'Birmingham', 'Bristol', 'Sheffield', 'Glasgow'],
  IE: ['Dublin', 'Cork', 'Galway'],
  DE: ['Berlin', 'Hamburg', 'Munich', 'Stuttgart', 'Dortmund'],
  NL: ['Amsterdam', 'Rotterdam', 'Eindhoven', 'Utrecht'],
  FR: ['Paris', 'Lyon', 'Lille', 'Nantes'],
  SE: ['Stockholm', 'Gothenburg', 'Malmö'],
  IT: ['Milan', 'Turin', 'Bologna'],
  ES: ['Madrid', 'Barcelona', 'Valencia'],
  US: ['Chicago', 'Cleveland', 'Pittsburgh'],
};

/** Words for invented organisation names, per language: a name (`a`) plus a trade word per kind. */
// prettier-ignore
const ORG_WORDS = {
  en: {
    a: [
      'Harbour', 'Oakridge', 'Bramble', 'Kestrel', 'Ironbridge', 'Northgate', 'Silverline', 'Redwood',
      'Bluestone', 'Granite', 'Copperfield', 'Ashford', 'Highfield', 'Westmoor', 'Fenwick', 'Larkspur',
      'Millbrook', 'Stonehaven', 'Thornbury', 'Windmere', 'Alder', 'Beacon', 'Crestview', 'Elmstead',
      'Foxhall', 'Glenmore', 'Hartwell', 'Juniper', 'Kingsmead', 'Marlow',
    ],
    customer: [
      'Building Supplies', 'Hardware', 'Construction', 'Joinery', 'Engineering', 'Facilities', 'Fixings',
      'Timber', 'Plumbing', 'Electrical', 'Fabrication', 'Maintenance', 'Tool Hire', 'Builders Merchants',
      'Roofing', 'Interiors',
    ],
    vendor: [
      'Steel', 'Polymers', 'Packaging', 'Logistics', 'Castings', 'Fasteners', 'Abrasives', 'Coatings',
      'Electronics', 'Freight', 'Components', 'Alloys',
    ],
  },
  de: {
    a: ['Bergmann', 'Eichwald', 'Falkenstein', 'Hoffmann', 'Lindner', 'Nordhaus', 'Schäfer', 'Zimmermann', 'Krüger', 'Brandt'],
    customer: ['Bau', 'Haustechnik', 'Metallbau', 'Werkzeughandel', 'Industriebedarf', 'Montage'],
    vendor: ['Stahlhandel', 'Kunststofftechnik', 'Verpackungen', 'Spedition', 'Gießerei', 'Schrauben'],
  },
  nl: {
    a: ['Van Dijk', 'De Vries', 'Bakker', 'Visser', 'Smit', 'Mulder', 'Jansen', 'Brouwer'],
    customer: ['Bouw', 'Installatietechniek', 'Gereedschappen', 'Techniek', 'Bouwmaterialen'],
    vendor: ['Staal', 'Verpakkingen', 'Transport', 'Kunststoffen'],
  },
  fr: {
    a: ['Durand', 'Lefèvre', 'Moreau', 'Garnier', 'Rousseau', 'Fontaine', 'Chevalier', 'Girard'],
    customer: ['Bâtiment', 'Outillage', 'Industrie', 'Équipements', 'Maintenance'],
    vendor: ['Aciers', 'Emballages', 'Transports', 'Composants'],
  },
  sv: {
    a: ['Nordberg', 'Lindqvist', 'Sundström', 'Ekman', 'Holm', 'Björk'],
    customer: ['Bygg', 'Verktyg', 'Industri', 'Teknik'],
    vendor: ['Stål', 'Förpackning', 'Logistik', 'Plast'],
  },
  it: {
    a: ['Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo'],
    vendor: ['Acciai', 'Utensili', 'Imballaggi', 'Trasporti', 'Fonderia'],
  },
  es: {
    a: ['García', 'Martínez', 'López', 'Sánchez', 'Romero'],
    vendor: ['Aceros', 'Embalajes', 'Transportes', 'Componentes'],
  },
};
const COUNTRY_LANG = {
  GB: 'en',
  IE: 'en',
  US: 'en',
  DE: 'de',
  NL: 'nl',
  FR: 'fr',
  SE: 'sv',
  IT: 'it',
  ES: 'es',
};
const SUFFIX = {
  GB: ['Ltd', 'Ltd', 'Ltd', 'plc'],
  IE: ['Ltd', 'DAC'],
  US: ['Inc.', 'LLC'],
  DE: ['GmbH', 'GmbH', 'KG'],
  NL: ['B.V.'],
  FR: ['SAS', 'SARL'],
  SE: ['AB'],
  IT: ['S.r.l.', 'S.p.A.'],
  ES: ['S.L.', 'S.A.'],
};

const usedOrgNames = new Set();
function orgName(rng, country, kind) {
  const lang = COUNTRY_LANG[country];
  const words = ORG_WORDS[lang];
  for (;;) {
    const a = rng.pick(words.a);
    const b = rng.pick(words[kind]);
    // Italian and Spanish firms put the trade first: "Fonderia Colombo S.r.l."
    const core = lang === 'it' || lang === 'es' ? `${b} ${a}` : `${a} ${b}`;
    if (usedOrgNames.has(core)) continue;
    usedOrgNames.add(core);
    return { core, name: `${core} ${rng.pick(SUFFIX[country])}` };
  }
}

// prettier-ignore
const PEOPLE = {
  en: {
    first: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Jack', 'Emily', 'Noah', 'Grace', 'James',
      'Chloe', 'William', 'Lucy', 'Thomas', 'Ella', 'Daniel', 'Megan', 'Ryan', 'Aoife', 'Sean', 'Claire'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Thomas', 'Roberts', 'Walker',
      'Wright', 'Robinson', 'Hughes', 'Green', 'Murphy', 'Kelly', 'Byrne', 'Turner', 'Cooper', 'Morgan'],
  },
  de: {
    first: ['Lukas', 'Anna', 'Felix', 'Lea', 'Jonas', 'Hannah', 'Paul', 'Marie', 'Tobias', 'Katrin'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Koch', 'Richter'],
  },
  nl: {
    first: ['Daan', 'Sanne', 'Bram', 'Lotte', 'Thijs', 'Femke', 'Ruben', 'Eva'],
    last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Janssen', 'Visser', 'Smit'],
  },
  fr: {
    first: ['Camille', 'Louis', 'Léa', 'Hugo', 'Manon', 'Jules', 'Chloé', 'Antoine'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit', 'Durand', 'Lefèvre'],
  },
  sv: {
    first: ['Erik', 'Elsa', 'Johan', 'Maja', 'Anders', 'Karin', 'Oskar', 'Linnea'],
    last: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson'],
  },
};

// prettier-ignore
const JOB_TITLES = [
  'Purchasing Manager', 'Procurement Lead', 'Operations Director', 'Site Manager', 'Accounts Payable Clerk',
  'Finance Manager', 'Buyer', 'Senior Buyer', 'Facilities Manager', 'Workshop Supervisor', 'Managing Director',
];

/** Account managers by territory (Northwind's sales team). */
const ACCOUNT_MANAGERS = {
  GB: ['Hannah Clarke', 'Marcus Webb', 'Priya Shah'],
  IE: ['Priya Shah'],
  US: ['Marcus Webb'],
  DE: ['Jonas Keller'],
  NL: ['Jonas Keller'],
  FR: ['Sophie Martin'],
  SE: ['Lars Eriksson'],
};

// Phone numbers: UK ones come from Ofcom's ranges reserved for drama; US ones from 555-01xx.
const usedPhones = new Set();
function phone(rng, country) {
  const gen = {
    GB: () => {
      const [area, local] = rng.pick([
        ['20', '7946 0'],
        ['161', '496 0'],
        ['113', '496 0'],
        ['121', '496 0'],
        ['117', '496 0'],
      ]);
      return `+44 ${area} ${local}${rng.digits(3)}`;
    },
    IE: () => `+353 1 ${rng.int(200, 999)} ${rng.digits(4)}`,
    DE: () => `+49 ${rng.pick(['30', '40', '89', '711'])} ${rng.int(2, 9)}${rng.digits(6)}`,
    NL: () => `+31 ${rng.pick(['20', '10', '40'])} ${rng.int(200, 999)} ${rng.digits(4)}`,
    FR: () =>
      `+33 ${rng.pick(['1', '4', '3'])} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}`,
    SE: () => `+46 8 ${rng.int(200, 999)} ${rng.digits(2)} ${rng.digits(2)}`,
    US: () => `+1 ${rng.pick(['216', '312', '412'])} 555 01${rng.digits(2)}`,
  }[country];
  for (;;) {
    const p = gen();
    if (!usedPhones.has(p)) {
      usedPhones.add(p);
      return p;
    }
  }
}

/** "+33 1 49 14 80 34", "512" -> "+33 1 49 14 85 12": same layout, last digits replaced. */
function replaceLastDigits(text, digits) {
  const chars = text.split('');
  let k = digits.length - 1;
  for (let i = chars.length - 1; i >= 0 && k >= 0; i--) if (/[0-9]/.test(chars[i])) chars[i] = digits[k--];
  return chars.join('');
}

/** IBAN with a valid ISO 13616 check number. */
function ibanCheck(country, bban) {
  const s = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let mod = 0;
  for (const ch of s) mod = (mod * 10 + Number(ch)) % 97;
  return `${country}${String(98 - mod).padStart(2, '0')}${bban}`;
}
function iban(rng, country) {
  const bban = {
    GB: () => `${rng.pick(['NWBK', 'BARC', 'LOYD', 'HBUK', 'MIDL'])}${rng.digits(6)}${rng.digits(8)}`,
    IE: () => `${rng.pick(['AIBK', 'BOFI'])}${rng.digits(6)}${rng.digits(8)}`,
    DE: () => `${rng.digits(8)}${rng.digits(10)}`,
    NL: () => `${rng.pick(['ABNA', 'INGB', 'RABO'])}${rng.digits(10)}`,
    FR: () => `${rng.digits(5)}${rng.digits(5)}${rng.digits(11)}${rng.digits(2)}`,
    SE: () => rng.digits(20),
    IT: () => `${rng.letters(1)}${rng.digits(5)}${rng.digits(5)}${rng.digits(12)}`,
    ES: () => rng.digits(20),
    US: () => null,
  }[country]();
  return bban === null ? '' : ibanCheck(country, bban);
}
function taxId(rng, country) {
  return {
    GB: () => `GB${rng.digits(9)}`,
    IE: () => `IE${rng.digits(7)}${rng.letters(1)}`,
    DE: () => `DE${rng.digits(9)}`,
    NL: () => `NL${rng.digits(9)}B01`,
    FR: () => `FR${rng.digits(2)}${rng.digits(9)}`,
    SE: () => `SE${rng.digits(10)}01`,
    IT: () => `IT${rng.digits(11)}`,
    ES: () => `ESB${rng.digits(8)}`,
    US: () => `${rng.digits(2)}-${rng.digits(7)}`,
  }[country]();
}

// ---------------------------------------------------------------------------------------------
// The catalog (systems of record). Field order = column order of the CSV extracts.
// ---------------------------------------------------------------------------------------------

const CATALOG = [
  {
    name: 'crm',
    description: 'Customer relationship management: the accounts Northwind sells to and the people there',
    entities: [
      {
        name: 'customer',
        description: 'Companies that buy from Northwind, one row per account',
        key: ['customer_id'],
        owner: 'sales-ops@example.com',
        criticality: 'high',
        sample: './systems/crm/customers.csv',
        fields: [
          { name: 'customer_id', type: 'id', description: 'Unique customer number (C-nnnnn)' },
          { name: 'company_name', type: 'string', description: 'Registered company name' },
          { name: 'contact_email', type: 'email', description: 'Main e-mail address of the account' },
          { name: 'phone', type: 'phone', description: 'Switchboard phone number, international format' },
          {
            name: 'country',
            type: 'string',
            description: 'Country of the billing address (ISO 3166 alpha-2)',
            allowed_values: CUSTOMER_COUNTRIES,
          },
          { name: 'segment', type: 'string', description: 'Commercial segment', allowed_values: SEGMENTS },
          { name: 'account_manager', type: 'string', description: 'Northwind account manager (full name)' },
          { name: 'credit_limit', type: 'currency', description: 'Approved credit limit in GBP' },
          { name: 'created_on', type: 'date', description: 'Date the account was opened' },
        ],
      },
      {
        name: 'contact',
        description: 'People at customer companies',
        key: ['contact_id'],
        owner: 'marketing-ops@example.com',
        criticality: 'medium',
        sample: './systems/crm/contacts.csv',
        fields: [
          { name: 'contact_id', type: 'id', description: 'Unique contact number (CT-nnnnn)' },
          { name: 'customer_id', type: 'id', description: 'Customer the person works for (crm.customer)' },
          { name: 'first_name', type: 'string', description: 'Given name' },
          { name: 'last_name', type: 'string', description: 'Family name' },
          { name: 'email', type: 'email', description: 'Work e-mail address' },
          { name: 'job_title', type: 'string', description: 'Job title as given by the contact' },
          { name: 'phone', type: 'phone', description: 'Direct phone number, international format' },
        ],
      },
    ],
  },
  {
    name: 'erp',
    description: 'Enterprise resource planning: purchasing and accounts payable',
    entities: [
      {
        name: 'vendor',
        description: 'Suppliers Northwind buys from and pays',
        key: ['vendor_id'],
        owner: 'procurement@example.com',
        criticality: 'high',
        sample: './systems/erp/vendors.csv',
        fields: [
          { name: 'vendor_id', type: 'id', description: 'Unique vendor number (V-nnnn)' },
          { name: 'vendor_name', type: 'string', description: 'Legal name of the supplier' },
          { name: 'tax_id', type: 'string', description: 'VAT registration number (EIN for US vendors)' },
          { name: 'iban', type: 'string', description: 'Bank account for payments (empty for US vendors)' },
          {
            name: 'payment_terms',
            type: 'string',
            description: 'Agreed payment terms',
            allowed_values: PAYMENT_TERMS,
          },
          {
            name: 'country',
            type: 'string',
            description: 'Country of the vendor (ISO 3166 alpha-2)',
            allowed_values: VENDOR_COUNTRIES,
          },
          { name: 'city', type: 'string', description: 'City of the remittance address' },
        ],
      },
      {
        name: 'invoice',
        description: 'Supplier invoices booked in accounts payable',
        key: ['invoice_no'],
        owner: 'finance-ap@example.com',
        criticality: 'high',
        sample: './systems/erp/invoices.csv',
        fields: [
          { name: 'invoice_no', type: 'id', description: 'ERP document number (INV-yyyy-nnnnn)' },
          { name: 'vendor_id', type: 'id', description: 'Vendor that issued the invoice (erp.vendor)' },
          { name: 'invoice_date', type: 'date', description: 'Invoice date' },
          { name: 'due_date', type: 'date', description: 'Payment due date (invoice date + terms)' },
          { name: 'amount', type: 'currency', description: 'Gross amount in the invoice currency' },
          {
            name: 'currency',
            type: 'string',
            description: 'ISO 4217 currency code',
            allowed_values: CURRENCIES,
          },
          { name: 'status', type: 'string', description: 'Payment status', allowed_values: INVOICE_STATUSES },
        ],
      },
    ],
  },
];

function yamlScalar(s) {
  return /^[A-Za-z][A-Za-z0-9-]*$/.test(s) ? s : `'${s.replace(/'/g, "''")}'`;
}
function catalogYaml() {
  const out = [
    '# Systems of record of Northwind Tools Ltd (fictional). Generated by examples/generate.js.',
    '# Sample paths are relative to this file.',
    'systems:',
  ];
  for (const sys of CATALOG) {
    out.push(`  - name: ${sys.name}`, `    description: ${yamlScalar(sys.description)}`, '    entities:');
    for (const e of sys.entities) {
      out.push(
        `      - name: ${e.name}`,
        `        description: ${yamlScalar(e.description)}`,
        `        key: [${e.key.join(', ')}]`,
        `        owner: ${e.owner}`,
        `        criticality: ${e.criticality}`,
        `        sample: ${e.sample}`,
        '        fields:',
      );
      for (const f of e.fields) {
        const parts = [`name: ${f.name}`, `type: ${f.type}`, `description: ${yamlScalar(f.description)}`];
        if (f.allowed_values) parts.push(`allowed_values: [${f.allowed_values.map(yamlScalar).join(', ')}]`);
        const flow = `          - { ${parts.join(', ')} }`;
        if (flow.length <= 110) out.push(flow);
        else out.push(`          - ${parts[0]}`, ...parts.slice(1).map((p) => `            ${p}`));
      }
    }
  }
  return out.join('\n') + '\n';
}
const entityDef = (system, entity) =>
  CATALOG.find((s) => s.name === system).entities.find((e) => e.name === entity);
const header = (system, entity) => entityDef(system, entity).fields.map((f) => f.name);

// ---------------------------------------------------------------------------------------------
// Systems of record: data
// ---------------------------------------------------------------------------------------------

function makeCustomers() {
  const rng = stream('crm.customer');
  const countryWeights = [
    ['GB', 40],
    ['IE', 8],
    ['DE', 14],
    ['NL', 10],
    ['FR', 10],
    ['SE', 6],
    ['US', 12],
  ];
  const creditSteps = {
    SMB: [5000, 25000, 2500],
    'Mid-Market': [25000, 100000, 5000],
    Enterprise: [100000, 500000, 25000],
  };
  const customers = [];
  for (let i = 0; i < 200; i++) {
    const country = rng.weighted(countryWeights);
    const { core, name } = orgName(rng, country, 'customer');
    const segment = rng.weighted([
      ['SMB', 50],
      ['Mid-Market', 35],
      ['Enterprise', 15],
    ]);
    const [lo, hi, step] = creditSteps[segment];
    customers.push({
      customer_id: `C-${10001 + i}`,
      company_name: name,
      contact_email: `${rng.pick(['accounts', 'purchasing', 'info', 'orders', 'procurement'])}@${slug(core)}.example`,
      phone: phone(rng, country),
      country,
      segment,
      account_manager: rng.pick(ACCOUNT_MANAGERS[country]),
      credit_limit: lo + step * rng.int(0, (hi - lo) / step),
      created_on: randomWeekday(rng, '2015-01-05', '2026-06-30'),
      _domain: `${slug(core)}.example`,
    });
  }
  return customers;
}

function makeContacts(customers) {
  const rng = stream('crm.contact');
  const perCustomer = customers.map(() => 1);
  for (let extra = 0; extra < 100;) {
    const i = rng.int(0, customers.length - 1);
    if (perCustomer[i] < 3) {
      perCustomer[i]++;
      extra++;
    }
  }
  const usedEmails = new Set();
  const contacts = [];
  customers.forEach((c, i) => {
    const people =
      PEOPLE[c.country === 'US' || c.country === 'GB' || c.country === 'IE' ? 'en' : COUNTRY_LANG[c.country]];
    for (let k = 0; k < perCustomer[i]; k++) {
      const first = rng.pick(people.first);
      const last = rng.pick(people.last);
      let local = `${slug(first)}.${slug(last)}`;
      let email = `${local}@${c._domain}`;
      for (let n = 2; usedEmails.has(email); n++) email = `${local}${n}@${c._domain}`;
      usedEmails.add(email);
      contacts.push({
        contact_id: `CT-${50001 + contacts.length}`,
        customer_id: c.customer_id,
        first_name: first,
        last_name: last,
        email,
        job_title: rng.pick(JOB_TITLES),
        phone: phone(rng, c.country),
      });
    }
  });
  return contacts;
}

function makeVendors() {
  const rng = stream('erp.vendor');
  const counts = { GB: 26, DE: 14, NL: 8, FR: 8, SE: 5, IT: 7, ES: 5, IE: 4, US: 3 };
  const countries = rng.shuffle(Object.entries(counts).flatMap(([c, n]) => Array(n).fill(c)));
  return countries.map((country, i) => ({
    vendor_id: `V-${2001 + i}`,
    vendor_name: orgName(rng, country, 'vendor').name,
    tax_id: taxId(rng, country),
    iban: iban(rng, country),
    payment_terms: rng.weighted([
      ['Due on receipt', 4],
      ['Net 15', 8],
      ['Net 30', 50],
      ['Net 45', 18],
      ['Net 60', 20],
    ]),
    country,
    city: rng.pick(CITIES[country]),
  }));
}

function makeInvoices(vendors) {
  const rng = stream('erp.invoice');
  const drafts = [];
  for (let i = 0; i < 500; i++) {
    const v = rng.pick(vendors);
    const invoice_date = randomWeekday(rng, '2026-01-05', '2026-09-28');
    let amount =
      Math.round(Math.exp(Math.log(120) + rng.float() * (Math.log(40000) - Math.log(120))) * 100) / 100;
    if (v.country === 'SE') amount = Math.round(amount * 1100) / 100; // SEK: roughly 11 per GBP
    const due_date = addDays(invoice_date, TERM_DAYS[v.payment_terms]);
    const status =
      due_date < AS_OF ? (rng.chance(0.88) ? 'Paid' : 'Overdue') : rng.chance(0.25) ? 'Paid' : 'Open';
    drafts.push({
      vendor_id: v.vendor_id,
      invoice_date,
      due_date,
      amount,
      currency: CURRENCY_OF[v.country],
      status,
    });
  }
  // ERP numbers invoices in the order they were booked.
  drafts.sort((a, b) => (a.invoice_date < b.invoice_date ? -1 : a.invoice_date > b.invoice_date ? 1 : 0));
  return drafts.map((d, i) => ({ invoice_no: `INV-2026-${String(i + 1).padStart(5, '0')}`, ...d }));
}

const money = (n) => n.toFixed(2);

// ---------------------------------------------------------------------------------------------
// XLSX plumbing: fixed properties, fixed zip timestamps
// ---------------------------------------------------------------------------------------------

function newWorkbook(author) {
  const wb = new ExcelJS.Workbook();
  wb.creator = author;
  wb.lastModifiedBy = author;
  wb.company = 'Northwind Tools Ltd';
  wb.created = FIXED_TIME;
  wb.modified = FIXED_TIME;
  return wb;
}

/** exceljs stamps every zip entry with the current time; rewrite them so the bytes are reproducible. */
function fixZipTimes(buf, when) {
  const dosTime = (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | (when.getUTCSeconds() >> 1);
  const dosDate = ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate();
  let eocd = -1;
  for (let i = buf.length - 22; i >= 0; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    buf.writeUInt16LE(dosTime, p + 12);
    buf.writeUInt16LE(dosDate, p + 14);
    const local = buf.readUInt32LE(p + 42);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local header');
    buf.writeUInt16LE(dosTime, local + 10);
    buf.writeUInt16LE(dosDate, local + 12);
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return buf;
}

async function xlsxBytes(wb) {
  return fixZipTimes(Buffer.from(await wb.xlsx.writeBuffer()), FIXED_TIME);
}

const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
function styleHeader(row) {
  row.font = { bold: true };
  row.eachCell((c) => {
    c.fill = HEADER_FILL;
    c.border = { bottom: { style: 'thin' } };
  });
}

// ---------------------------------------------------------------------------------------------
// Workspace: the spreadsheets people built
// ---------------------------------------------------------------------------------------------

const KEY_ACCOUNTS_SHEET = 'Key accounts';
const KEY_ACCOUNTS_FILE = 'Sales/Key accounts Q3 2026.xlsx';
const KEY_ACCOUNTS_COPY = 'Sales/Archive/Key accounts (copy).xlsx';
const VENDOR_MASTER_FILE = 'Finance/AP/Vendor master (copy from ERP).xlsx';
const VENDOR_MASTER_SHEET = 'Suppliers';

/** Key accounts: the 120 biggest customers (segment, then credit limit), with 8 drifted cells. */
function keyAccounts(customers) {
  const rng = stream('workspace.key-accounts');
  const rank = { Enterprise: 0, 'Mid-Market': 1, SMB: 2 };
  const chosen = customers
    .slice()
    .sort(
      (a, b) =>
        rank[a.segment] - rank[b.segment] ||
        b.credit_limit - a.credit_limit ||
        (a.customer_id < b.customer_id ? -1 : 1),
    )
    .slice(0, 120)
    .sort((a, b) => a.company_name.localeCompare(b.company_name, 'en'));
  const rows = chosen.map((c) => ({ ...c }));

  // Spreadsheets drift: the account team edits the sheet instead of raising a CRM change.
  const drift = [];
  const victims = rng.shuffle(rows.map((_, i) => i)).slice(0, 8);
  victims.forEach((idx, n) => {
    const r = rows[idx];
    let field;
    if (n < 4) {
      field = 'credit_limit';
      const step = r.credit_limit >= 100000 ? 25000 : r.credit_limit >= 25000 ? 5000 : 2500;
      r.credit_limit = r.credit_limit + step * rng.pick([-2, -1, 1, 2, 3]);
      if (r.credit_limit <= 0) r.credit_limit = chosen[idx].credit_limit + step;
    } else if (n < 7) {
      field = 'phone';
      let p;
      do p = replaceLastDigits(r.phone, rng.digits(3));
      while (p === r.phone || usedPhones.has(p));
      usedPhones.add(p);
      r.phone = p;
    } else {
      field = 'segment';
      r.segment = r.segment === 'Enterprise' ? 'Mid-Market' : 'Enterprise';
    }
    drift.push({
      key: r.customer_id,
      field,
      sheetValue: String(r[field]),
      officialValue: String(chosen[idx][field]),
    });
  });

  const extras = rows.map(() => ({
    risk: rng.weighted([
      ['Low', 60],
      ['Medium', 28],
      ['High', 12],
    ]),
    qbr: rng.chance(0.1) ? null : randomWeekday(rng, '2026-10-05', '2026-12-18'),
  }));
  return { rows, extras, drift };
}

async function keyAccountsXlsx({ rows, extras }) {
  const wb = newWorkbook('Hannah Clarke');
  const ws = wb.addWorksheet(KEY_ACCOUNTS_SHEET, { views: [{ state: 'frozen', ySplit: 3 }] });
  const headers = [
    'Cust No',
    'Company',
    'E-mail',
    'Tel',
    'Country',
    'Segment',
    'Acct Mgr',
    'Credit Limit',
    'Customer since',
    'Renewal risk',
    'Next QBR',
  ];
  const widths = [10, 36, 36, 18, 9, 12, 15, 13, 15, 13, 12];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.getCell('A1').value = 'Key accounts - Q3 2026';
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, headers.length);
  const head = ws.getRow(3);
  head.values = headers;
  styleHeader(head);
  rows.forEach((c, i) => {
    const r = ws.getRow(4 + i);
    r.values = [
      c.customer_id,
      c.company_name,
      c.contact_email,
      c.phone,
      c.country,
      c.segment,
      c.account_manager,
      c.credit_limit,
      utcDate(c.created_on),
      extras[i].risk,
      extras[i].qbr ? utcDate(extras[i].qbr) : null,
    ];
  });
  ws.getColumn(8).numFmt = '#,##0';
  ws.getColumn(9).numFmt = 'dd/mm/yyyy';
  ws.getColumn(11).numFmt = 'dd/mm/yyyy';
  ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3 + rows.length, column: headers.length } };
  return xlsxBytes(wb);
}

/** Vendor master copy: 60 of the 80 vendors, 3 of them with a different IBAN than the ERP. */
function vendorMaster(vendors) {
  const rng = stream('workspace.vendor-master');
  const chosen = rng
    .shuffle(vendors)
    .slice(0, 60)
    .sort((a, b) => (a.vendor_id < b.vendor_id ? -1 : 1));
  const rows = chosen.map((v) => ({ ...v }));
  const drift = [];
  const candidates = rows.map((r, i) => i).filter((i) => rows[i].iban !== '');
  rng
    .shuffle(candidates)
    .slice(0, 3)
    .sort((a, b) => a - b)
    .forEach((idx) => {
      const r = rows[idx];
      // "Please note our new bank details" - a new, perfectly valid IBAN at another bank.
      let next;
      do next = iban(rng, r.country);
      while (next === r.iban);
      r.iban = next;
      drift.push({ key: r.vendor_id, field: 'iban', sheetValue: r.iban, officialValue: chosen[idx].iban });
    });
  const checked = rows.map((r) =>
    drift.some((d) => d.key === r.vendor_id)
      ? '2026-09-14'
      : rng.chance(0.2)
        ? null
        : randomWeekday(rng, '2025-06-02', '2026-08-28'),
  );
  return { rows, checked, drift };
}

async function vendorMasterXlsx({ rows, checked }) {
  const wb = newWorkbook('Ewa Nowak');
  const ws = wb.addWorksheet(VENDOR_MASTER_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  const headers = [
    'Supplier ID',
    'Supplier name',
    'VAT number',
    'IBAN',
    'Terms',
    'Country',
    'City',
    'Bank details checked',
  ];
  [11, 34, 16, 34, 15, 9, 13, 20].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const head = ws.getRow(1);
  head.values = headers;
  styleHeader(head);
  rows.forEach((v, i) => {
    ws.getRow(2 + i).values = [
      v.vendor_id,
      v.vendor_name,
      v.tax_id,
      v.iban || null,
      v.payment_terms,
      v.country,
      v.city,
      checked[i] ? utcDate(checked[i]) : null,
    ];
  });
  ws.getColumn(8).numFmt = 'dd/mm/yyyy';
  return xlsxBytes(wb);
}

/** AP clerk's tracker: 150 invoices booked since April, exported from a German-locale Excel. */
function invoiceTrackerCsv(invoices) {
  const rng = stream('workspace.invoice-tracker');
  const chosen = rng
    .shuffle(invoices.filter((i) => i.invoice_date >= '2026-04-01'))
    .slice(0, 150)
    .sort((a, b) => (a.invoice_no < b.invoice_no ? -1 : 1));
  const approver = (inv) => {
    if (inv.status === 'Open' && rng.chance(0.3)) return ''; // not approved yet
    if (inv.amount < 2000 && inv.currency !== 'SEK') return 'Tom Becker';
    if (inv.amount < 15000) return 'Aisha Rahman';
    return 'Daniel Price';
  };
  const rows = chosen.map((i) => [
    i.invoice_no,
    i.vendor_id,
    euroDate(i.invoice_date),
    euroDate(i.due_date),
    euroAmount(i.amount),
    i.currency,
    i.status,
    approver(i),
  ]);
  return toCsv(['Invoice #', 'Supplier', 'Inv Date', 'Due', 'Amount', 'Cur', 'Status', 'Approver'], rows, {
    delimiter: ';',
    eol: '\r\n',
  });
}

/** CRM contacts exported for a mail-merge: 180 people, no contact id in the export. */
function contactsExportCsv(contacts) {
  const rng = stream('workspace.contacts-export');
  const chosen = rng
    .shuffle(contacts)
    .slice(0, 180)
    .sort(
      (a, b) =>
        a.last_name.localeCompare(b.last_name, 'en') ||
        a.first_name.localeCompare(b.first_name, 'en') ||
        (a.contact_id < b.contact_id ? -1 : 1),
    );
  const rows = chosen.map((c) => [c.first_name, c.last_name, c.email, c.customer_id, c.job_title]);
  return toCsv(['First Name', 'Last Name', 'Email Address', 'Company ID', 'Title'], rows, { quoteAll: true });
}

async function lunchRotaXlsx() {
  const rng = stream('workspace.lunch');
  const wb = newWorkbook('Kim Osei');
  const ws = wb.addWorksheet('Rota');
  const head = ws.getRow(1);
  head.values = ['Date', 'Who', 'Restaurant', 'Cuisine', 'Booked?'];
  styleHeader(head);
  [12, 10, 24, 12, 9].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const who = ['Kim', 'Sam', 'Ravi', 'Bea', 'Tomasz', 'Nell', 'Yusuf'];
  const places = [
    ['The Anchor', 'Pub'],
    ['Sakura House', 'Japanese'],
    ['Nonna Rosa', 'Italian'],
    ['Spice Route', 'Indian'],
    ['Green Bowl', 'Vegan'],
    ['El Mercado', 'Mexican'],
    ['Pho Corner', 'Vietnamese'],
  ];
  let d = '2026-07-03'; // Fridays
  for (let i = 0; i < 26; i++, d = addDays(d, 7)) {
    const [place, cuisine] = rng.pick(places);
    ws.addRow([
      utcDate(d),
      who[i % who.length],
      place,
      cuisine,
      d < AS_OF ? 'yes' : rng.chance(0.5) ? 'yes' : 'no',
    ]);
  }
  ws.getColumn(1).numFmt = 'ddd dd mmm';
  return xlsxBytes(wb);
}

async function projectTasksXlsx() {
  const wb = newWorkbook('Kim Osei');
  const tasks = wb.addWorksheet('Tasks');
  const head = tasks.getRow(1);
  head.values = ['Task', 'Owner', 'Due', 'Done?'];
  styleHeader(head);
  [44, 10, 12, 8].forEach((w, i) => (tasks.getColumn(i + 1).width = w));
  const list = [
    ['Kick-off workshop', 'Kim', '2026-06-15', 'x'],
    ['Agree scope with finance', 'Ravi', '2026-06-26', 'x'],
    ['Book training room', 'Bea', '2026-07-10', 'x'],
    ['Test environment ready', 'Tomasz', '2026-07-24', 'x'],
    ['Data migration dry run', 'Tomasz', '2026-08-14', 'x'],
    ['Print checklists for go-live weekend', 'Bea', '2026-08-28', 'x'],
    ['User acceptance testing', 'Ravi', '2026-09-11', 'x'],
    ['Second dry run', 'Tomasz', '2026-09-25', ''],
    ['Go/no-go meeting', 'Kim', '2026-10-02', ''],
    ['Cut-over weekend', 'Tomasz', '2026-10-10', ''],
    ['Hypercare rota', 'Nell', '2026-10-12', ''],
    ['Lessons learned session', 'Kim', '2026-11-06', ''],
  ];
  list.forEach(([t, o, d, x]) => tasks.addRow([t, o, utcDate(d), x]));
  tasks.getColumn(3).numFmt = 'dd/mm/yyyy';

  const notes = wb.addWorksheet('Notes');
  notes.getColumn(1).width = 100;
  [
    'ERP upgrade - running notes',
    '',
    '15/06 kick-off: Ravi to confirm freeze dates with month-end close.',
    '26/06 finance OK with a cut-over on the second weekend of October.',
    '14/08 dry run took 9h, mostly waiting on the test server. Ask IT for more memory.',
    '11/09 UAT: 3 blockers, all fixed by 18/09.',
    'Parking lot: training videos? Ask Bea.',
  ].forEach((line) => notes.addRow([line]));
  notes.getCell('A1').font = { bold: true, size: 13 };
  return xlsxBytes(wb);
}

/** A valid budget workbook, truncated to its first 40% (a sync conflict that never finished). */
async function corruptBudgetBytes() {
  const rng = stream('workspace.budget');
  const wb = newWorkbook('Daniel Price');
  const ws = wb.addWorksheet('Budget 2027');
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  ws.addRow(['Cost centre', ...months, 'Total']);
  const centres = [
    'Sales UK',
    'Sales EU',
    'Marketing',
    'Warehouse',
    'Logistics',
    'Finance',
    'IT',
    'HR',
    'Facilities',
    'R&D',
  ];
  centres.forEach((cc, i) => {
    const base = rng.int(20, 180) * 1000;
    const r = i + 2;
    ws.addRow([cc, ...months.map(() => base + rng.int(-20, 20) * 500), { formula: `SUM(B${r}:M${r})` }]);
  });
  const full = await xlsxBytes(wb);
  return full.subarray(0, Math.floor(full.length * 0.4));
}

/**
 * What Office writes for a password-protected workbook: an OLE compound file (CFB) holding the
 * streams "EncryptionInfo" and "EncryptedPackage" instead of a zip. Minimal but well-formed:
 * header, one FAT sector, one directory sector; both streams are empty.
 */
function encryptedOfficeBytes() {
  const FREE = 0xffffffff;
  const END = 0xfffffffe;
  const FATSECT = 0xfffffffd;
  const NOSTREAM = 0xffffffff;
  const header = Buffer.alloc(512, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  // CLSID (16 bytes at 8) stays zero.
  header.writeUInt16LE(0x003e, 24); // minor version
  header.writeUInt16LE(0x0003, 26); // major version 3 (512-byte sectors)
  header.writeUInt16LE(0xfffe, 28); // byte order mark
  header.writeUInt16LE(9, 30); // sector shift: 2^9 = 512
  header.writeUInt16LE(6, 32); // mini sector shift: 2^6 = 64
  header.writeUInt32LE(0, 40); // number of directory sectors (must be 0 for v3)
  header.writeUInt32LE(1, 44); // number of FAT sectors
  header.writeUInt32LE(1, 48); // first directory sector
  header.writeUInt32LE(0, 52); // transaction signature
  header.writeUInt32LE(4096, 56); // mini stream cutoff
  header.writeUInt32LE(END, 60); // first mini FAT sector
  header.writeUInt32LE(0, 64); // number of mini FAT sectors
  header.writeUInt32LE(END, 68); // first DIFAT sector
  header.writeUInt32LE(0, 72); // number of DIFAT sectors
  header.writeUInt32LE(0, 76); // DIFAT[0] = sector 0 holds the FAT
  for (let i = 1; i < 109; i++) header.writeUInt32LE(FREE, 76 + 4 * i);

  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(FATSECT, 0); // sector 0: the FAT itself
  fat.writeUInt32LE(END, 4); // sector 1: the directory (one sector long)

  const dir = Buffer.alloc(512, 0);
  const entry = (i, name, type, left, right, child) => {
    const o = i * 128;
    const utf16 = Buffer.from(`${name}\0`, 'utf16le');
    utf16.copy(dir, o);
    dir.writeUInt16LE(utf16.length, o + 64); // name length in bytes, terminator included
    dir.writeUInt8(type, o + 66); // 1 storage, 2 stream, 5 root
    dir.writeUInt8(1, o + 67); // colour: black
    dir.writeUInt32LE(left, o + 68);
    dir.writeUInt32LE(right, o + 72);
    dir.writeUInt32LE(child, o + 76);
    dir.writeUInt32LE(END, o + 116); // starting sector: none (empty)
    dir.writeUInt32LE(0, o + 120); // size (low)
  };
  // Siblings are ordered by name length first: "EncryptionInfo" (14) < "EncryptedPackage" (16).
  entry(0, 'Root Entry', 5, NOSTREAM, NOSTREAM, 2);
  entry(1, 'EncryptionInfo', 2, NOSTREAM, NOSTREAM, NOSTREAM);
  entry(2, 'EncryptedPackage', 2, 1, NOSTREAM, NOSTREAM);
  // Entry 3 is unused: all zero except the sibling/child ids.
  dir.writeUInt32LE(NOSTREAM, 3 * 128 + 68);
  dir.writeUInt32LE(NOSTREAM, 3 * 128 + 72);
  dir.writeUInt32LE(NOSTREAM, 3 * 128 + 76);
  return Buffer.concat([header, fat, dir]);
}

/** A 16x16 PNG (stored deflate, so the bytes never depend on the zlib version). */
function logoPng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const size = 16;
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    raw[y * (1 + size * 3)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const o = y * (1 + size * 3) + 1 + x * 3;
      const ring = Math.abs(x - 7.5) + Math.abs(y - 7.5) < 7;
      raw[o] = ring ? 0x1f : 0xff;
      raw[o + 1] = ring ? 0x4e : 0xff;
      raw[o + 2] = ring ? 0x79 : 0xff;
    }
  }
  let a = 1;
  let b = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const stored = Buffer.alloc(5);
  stored[0] = 1; // final block, stored
  stored.writeUInt16LE(raw.length, 1);
  stored.writeUInt16LE(~raw.length & 0xffff, 3);
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0);
  const zdata = Buffer.concat([Buffer.from([0x78, 0x01]), stored, raw, adler]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zdata),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const OPS_NOTES = `# Ops shared folder

Team lunch rota and the ERP upgrade task list live here. Nothing in this folder is a system of
record; if you need customer or supplier data, use the CRM or the ERP.
`;

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
  fs.rmSync(WORKSPACE, { recursive: true, force: true });
  fs.rmSync(SYSTEMS, { recursive: true, force: true });

  const customers = makeCustomers();
  const contacts = makeContacts(customers);
  const vendors = makeVendors();
  const invoices = makeInvoices(vendors);

  write('catalog.yaml', catalogYaml());
  const extract = (system, entity, rows, fmt = (r) => r) =>
    write(
      entityDef(system, entity).sample,
      toCsv(
        header(system, entity),
        rows.map((r) => header(system, entity).map((h) => fmt(r)[h])),
      ),
    );
  extract('crm', 'customer', customers);
  extract('crm', 'contact', contacts);
  extract('erp', 'vendor', vendors);
  extract('erp', 'invoice', invoices, (r) => ({ ...r, amount: money(r.amount) }));

  const ws = (rel) => path.join('workspace', rel);
  const ka = keyAccounts(customers);
  const kaBytes = await keyAccountsXlsx(ka);
  write(ws(KEY_ACCOUNTS_FILE), kaBytes);
  write(ws(KEY_ACCOUNTS_COPY), kaBytes);
  write(ws('Sales/Contacts export.csv'), contactsExportCsv(contacts));
  write(ws('Sales/logo.png'), logoPng());
  const vm = vendorMaster(vendors);
  write(ws(VENDOR_MASTER_FILE), await vendorMasterXlsx(vm));
  write(ws('Finance/AP/Invoice tracker 2026.csv'), invoiceTrackerCsv(invoices));
  write(ws('Finance/Budget 2027 DRAFT.xlsx'), await corruptBudgetBytes());
  write(ws('Finance/Payroll summary (protected).xlsx'), encryptedOfficeBytes());
  write(ws('Ops/Team lunch rota.xlsx'), await lunchRotaXlsx());
  write(ws('Ops/Project tasks - ERP upgrade.xlsx'), await projectTasksXlsx());
  write(ws('Ops/notes.md'), OPS_NOTES);

  const drift = [
    ...[KEY_ACCOUNTS_FILE, KEY_ACCOUNTS_COPY].flatMap((file) =>
      ka.drift.map((d) => ({ file, sheet: KEY_ACCOUNTS_SHEET, entity: 'crm.customer', ...d })),
    ),
    ...vm.drift.map((d) => ({
      file: VENDOR_MASTER_FILE,
      sheet: VENDOR_MASTER_SHEET,
      entity: 'erp.vendor',
      ...d,
    })),
  ].map(({ file, sheet, entity, key, field, sheetValue, officialValue }) => ({
    file,
    sheet,
    entity,
    key,
    field,
    sheetValue,
    officialValue,
  }));
  drift.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  write('expected-drift.json', JSON.stringify(drift, null, 2) + '\n');

  console.log(
    `customers ${customers.length}, contacts ${contacts.length}, vendors ${vendors.length}, invoices ${invoices.length}; ` +
      `drifted cells ${drift.length} (paths in expected-drift.json are relative to examples/workspace)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
