export const FINDINGS_SINK = Symbol('FINDINGS_SINK');

export interface FindingChange {
  seq: number;
  findingId: string;
  change: string;
  fromStatus: string | null;
  toStatus: string;
  kind: string;
  file: string;
  system: string | null;
  entity: string | null;
  severity: string;
}

/**
 * Where finding changes go once recorded (a webhook, a ticketing system). Delivery is at least once:
 * a sink must accept the same change (same seq) twice.
 */
export interface FindingsSink {
  deliver(scanId: string, changes: FindingChange[]): Promise<void>;
}
