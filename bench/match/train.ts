/**
 * `npm run train:match -- <bench-dir>...`: fits the matcher's model (one weight per signal, the gate
 * and the contest between columns, see libs/matching/src/combine.ts) and writes
 * libs/matching/src/model-weights.json.
 *
 * Training data: the cases of every benchmark given, plus business-style cases generated from the
 * example catalog (synthetic-business.ts), so that no single benchmark decides the weights. The
 * objective is the mean over sources of the macro MRR and R@1 of their cases, blended with a smooth
 * pairwise ranking term (each wrong candidate weighed by a logistic of its margin over the true one).
 * Weights are fitted by coordinate search on a grid (few parameters, a non-smooth rank objective),
 * refined by finer multiplicative steps, and judged by cross-validation: every fold (one benchmark
 * case, or all cases of one example entity) is scored with
 * weights fitted without it. `--folds FILE` also writes those per-fold weights, which
 * `bench:match --weights FILE` uses to print leave-one-case-out figures. `--quick` cross-validates
 * only the folds of the benchmarks given (not the generated business cases), for fast iteration; the
 * shipped model is always trained with the full cross-validation.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadCatalog } from '@shadowscan/catalog';
import {
  combineSignals,
  contestFactor,
  DEFAULT_MATCH_OPTIONS,
  Matcher,
  type ModelWeights,
  type PairEvidence,
  SIGNAL_NAMES,
  type SignalName,
} from '@shadowscan/matching';
import { type BenchCase, loadBench } from './bench-data';
import { glossaryCases, syntheticCases } from './synthetic-business';

interface PreparedCase {
  source: string;
  fold: string;
  name: string;
  pairs: number;
  columns: Array<{
    truth: Set<string> | undefined;
    distractor: boolean;
    /** `rivals`: the same field's pairs in the case's other columns (indexes into rivalEvidence). */
    pairs: Array<{ key: string; evidence: PairEvidence; rivals: number[] }>;
  }>;
  /** Whether the case says which columns match nothing, so that decisions can be judged too. */
  decisions: boolean;
  /** Pairs that compete with the labelled columns' pairs for a field (see contestScores). */
  rivalEvidence: PairEvidence[];
}

/** Share of the ranking objective given to the smooth pairwise term (see caseScores). */
const SOFT_SHARE = 0.25;
/** Score margin at which a wrong candidate counts as a quarter of one ranked above (logistic scale). */
const SOFT_MARGIN = 0.03;

/**
 * Weights relative to the name's 0.6 (the one signal present for every pair). No signal may outweigh
 * the name, so that a header that names its field keeps the pair above the field threshold whatever
 * else the sheet holds; except the value-level match of labels, which is only present when a column
 * holds labels of a closed list and is then the strongest evidence there is.
 */
const GRID = [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6];
const MAX_WEIGHT = 0.6;
const UNCAPPED: ReadonlySet<SignalName> = new Set(['fuzzyValues']);
const UNCAPPED_GRID = [...GRID, 0.8, 1, 1.3, 1.6, 2];
const UNCAPPED_MAX = 2;
/**
 * Weights the fit may not go below: the evidence that must be able to carry a pair on its own keeps
 * the field threshold reachable with it (a glossary field found by its description alone, a column of
 * many values nearly all in the field's extract under a header that names something else; see the
 * matcher's specs). A benchmark whose values and descriptions are partly redundant with other signals
 * would otherwise trade them away.
 */
const FLOORS: Partial<Record<SignalName, number>> = { values: 0.6, description: 0.45 };
const floorOf = (s: SignalName): number => FLOORS[s] ?? 0;

function prepare(
  source: string,
  fold: (c: BenchCase) => string,
  matcher: Matcher,
  cases: BenchCase[],
): PreparedCase[] {
  return cases.map((c) => {
    const explained = matcher.explainTable(c.table);
    const columns = c.table.columns.map((col, i) => ({
      truth: c.truth.get(col.name),
      distractor: c.distractors?.has(col.name) ?? false,
      pairs: explained[i].map((p) => ({
        key: `${p.entity}.${p.field}`,
        evidence: p.evidence,
        rivals: [] as number[],
      })),
    }));
    return {
      source,
      fold: fold(c),
      name: c.name,
      pairs: c.pairs,
      decisions: c.distractors !== undefined,
      columns,
      rivalEvidence: linkRivals(columns),
    };
  });
}

/**
 * Links each pair of a labelled column to the same field's pairs in the other columns, and returns
 * those pairs' evidence: all that the contest of a labelled pair needs, scored once per trial.
 */
function linkRivals(columns: PreparedCase['columns']): PairEvidence[] {
  const holders = new Map<string, Array<{ column: number; evidence: PairEvidence }>>();
  columns.forEach((col, column) => {
    for (const p of col.pairs) {
      const list = holders.get(p.key) ?? [];
      list.push({ column, evidence: p.evidence });
      holders.set(p.key, list);
    }
  });
  const rivalEvidence: PairEvidence[] = [];
  const slot = new Map<PairEvidence, number>();
  columns.forEach((col, column) => {
    if (!col.truth && !col.distractor) return;
    for (const p of col.pairs) {
      for (const h of holders.get(p.key)!) {
        if (h.column === column) continue;
        let k = slot.get(h.evidence);
        if (k === undefined) {
          k = rivalEvidence.length;
          rivalEvidence.push(h.evidence);
          slot.set(h.evidence, k);
        }
        p.rivals.push(k);
      }
    }
  });
  return rivalEvidence;
}

/**
 * Each labelled column's pair scores as the matcher ranks them (after the contest with the other
 * columns, see contestScores) and as its mapping judges them (the pairs' own scores).
 */
function columnScores(
  c: PreparedCase,
  w: ModelWeights,
): Array<{ column: PreparedCase['columns'][number]; ranking: number[]; own: number[] }> {
  const contested = w.contested ?? 0;
  const rivals = contested > 0 ? c.rivalEvidence.map((e) => combineSignals(e, w)) : [];
  return c.columns.flatMap((column) => {
    if (!column.truth && !column.distractor) return [];
    const own = column.pairs.map((p) => combineSignals(p.evidence, w));
    if (contested <= 0) return [{ column, ranking: own, own }];
    const ranking = own.map((s, j) => {
      let others = 0;
      for (const r of column.pairs[j].rivals) if (rivals[r] >= s) others++;
      return s * contestFactor(others, contested);
    });
    return [{ column, ranking, own }];
  });
}

/**
 * MRR and R@1 of the case, and, where the case says which columns match nothing, the share of right
 * decisions at the field threshold: a true pair first and above it, a distractor's best below it.
 */
function caseScores(
  c: PreparedCase,
  w: ModelWeights,
): { mrr: number; r1: number; decisions: number; soft: number } {
  let rr = 0;
  let soft = 0;
  let r1 = 0;
  let right = 0;
  let judged = 0;
  // Scores in each column's pair order; ranks are counted, not sorted for (this runs for every trial
  // of the fit): a pair ranks below the higher scores and, on a tie, below the earlier pairs, as in
  // the matcher's own order (score, then catalog order).
  for (const { column: col, ranking: scores, own } of columnScores(c, w)) {
    const top = firstCandidate(scores);
    if (c.decisions) {
      // The first candidate shown is the right field, and its pair would enter a mapping.
      judged++;
      const best = top >= 0 ? own[top] : 0;
      if (col.distractor) right += best < DEFAULT_MATCH_OPTIONS.fieldThreshold ? 1 : 0;
      else
        right +=
          top >= 0 && col.truth!.has(col.pairs[top].key) && best >= DEFAULT_MATCH_OPTIONS.fieldThreshold
            ? 1
            : 0;
    }
    if (!col.truth) continue;
    for (const t of col.truth) {
      const i = col.pairs.findIndex((p) => p.key === t);
      const st = i >= 0 ? scores[i] : 0;
      if (st <= 0) continue;
      let rank = 1;
      for (let j = 0; j < scores.length; j++) if (scores[j] > st || (scores[j] === st && j < i)) rank++;
      rr += 1 / rank;
      if (rank === 1) r1++;
      // Pairwise ranking term: each other candidate counts as ranked above the true one in
      // proportion to a logistic of the score margin. Smooth where the rank is not, so that the
      // search prefers weights that separate true pairs by a margin, not by a hair.
      let above = 0;
      for (let j = 0; j < scores.length; j++) {
        if (scores[j] > 0 && !col.truth.has(col.pairs[j].key))
          above += 1 / (1 + Math.exp((st - scores[j]) / SOFT_MARGIN));
      }
      soft += 1 / (1 + above);
    }
  }
  return {
    mrr: rr / c.pairs,
    r1: r1 / c.pairs,
    decisions: judged > 0 ? right / judged : 1,
    soft: soft / c.pairs,
  };
}

/** Index of the best-scored pair with a score above 0, the first of equals; -1 when there is none. */
function firstCandidate(scores: readonly number[]): number {
  let top = -1;
  for (let i = 0; i < scores.length; i++) if (scores[i] > 0 && (top < 0 || scores[i] > scores[top])) top = i;
  return top;
}

/** Mean over sources of the macro ranking objective of their cases (see caseScores). */
function objective(cases: PreparedCase[], w: ModelWeights): number {
  const bySource = new Map<string, number[]>();
  for (const c of cases) {
    const s = caseScores(c, w);
    const list = bySource.get(c.source) ?? [];
    const ranking = (1 - SOFT_SHARE) * ((s.mrr + s.r1) / 2) + SOFT_SHARE * s.soft;
    list.push(c.decisions ? (ranking + s.decisions) / 2 : ranking);
    bySource.set(c.source, list);
  }
  const means = [...bySource.values()].map((l) => l.reduce((a, b) => a + b, 0) / l.length);
  return means.reduce((a, b) => a + b, 0) / means.length;
}

/** Coordinate search from a few starting points (the objective is bumpy); the best result wins. */
function fit(cases: PreparedCase[], start: ModelWeights): ModelWeights {
  const starts: ModelWeights[] = [start, ...[0.05, 0.3].map((x) => uniformStart(start, x))];
  let best: { w: ModelWeights; o: number } | null = null;
  for (const s of starts) {
    const w = fitFrom(cases, s);
    const o = objective(cases, w);
    if (best === null || o > best.o + 1e-9) best = { w, o };
  }
  return best!.w;
}

function uniformStart(start: ModelWeights, x: number): ModelWeights {
  const w = { ...start };
  for (const s of SIGNAL_NAMES) if (s !== 'name') w[s] = Math.max(floorOf(s), x);
  return w;
}

function fitFrom(cases: PreparedCase[], start: ModelWeights): ModelWeights {
  const w = { ...start };
  let best = objective(cases, w);
  for (let pass = 0; pass < 4; pass++) {
    let improved = false;
    for (const s of SIGNAL_NAMES) {
      // The name stays the anchor: the only signal present for every pair.
      if (s === 'name') continue;
      for (const g of (UNCAPPED.has(s) ? UNCAPPED_GRID : GRID).filter((x) => x >= floorOf(s))) {
        const trial = { ...w, [s]: g };
        const o = objective(cases, trial);
        if (o > best + 1e-6) {
          best = o;
          w[s] = g;
          improved = true;
        }
      }
    }
    for (const [param, grid] of [
      ['gatedFactor', [0.2, 0.3, 0.4, 0.5, 0.6]],
      ['descriptionGate', [0.3, 0.4, 0.5, 0.6, 0.8]],
      ['contested', [0, 0.1, 0.2, 0.3, 0.4, 0.5]],
    ] as const) {
      for (const g of grid) {
        const trial = { ...w, [param]: g };
        const o = objective(cases, trial);
        if (o > best + 1e-6) {
          best = o;
          w[param] = g;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  // Then finer steps around the grid optimum: the grid is coarse where the weights are large.
  for (let pass = 0; pass < 2; pass++) {
    let improved = false;
    for (const s of SIGNAL_NAMES) {
      if (s === 'name' || w[s] === 0) continue;
      for (const f of [0.7, 0.85, 1.2, 1.4]) {
        const cap = UNCAPPED.has(s) ? UNCAPPED_MAX : MAX_WEIGHT;
        const trial = {
          ...w,
          [s]: Math.max(floorOf(s), Math.min(cap, Math.round(w[s] * f * 1000) / 1000)),
        };
        const o = objective(cases, trial);
        if (o > best + 1e-6) {
          best = o;
          w[s] = trial[s];
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return w;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fi = args.indexOf('--folds');
  const foldsFile = fi >= 0 ? args[fi + 1] : undefined;
  const dirs = args.filter((a, i) => !a.startsWith('--') && (fi < 0 || i !== fi + 1));
  const start: ModelWeights = {
    ...(Object.fromEntries(
      SIGNAL_NAMES.map((s) => [s, s === 'name' ? 0.6 : Math.max(floorOf(s), 0.1)]),
    ) as Record<SignalName, number>),
    gatedFactor: 0.5,
    descriptionGate: 0.6,
    contested: 0,
  };

  const cases: PreparedCase[] = [];
  for (const dir of dirs) {
    const bench = await loadBench(path.resolve(dir));
    // The same candidates as bench:match and a deployed matcher score: the fit sees what ranking sees.
    const matcher = new Matcher(bench.entities);
    const source = path.basename(path.resolve(dir));
    cases.push(...prepare(source, (c) => `${source}/${c.name}`, matcher, bench.cases));
  }
  const catalog = await loadCatalog(path.resolve(__dirname, '../../../../examples/catalog.yaml'));
  const entities = catalog.systems.flatMap((s) => s.entities);
  const matcher = new Matcher(entities);
  const glossary = glossaryCases(entities);
  cases.push(
    ...prepare(
      'example-glossary',
      (c) => `glossary/${c.name.split('#')[0]}`,
      new Matcher(glossary.entities),
      glossary.cases,
    ),
  );
  cases.push(
    ...prepare(
      'example-business',
      (c) => `example/${c.name.split('#')[0]}`,
      matcher,
      syntheticCases(entities),
    ),
  );

  const benchSources = new Set(dirs.map((d) => path.basename(path.resolve(d))));
  const folds = [
    ...new Set(
      cases.filter((c) => !args.includes('--quick') || benchSources.has(c.source)).map((c) => c.fold),
    ),
  ];
  const perCase: Record<string, ModelWeights> = {};
  const cv: Array<{ fold: string; name: string; mrr: number; r1: number; decisions: number }> = [];
  const heldOut: Array<{ score: number; right: boolean; source: string }> = [];
  for (const fold of folds) {
    const w = fit(
      cases.filter((c) => c.fold !== fold),
      start,
    );
    for (const c of cases.filter((x) => x.fold === fold)) {
      perCase[c.name] = w;
      cv.push({ fold, name: c.name, ...caseScores(c, w) });
      heldOut.push(...labelledScores(c, w));
    }
    process.stderr.write(`fold ${fold}: ${JSON.stringify(w)}\n`);
  }
  const weights = fit(cases, start);
  const calibration = fitCalibration(heldOut);
  const bySource = (src: string) => {
    const rows = cv.filter((r) => cases.find((c) => c.name === r.name)!.source === src);
    const mean = (k: 'mrr' | 'r1' | 'decisions') =>
      rows.length > 0 ? rows.reduce((s, r) => s + r[k], 0) / rows.length : NaN;
    const judged = cases.some((c) => c.source === src && c.decisions);
    return {
      cases: rows.length,
      mrr: round(mean('mrr')),
      r1: round(mean('r1')),
      decisions: judged ? round(mean('decisions')) : null,
    };
  };
  const sources = [...new Set(cases.map((c) => c.source))];
  const out = {
    note: 'Fitted by bench/match/train.ts; do not edit by hand. cv: each fold scored with weights fitted without it.',
    sources,
    objective:
      'mean over sources of macro ranking = 0.75 × (MRR + R@1) / 2 + 0.25 × pairwise soft rank; for cases that name their distractor columns, (ranking + decisions at the field threshold) / 2',
    cv: Object.fromEntries(sources.map((s) => [s, bySource(s)])),
    weights: {
      ...Object.fromEntries(SIGNAL_NAMES.map((s) => [s, weights[s]])),
      gatedFactor: weights.gatedFactor,
      descriptionGate: weights.descriptionGate,
      contested: weights.contested,
    },
    calibration,
  };
  const target = path.resolve(__dirname, '../../../../libs/matching/src/model-weights.json');
  writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
  // The repository's formatting, so that a retrained model is a clean diff.
  spawnSync('npx', ['prettier', '--write', target], { stdio: 'ignore' });
  if (foldsFile) writeFileSync(foldsFile, `${JSON.stringify({ perCase }, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

/**
 * Each column's best candidate under held-out weights, labelled right or wrong (distractor columns'
 * best candidates are wrong): what the probability of a shown match is calibrated on.
 */
function labelledScores(
  c: PreparedCase,
  w: ModelWeights,
): Array<{ score: number; right: boolean; source: string }> {
  const out: Array<{ score: number; right: boolean; source: string }> = [];
  for (const { column, ranking } of columnScores(c, w)) {
    const top = firstCandidate(ranking);
    if (top >= 0)
      out.push({ score: ranking[top], right: !!column.truth?.has(column.pairs[top].key), source: c.source });
  }
  return out;
}

/**
 * Platt scaling: P(the best candidate is right) = 1 / (1 + exp(-(a·score + b))), fitted by gradient
 * descent on held-out predictions, each source weighing the same.
 */
function fitCalibration(rows: Array<{ score: number; right: boolean; source: string }>): {
  a: number;
  b: number;
} {
  const perSource = new Map<string, number>();
  for (const r of rows) perSource.set(r.source, (perSource.get(r.source) ?? 0) + 1);
  let a = 1;
  let b = 0;
  for (let it = 0; it < 5000; it++) {
    let ga = 0;
    let gb = 0;
    for (const r of rows) {
      const wgt = 1 / (perSource.get(r.source)! * perSource.size);
      const p = 1 / (1 + Math.exp(-(a * r.score + b)));
      const e = (p - (r.right ? 1 : 0)) * wgt;
      ga += e * r.score;
      gb += e;
    }
    a -= 2 * ga;
    b -= 2 * gb;
  }
  return { a: round(a), b: round(b) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
