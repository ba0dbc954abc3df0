/**
 * `npm run bench:match-scale [-- --columns N --fields N]`: matching time and peak memory for a large
 * catalog. Generates a catalog of 50,000 fields (5,000 entities of 10) and 10,000 columns (1,000 tables
 * of 10) whose headers are rewritten field names (case, separators, abbreviations, dropped words) or
 * unrelated words, half of them with values. Prints the time to build the matcher, to match, the peak
 * RSS, and how often the generated true field came first (a sanity check, not a quality figure).
 */
import type { ColumnProfile, SorEntity, TableFingerprint } from '@shadowscan/domain';
import { Matcher } from '@shadowscan/matching';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 0x100000000;
  };
}

const SYLLABLES = 'ka lo mi ra tu ne so vi da pe gu zo li ba re no ti fa me ku sa do pi'.split(' ');

function vocabulary(n: number, r: () => number): string[] {
  const words = new Set<string>();
  while (words.size < n) {
    const k = 2 + Math.floor(r() * 3);
    let w = '';
    for (let i = 0; i < k; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function main(): void {
  const nFields = arg('fields', 50_000);
  const nColumns = arg('columns', 10_000);
  const perEntity = 10;
  const perTable = 10;
  const r = rng(7);
  const vocab = vocabulary(4000, r);
  // Zipf-like word choice: a few words are everywhere ("id", "name" in real catalogs), most are rare.
  const word = () => vocab[Math.floor(vocab.length * r() ** 2.5)];
  const generic = ['id', 'name', 'code', 'date', 'amount', 'number', 'status', 'type'];

  const entities: SorEntity[] = [];
  for (let e = 0; e < nFields / perEntity; e++) {
    const fields = Array.from({ length: perEntity }, (_, i) => {
      const name = [
        word(),
        ...(r() < 0.6 ? [word()] : []),
        ...(r() < 0.4 ? [generic[i % generic.length]] : []),
      ].join('_');
      const withValues = r() < 0.3;
      const prefix = `${word().slice(0, 3)}`;
      return {
        name: `${name}_${i}`,
        description: Array.from({ length: 6 + Math.floor(r() * 8) }, word).join(' '),
        type: 'string' as const,
        values: withValues ? Array.from({ length: 200 }, (_, k) => `${prefix}-${e}-${k}`) : [],
      };
    });
    entities.push({ system: `sys${e % 20}`, name: `${word()}_${e}`, key: [fields[0].name], fields });
  }

  const tables: Array<{ table: TableFingerprint; truth: string[] }> = [];
  for (let t = 0; t < nColumns / perTable; t++) {
    const entity = entities[Math.floor(r() * entities.length)];
    const columns: ColumnProfile[] = [];
    const truth: string[] = [];
    for (let c = 0; c < perTable; c++) {
      const field = entity.fields[c];
      const related = r() < 0.7;
      let name: string;
      if (related) {
        const words = field.name.split('_').filter(() => r() < 0.85);
        name = (words.length > 0 ? words : field.name.split('_'))
          .map((w) => (r() < 0.5 ? w.toUpperCase() : w))
          .join(' ');
      } else {
        name = `${word()} ${word()}`;
      }
      const values = related && field.values.length > 0 && r() < 0.8 ? field.values.slice(0, 60) : [];
      columns.push({
        name,
        index: c,
        type: 'string',
        typeShare: 1,
        nullRatio: 0,
        distinct: values.length,
        values,
      });
      truth.push(related ? `${entity.name}.${field.name}` : '');
    }
    tables.push({
      table: { sheet: `t${t}`, range: 'A1:J100', headerRow: 1, rowCount: 99, columns, schemaHash: '' },
      truth,
    });
  }

  const t0 = performance.now();
  const matcher = new Matcher(entities);
  const t1 = performance.now();
  let related = 0;
  let first = 0;
  let assigned = 0;
  for (const { table, truth } of tables) {
    const m = matcher.matchTable(table);
    if (m.entity) assigned++;
    m.columns.forEach((c, i) => {
      if (!truth[i]) return;
      related++;
      const top = c.candidates[0];
      if (top && `${top.entity}.${top.field}` === truth[i]) first++;
    });
  }
  const t2 = performance.now();
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  process.stdout.write(
    `${nColumns} columns (${tables.length} tables) vs ${nFields} fields (${entities.length} entities)\n` +
      `build matcher ${s(t1 - t0)}, match ${s(t2 - t1)}, total ${s(t2 - t0)}, peak RSS ${peakMb.toFixed(0)} MB\n` +
      `sanity: true field first for ${((100 * first) / related).toFixed(1)} % of ${related} related columns; ` +
      `${assigned} of ${tables.length} tables assigned an entity\n`,
  );
}

main();
