import type { Finding } from '@shadowscan/domain';
import type { ScanProgress } from '@shadowscan/store';

const REPORT_FIELDS = [
  'id',
  'kind',
  'severity',
  'status',
  'file',
  'sheet',
  'system',
  'entity',
  'title',
  'evidence',
  'owner',
  'firstSeenAt',
  'lastSeenAt',
] as const;

export type ReportFinding = Pick<Finding, (typeof REPORT_FIELDS)[number]>;

/** The scan report contract (`shadowscan scan --json`, report.json): later versions only add fields. */
export interface ScanReport {
  scan: ScanProgress & {
    root: string;
    catalog: {
      file: string;
      version: string;
      systems: number;
      entities: number;
      /** The catalog's version number, and whether the scan used it as stored or synced it first. */
      number?: number;
      from?: 'stored' | 'synced';
    };
  };
  findings: ReportFinding[];
}

export function toReportFinding(f: Finding): ReportFinding {
  return Object.fromEntries(REPORT_FIELDS.map((k) => [k, f[k] ?? null])) as ReportFinding;
}
