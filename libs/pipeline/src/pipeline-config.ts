import type { CoreConfig } from '@shadowscan/config';
import type { DetectorThresholds } from '@shadowscan/findings';
import type { EvidencePolicy } from './analyze-file';

export function thresholdsOf(cfg: CoreConfig): DetectorThresholds {
  return {
    minFieldCoverage: cfg.SHADOWSCAN_MIN_FIELD_COVERAGE,
    minKeyOverlap: cfg.SHADOWSCAN_MIN_KEY_OVERLAP,
    severeConflictRate: cfg.SHADOWSCAN_SEVERE_CONFLICT_RATE,
  };
}

export function evidenceOf(cfg: CoreConfig): EvidencePolicy {
  return { masking: cfg.SHADOWSCAN_EVIDENCE_MASKING, maxExamples: cfg.SHADOWSCAN_EVIDENCE_EXAMPLES };
}

/**
 * Jobs the embedded pipeline (the CLI) runs at once. Enough that while one file is analysed on a
 * thread, others are downloaded and recorded by the main thread.
 */
export const EMBEDDED_CONCURRENCY = 4;
