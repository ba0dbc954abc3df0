import {
  UnreadableFileError,
  type DetectedFinding,
  type ResolvedCatalog,
  type SorEntity,
  type TableMatch,
  type UnreadableCode,
  type WorkbookFingerprint,
} from '@shadowscan/domain';
import {
  assessDuplicates,
  contradictionFinding,
  DEFAULT_THRESHOLDS,
  duplicateFinding,
  extensionFinding,
  findContradictions,
  tableContentHash,
  tableSketch,
  unreadableFinding,
  type DetectorThresholds,
  type MaskingPolicy,
  type OfficialLookup,
} from '@shadowscan/findings';
import {
  fingerprintFile,
  normaliseValue,
  streamTableRows,
  type FingerprintLimits,
} from '@shadowscan/fingerprint';
import type { Matcher } from '@shadowscan/matching';

export interface EvidencePolicy {
  masking: MaskingPolicy;
  maxExamples: number;
}

export const DEFAULT_EVIDENCE: EvidencePolicy = { masking: 'sensitive', maxExamples: 5 };

export interface AnalyzeFileInput {
  /** Where the bytes are on disk now. */
  absPath: string;
  /** Path relative to the source root: what findings and reports show. */
  file: string;
  sourceId: string;
  catalog: ResolvedCatalog;
  matcher: Matcher;
  limits?: Partial<FingerprintLimits>;
  thresholds?: DetectorThresholds;
  evidence?: EvidencePolicy;
  /** How widely the file is shared, where the connector knows. */
  sharingScope?: string | null;
  /** Official rows of an entity by key, or null when the catalog has none to compare with. */
  lookupFor?: (entity: SorEntity) => Promise<OfficialLookup | null>;
}

export interface AnalyzeFileResult {
  fingerprint: WorkbookFingerprint | null;
  matches: TableMatch[];
  findings: DetectedFinding[];
  signatures: Array<{
    sheet: string;
    range: string;
    schemaHash: string;
    contentHash: string;
    sketch: number[];
    rows: number;
  }>;
  error: { code: UnreadableCode; message: string } | null;
}

/**
 * fingerprint → match → detect for one file: the heart of the `analyze` stage. The only I/O is
 * reading the file (twice for a table that joins an official entity: its rows are streamed for the
 * contradiction check) and the official-row look-ups it is given, so the worker, the CLI and the
 * benchmarks run exactly the same code.
 */
export async function analyzeFile(input: AnalyzeFileInput): Promise<AnalyzeFileResult> {
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const evidence = input.evidence ?? DEFAULT_EVIDENCE;
  let fingerprint: WorkbookFingerprint;
  try {
    fingerprint = await fingerprintFile(input.absPath, { displayName: input.file, limits: input.limits });
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    return unreadableResult(input, e);
  }
  const matches = fingerprint.tables.map((t) => input.matcher.matchTable(t));
  const detectInput = {
    sourceId: input.sourceId,
    file: input.file,
    tables: fingerprint.tables,
    matches,
    catalog: input.catalog,
    sharingScope: input.sharingScope,
  };
  const findings: DetectedFinding[] = [];
  try {
    for (const verdict of assessDuplicates(detectInput, thresholds)) {
      findings.push(duplicateFinding(detectInput, verdict));
      const ext = extensionFinding(detectInput, verdict);
      if (ext) findings.push(ext);
      const lookup = verdict.keyed && input.lookupFor ? await input.lookupFor(verdict.entity) : null;
      if (!verdict.keyed || !lookup) continue;
      const rows = streamTableRows(input.absPath, verdict.table, {
        displayName: input.file,
        limits: input.limits,
      });
      const result = await findContradictions(rows, verdict.keyed, lookup, {
        batchSize: 1000,
        maxExamples: evidence.maxExamples,
        masking: evidence.masking,
        normalise: normaliseValue,
      });
      const c = contradictionFinding(detectInput, verdict, result, thresholds);
      if (c) findings.push(c);
    }
  } catch (e) {
    // The second read can hit a cap the first did not (time); the file is then unreadable, not half-judged.
    if (!(e instanceof UnreadableFileError)) throw e;
    return unreadableResult(input, e);
  }
  return {
    fingerprint,
    matches,
    findings,
    signatures: fingerprint.tables.map((t) => ({
      sheet: t.sheet,
      range: t.range,
      schemaHash: t.schemaHash,
      contentHash: tableContentHash(t),
      sketch: tableSketch(t),
      rows: t.rowCount,
    })),
    error: null,
  };
}

/**
 * What the analyze stage stores of a result besides its findings: table counts and the fingerprint and
 * matches as JSON. An analysis thread makes it, so that the main thread neither receives nor
 * re-serialises the fingerprint's objects.
 */
export interface AnalysisSummary {
  tables: number;
  matchedTables: number;
  fingerprintJson: string | null;
  matchesJson: string;
}

export function summarise(r: AnalyzeFileResult): AnalysisSummary {
  return {
    tables: r.fingerprint?.tables.length ?? 0,
    matchedTables: r.matches.filter((m) => m.entity).length,
    fingerprintJson: r.fingerprint === null ? null : JSON.stringify(r.fingerprint),
    matchesJson: JSON.stringify(r.matches),
  };
}

/** A result without its fingerprint and matches, once they are summarised: what crosses back from a thread. */
export type SummarisedResult = Omit<AnalyzeFileResult, 'fingerprint' | 'matches'> & {
  summary: AnalysisSummary;
};

/** The result with its fingerprint and matches replaced by their summary. */
export function summarised(r: AnalyzeFileResult): SummarisedResult {
  const { fingerprint: _f, matches: _m, ...rest } = r;
  return { ...rest, summary: summarise(r) };
}

/** The result for a file that could not be read (by the readers, or already when it was opened). */
export function unreadableResult(
  input: Pick<AnalyzeFileInput, 'sourceId' | 'file'>,
  e: UnreadableFileError,
): AnalyzeFileResult {
  return {
    fingerprint: null,
    matches: [],
    findings: [unreadableFinding(input.sourceId, input.file, e.code, e.message)],
    signatures: [],
    error: { code: e.code, message: e.message },
  };
}
