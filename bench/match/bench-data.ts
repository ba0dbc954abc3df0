import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as Papa from 'papaparse';
import type { SorEntity, SorField, TableFingerprint } from '@shadowscan/domain';
import { fingerprintFile } from '@shadowscan/fingerprint';

/** One case of a matching benchmark (layout in ../shared/bench/README.md). */
export interface BenchCase {
  name: string;
  table: TableFingerprint;
  /** column → true targets as "entity.field" (a column may have several). */
  truth: Map<string, Set<string>>;
  /** Distinct ground-truth pairs. */
  pairs: number;
  /** Columns known to match no field (synthetic cases only; benchmarks do not say). */
  distractors?: Set<string>;
}

export interface Bench {
  dir: string;
  entities: SorEntity[];
  cases: BenchCase[];
}

interface TargetField {
  entity: string;
  name: string;
  description?: string;
  allowed_values?: unknown[];
}

/** Distinct values kept per target field from its sample rows, as the catalog keeps for extracts. */
const TARGET_VALUE_CAP = 100_000;

export async function loadBench(dir: string): Promise<Bench> {
  const fields = JSON.parse(await readFile(path.join(dir, 'target', 'fields.json'), 'utf8')) as TargetField[];
  const byEntity = new Map<string, SorField[]>();
  for (const f of fields) {
    const list = byEntity.get(f.entity) ?? [];
    list.push({
      name: f.name,
      description: f.description || undefined,
      allowedValues: f.allowed_values?.length ? f.allowed_values.map(String) : undefined,
      values: [],
    });
    byEntity.set(f.entity, list);
  }
  const entities: SorEntity[] = [];
  for (const [name, list] of byEntity) {
    const sample = path.join(dir, 'target', `${name}.csv`);
    const fp = await fingerprintFile(sample, { limits: { valueSampleCap: TARGET_VALUE_CAP } }).catch(
      () => null,
    );
    const columns = new Map(fp?.tables[0]?.columns.map((c) => [c.name, c]) ?? []);
    for (const f of list) {
      const c = columns.get(f.name);
      if (!c) continue;
      f.values = c.values;
      if (c.type !== 'empty') f.type = c.type;
    }
    entities.push({ system: name, name, key: [], fields: list, rowCount: fp?.tables[0]?.rowCount });
  }
  const cases: BenchCase[] = [];
  const caseDir = path.join(dir, 'cases');
  for (const name of (await readdir(caseDir)).sort()) {
    const fp = await fingerprintFile(path.join(caseDir, name, 'source.csv'));
    const table = fp.tables[0];
    const gt = Papa.parse<string[]>(await readFile(path.join(caseDir, name, 'groundtruth.csv'), 'utf8'), {
      skipEmptyLines: true,
    }).data.slice(1);
    const truth = new Map<string, Set<string>>();
    for (const [source, target] of gt) {
      const set = truth.get(source) ?? new Set<string>();
      set.add(target.trim());
      truth.set(source, set);
    }
    const pairs = [...truth.values()].reduce((n, s) => n + s.size, 0);
    cases.push({ name, table, truth, pairs });
  }
  return { dir, entities, cases };
}
