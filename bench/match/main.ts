/**
 * `npm run bench:match -- <bench-dir> [--weights FILE]`: matching quality on a benchmark in the layout of
 * ../shared/bench/README.md. Prints MRR, R@1 and R@GT per case and their macro mean. A figure, not a test.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Matcher, type ModelWeights } from '@shadowscan/matching';
import type { TableMatch } from '@shadowscan/domain';
import { type BenchCase, loadBench } from './bench-data';
import { macro, scoreCase } from './metrics';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: npm run bench:match -- <bench-dir> [--weights FILE]\n');
    process.exit(2);
  }
  const wi = args.indexOf('--weights');
  const weights =
    wi >= 0
      ? (JSON.parse(readFileSync(args[wi + 1], 'utf8')) as ModelWeights | Record<string, ModelWeights>)
      : undefined;
  const started = Date.now();
  const bench = await loadBench(path.resolve(dir));
  const fieldCount = bench.entities.reduce((n, e) => n + e.fields.length, 0);
  const loaded = Date.now();
  const shared = weights && !('perCase' in weights) ? (weights as ModelWeights) : undefined;
  const matcherFor = (w: ModelWeights | undefined) =>
    new Matcher(bench.entities, { topK: fieldCount, weights: w });
  const defaultMatcher = matcherFor(shared);
  const rows = bench.cases.map((c) => {
    // --weights with { perCase: { <case>: weights } } scores each case with weights fitted without it.
    const perCase =
      weights && 'perCase' in weights
        ? (weights.perCase as unknown as Record<string, ModelWeights>)[c.name]
        : undefined;
    const matcher = perCase ? matcherFor(perCase) : defaultMatcher;
    const match = matcher.matchTable(c.table);
    if (args.includes('--verbose')) explain(c, match);
    return { name: c.name, pairs: c.pairs, ...scoreCase(c, match) };
  });
  const f = (x: number) => x.toFixed(3);
  process.stdout.write(`bench ${bench.dir}: ${fieldCount} target fields, ${bench.cases.length} cases\n`);
  process.stdout.write(`${'case'.padEnd(16)} ${'pairs'.padStart(5)}   MRR    R@1    R@GT\n`);
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(16)} ${String(r.pairs).padStart(5)}  ${f(r.mrr)}  ${f(r.r1)}  ${f(r.rgt)}\n`,
    );
  }
  const m = macro(rows);
  process.stdout.write(
    `${'macro mean'.padEnd(16)} ${''.padStart(5)}  ${f(m.mrr)}  ${f(m.r1)}  ${f(m.rgt)}\n`,
  );
  process.stdout.write(`load ${loaded - started} ms, match ${Date.now() - loaded} ms\n`);
}

/** Per ground-truth pair: the rank of the true target, what came first, and both sides' signals. */
function explain(c: BenchCase, match: TableMatch): void {
  for (const col of match.columns) {
    const truth = c.truth.get(col.column);
    if (!truth) continue;
    for (const t of truth) {
      const i = col.candidates.findIndex((k) => `${k.entity}.${k.field}` === t);
      const top = col.candidates[0];
      const sig = (s: Record<string, number>) => JSON.stringify(s).replace(/"/g, '');
      process.stdout.write(
        `${c.name} ${col.column} → ${t}: rank ${i + 1 || '-'} ${i >= 0 ? `${col.candidates[i].score} ${sig(col.candidates[i].signals)}` : ''}\n` +
          `    top ${top ? `${top.field} ${top.score} ${sig(top.signals)}` : '-'}\n`,
      );
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
