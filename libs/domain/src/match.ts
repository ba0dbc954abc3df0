export interface FieldCandidate {
  system: string;
  entity: string;
  field: string;
  score: number;
  /** Per-signal scores (0..1) behind `score`, e.g. { name: 0.82, values: 0.4 }. */
  signals: Record<string, number>;
  /**
   * Calibrated chance (0..1) that this is the column's field when it is the column's best candidate,
   * from held-out predictions (see libs/matching/src/model-weights.json).
   */
  probability?: number;
}

export interface ColumnMatch {
  column: string;
  index: number;
  candidates: FieldCandidate[];
}

export interface EntityAssignment {
  system: string;
  entity: string;
  score: number;
  /** Column → field pairs accepted one-to-one for this entity. */
  mapping: Array<{
    column: string;
    index: number;
    field: string;
    score: number;
    signals: Record<string, number>;
  }>;
}

export interface TableMatch {
  sheet: string;
  range: string;
  /** Best entity for the table, or null when nothing clears the threshold. */
  entity: EntityAssignment | null;
  columns: ColumnMatch[];
}
