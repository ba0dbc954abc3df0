export const FINDING_KINDS = [
  'duplicate',
  'contradiction',
  'extension',
  'copy_cluster',
  'unreadable',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FINDING_STATUSES = [
  'open',
  'acknowledged',
  'accepted_risk',
  'remediating',
  'resolved',
  'false_positive',
] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** A finding as a detector produces it, before the store gives it a lifecycle. */
export interface DetectedFinding {
  /** Stable identity: hash of (kind, source, file, table, entity). */
  id: string;
  kind: FindingKind;
  severity: Severity;
  sourceId: string;
  file: string;
  sheet: string | null;
  system: string | null;
  entity: string | null;
  title: string;
  evidence: Record<string, unknown>;
  /** Hash of the evidence that matters, so a rescan can tell "same" from "changed". */
  evidenceHash: string;
}

export interface Finding extends DetectedFinding {
  status: FindingStatus;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  lastScanId: string;
  /** Who is handling it (set in triage). */
  owner?: string | null;
  /** For accepted_risk: when the acceptance lapses and the finding reopens. */
  riskExpiresAt?: string | null;
}
