import type { Finding, FindingKind } from '@shadowscan/domain';
import type { ScanProgress } from '@shadowscan/store';

/** The scan report contract (`shadowscan scan --json`, report.json): later versions only add fields. */
export interface ScanReport {
  scan: ScanProgress & {
    root: string;
    catalog: { file: string; version: string; systems: number; entities: number };
  };
  findings: Array<{
    id: string;
    kind: FindingKind;
    severity: string;
    status: string;
    file: string;
    sheet: string | null;
    system: string | null;
    entity: string | null;
    title: string;
    evidence: Record<string, unknown>;
    firstSeenAt: string;
    lastSeenAt: string;
  }>;
}

export function toReportFinding(f: Finding): ScanReport['findings'][number] {
  return {
    id: f.id,
    kind: f.kind,
    severity: f.severity,
    status: f.status,
    file: f.file,
    sheet: f.sheet,
    system: f.system,
    entity: f.entity,
    title: f.title,
    evidence: f.evidence,
    firstSeenAt: f.firstSeenAt,
    lastSeenAt: f.lastSeenAt,
  };
}
