import type { TableMatch } from '@shadowscan/domain';
import type { BenchCase } from './bench-data';

export interface CaseScores {
  mrr: number;
  r1: number;
  rgt: number;
}

/**
 * The three measures of ../shared/bench/README.md for one case. A candidate is named "entity.field";
 * a column whose true target is not among its candidates counts 0.
 */
export function scoreCase(c: BenchCase, match: TableMatch): CaseScores {
  let rr = 0;
  let hits1 = 0;
  const all: Array<{ column: string; target: string; score: number }> = [];
  for (const col of match.columns) {
    const ranked = col.candidates.map((k) => `${k.entity}.${k.field}`);
    col.candidates.forEach((k, i) => all.push({ column: col.column, target: ranked[i], score: k.score }));
    const truth = c.truth.get(col.column);
    if (!truth) continue;
    for (const t of truth) {
      const rank = ranked.indexOf(t) + 1;
      if (rank > 0) rr += 1 / rank;
      if (rank === 1) hits1++;
    }
  }
  all.sort((a, b) => b.score - a.score);
  let hitsGt = 0;
  for (const p of all.slice(0, c.pairs)) if (c.truth.get(p.column)?.has(p.target)) hitsGt++;
  return { mrr: rr / c.pairs, r1: hits1 / c.pairs, rgt: hitsGt / c.pairs };
}

export function macro(scores: CaseScores[]): CaseScores {
  const mean = (k: keyof CaseScores) => scores.reduce((s, x) => s + x[k], 0) / Math.max(1, scores.length);
  return { mrr: mean('mrr'), r1: mean('r1'), rgt: mean('rgt') };
}
