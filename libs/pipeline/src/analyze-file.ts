import {
  UnreadableFileError,
  type DetectedFinding,
  type ResolvedCatalog,
  type TableMatch,
  type UnreadableCode,
  type WorkbookFingerprint,
} from '@shadowscan/domain';
import { detectFindings, unreadableFinding } from '@shadowscan/findings';
import { fingerprintFile, type FingerprintLimits } from '@shadowscan/fingerprint';
import type { Matcher } from '@shadowscan/matching';

export interface AnalyzeFileInput {
  /** Where the bytes are on disk now. */
  absPath: string;
  /** Path relative to the source root: what findings and reports show. */
  file: string;
  sourceId: string;
  catalog: ResolvedCatalog;
  matcher: Matcher;
  limits?: Partial<FingerprintLimits>;
}

export interface AnalyzeFileResult {
  fingerprint: WorkbookFingerprint | null;
  matches: TableMatch[];
  findings: DetectedFinding[];
  error: { code: UnreadableCode; message: string } | null;
}

/**
 * fingerprint → match → detect for one file: the heart of the `analyze` stage, with no I/O beyond
 * reading the file, so the worker, the CLI and the benchmarks run exactly the same code.
 */
export async function analyzeFile(input: AnalyzeFileInput): Promise<AnalyzeFileResult> {
  let fingerprint: WorkbookFingerprint;
  try {
    fingerprint = await fingerprintFile(input.absPath, { displayName: input.file, limits: input.limits });
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e;
    return {
      fingerprint: null,
      matches: [],
      findings: [unreadableFinding(input.sourceId, input.file, e.code, e.message)],
      error: { code: e.code, message: e.message },
    };
  }
  const matches = fingerprint.tables.map((t) => input.matcher.matchTable(t));
  const findings = detectFindings({
    sourceId: input.sourceId,
    file: input.file,
    tables: fingerprint.tables,
    matches,
    catalog: input.catalog,
  });
  return { fingerprint, matches, findings, error: null };
}
