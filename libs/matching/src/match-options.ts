import { ShadowscanError } from '@shadowscan/domain';
import type { ModelWeights } from './combine';

export interface MatchOptions {
  /** Candidates kept per column, across all entities. */
  topK: number;
  /** A column→field pair below this is never part of an entity mapping. */
  fieldThreshold: number;
  /** An entity whose assignment scores below this is not the table's entity. */
  entityThreshold: number;
  /** Fewer mapped columns than this is a coincidence, not a copy of the entity. */
  minMappedColumns: number;
  /** Fields scored per column at most, chosen by the blocking index (most shared evidence first). */
  maxCandidates: number;
  /** Model weights in place of the trained ones (benchmarks and training only). */
  weights?: Readonly<ModelWeights>;
}

/**
 * First hand-set values, tuned on the fixtures in the specs (bench/ will re-tune them on a labelled
 * corpus):
 * - fieldThreshold 0.65: with the weights in combine.ts, a pair with no value sample needs a name score
 *   above 0.56 when the types agree, or above 0.64 when they are only compatible. A name score of 0.5 is
 *   what half-matches get ("Name" vs `company_name`, "Address 1" vs `address_2`, "Customer No" vs
 *   `invoice.number`), so 0.6 let those through on a matching type alone; "Contact Email" → `email`
 *   (0.73) and "Cust No" → `customer_id` (0.89) still pass. Overlapping values lower the bar to about
 *   0.42, which is their point.
 * - entityThreshold 0.5: half of the smaller side (table columns or entity fields) explained by good
 *   pairs. A CRM copy with a few extra columns scores 0.6-0.8; a table sharing one or two generic
 *   columns with an entity stays well below.
 * - minMappedColumns 2: one column ("Date", "Name") matches something in any catalog.
 */
export const DEFAULT_MATCH_OPTIONS: MatchOptions = Object.freeze({
  topK: 5,
  fieldThreshold: 0.65,
  entityThreshold: 0.5,
  minMappedColumns: 2,
  maxCandidates: 150,
});

export function resolveMatchOptions(opts: Partial<MatchOptions> = {}): MatchOptions {
  const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  const resolved: MatchOptions = { ...DEFAULT_MATCH_OPTIONS, ...defined };
  const problems: string[] = [];
  if (!Number.isInteger(resolved.topK) || resolved.topK < 1)
    problems.push(`topK must be an integer ≥ 1 (got ${resolved.topK})`);
  for (const key of ['fieldThreshold', 'entityThreshold'] as const) {
    const v = resolved[key];
    if (!(typeof v === 'number' && v >= 0 && v <= 1))
      problems.push(`${key} must be between 0 and 1 (got ${v})`);
  }
  if (!Number.isInteger(resolved.maxCandidates) || resolved.maxCandidates < 1) {
    problems.push(`maxCandidates must be an integer ≥ 1 (got ${resolved.maxCandidates})`);
  }
  if (!Number.isInteger(resolved.minMappedColumns) || resolved.minMappedColumns < 1) {
    problems.push(`minMappedColumns must be an integer ≥ 1 (got ${resolved.minMappedColumns})`);
  }
  if (problems.length > 0) {
    throw new ShadowscanError(
      'match_options_invalid',
      `Invalid matching options: ${problems.join('; ')}. Fix the matching section of the configuration.`,
    );
  }
  return resolved;
}
