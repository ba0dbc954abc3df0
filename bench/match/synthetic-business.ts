import type { ColumnProfile, SorEntity, TableFingerprint } from '@shadowscan/domain';
import type { BenchCase } from './bench-data';

/**
 * Business-style training cases made from a catalog with extracts (the example CRM/ERP): each entity
 * becomes a few "spreadsheets" whose headers are rewritten the way people write them (case and
 * separators, common abbreviations, synonyms, the entity word dropped), with a subset of the
 * extract's values or none at all (header-only sheets), plus columns that belong to no field. They
 * keep the model from fitting only the clinical benchmark, where names say little and descriptions
 * and values say a lot. The rewriting rules are generic business English, not any benchmark's names.
 */
const ABBREVIATE: Record<string, string[]> = {
  number: ['no', 'nr', '#', 'num'],
  customer: ['cust', 'client'],
  vendor: ['supplier', 'supp'],
  amount: ['amt'],
  quantity: ['qty'],
  address: ['addr'],
  company: ['co', 'organisation', 'firm'],
  account: ['acct'],
  manager: ['mgr'],
  invoice: ['inv'],
  date: ['dt'],
  identifier: ['id'],
  id: ['no', 'number', 'ref', 'code'],
  phone: ['tel', 'telephone'],
  email: ['e-mail', 'mail'],
  description: ['desc'],
  currency: ['ccy', 'cur'],
  payment: ['pmt'],
  tax: ['vat'],
  first: ['given'],
  last: ['family', 'sur'],
  created: ['opened'],
};

const DISTRACTORS: Array<[string, string[]]> = [
  ['Notes', ['call back', 'ok', 'see email', 'urgent', 'n/a']],
  ['Owner', ['jane', 'tom', 'ahmed', 'li']],
  ['Last reviewed', ['2024-01-03', '2024-02-11', '2023-12-30']],
  ['Priority', ['high', 'low', 'medium']],
  ['Comments', ['follow up', 'done', 'chase']],
  ['Rating', ['1', '2', '3', '4', '5']],
  ['Risk', ['high', 'low']],
  ['Q1', ['12.5', '40', '7.25']],
  ['Q2', ['3', '18.5', '22']],
  ['Budget', ['1000', '2500', '400']],
  ['Region', ['north', 'south', 'emea']],
  ['Reviewer', ['ana', 'bo', 'chen']],
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 0x100000000;
  };
}

function rewrite(field: string, entity: string, r: () => number): string {
  let words = field.split(/[_\s]+/).filter(Boolean);
  if (words.length > 1 && words[0] === entity && r() < 0.4) words = words.slice(1);
  words = words.map((w) => {
    const alt = ABBREVIATE[w];
    return alt && r() < 0.5 ? alt[Math.floor(r() * alt.length)] : w;
  });
  const style = Math.floor(r() * 4);
  if (style === 0) return words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
  if (style === 1) return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  if (style === 2) return words.join('_').toUpperCase();
  return words.join(' ');
}

export function syntheticCases(entities: SorEntity[], variants = 6): BenchCase[] {
  const cases: BenchCase[] = [];
  entities.forEach((entity, e) => {
    for (let v = 0; v < variants; v++) {
      const r = rng(1000 * e + v + 1);
      const withValues = v % 2 === 1;
      const columns: ColumnProfile[] = [];
      const truth = new Map<string, Set<string>>();
      const distractors = new Set<string>();
      for (const field of entity.fields) {
        if (r() < 0.25) continue;
        let name = rewrite(field.name, entity.name, r);
        while (truth.has(name)) name += ' 2';
        const values = withValues ? field.values.filter(() => r() < 0.3).slice(0, 200) : [];
        columns.push({
          name,
          index: 0,
          type: field.type ?? 'string',
          typeShare: 1,
          nullRatio: 0,
          distinct: values.length,
          values,
        });
        truth.set(name, new Set([`${entity.name}.${field.name}`]));
      }
      for (const [name, values] of DISTRACTORS) {
        if (r() < 0.4) {
          const vals = withValues ? values : [];
          columns.push({
            name,
            index: 0,
            type: 'string',
            typeShare: 1,
            nullRatio: 0,
            distinct: vals.length,
            values: vals,
          });
        }
      }
      // Shuffle so that position says nothing.
      for (let i = columns.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [columns[i], columns[j]] = [columns[j], columns[i]];
      }
      columns.forEach((c, i) => (c.index = i));
      const table: TableFingerprint = {
        sheet: `${entity.system}.${entity.name}#${v}`,
        range: 'A1:A1',
        headerRow: 1,
        rowCount: 100,
        columns,
        schemaHash: '',
      };
      const pairs = [...truth.values()].reduce((n, s) => n + s.size, 0);
      cases.push({ name: `${entity.system}.${entity.name}#${v}`, table, truth, pairs, distractors });
    }
  });
  return cases;
}

/**
 * A data dictionary of the same entities with legacy column names (`credit_limit` → `CR_LIM`), no
 * data, and header-only sheets written in plain words: only the descriptions connect them, as with
 * glossaries and ERP dictionaries.
 */
export function glossaryCases(
  entities: SorEntity[],
  variants = 3,
): { entities: SorEntity[]; cases: BenchCase[] } {
  const crypt = (name: string) =>
    name
      .split('_')
      .map((w) => w.slice(0, w.length > 4 ? 3 : 2))
      .join('_')
      .toUpperCase();
  const legacy: SorEntity[] = entities.map((e) => ({
    ...e,
    key: e.key.map(crypt),
    fields: e.fields.map((f) => ({ ...f, name: crypt(f.name), values: [], allowedValues: undefined })),
  }));
  const plain = syntheticCases(
    entities.map((e) => ({ ...e, fields: e.fields.map((f) => ({ ...f, values: [] })) })),
    variants,
  );
  const cases = plain.map((c) => ({
    ...c,
    name: `glossary/${c.name}`,
    truth: new Map(
      [...c.truth].map(([col, targets]) => [
        col,
        new Set([...targets].map((t) => `${t.split('.')[0]}.${crypt(t.split('.')[1])}`)),
      ]),
    ),
  }));
  return { entities: legacy, cases };
}
