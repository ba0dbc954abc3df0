import type { ColumnType } from './fingerprint';

export type Criticality = 'low' | 'medium' | 'high' | 'critical';

export interface SorField {
  name: string;
  type?: ColumnType;
  description?: string;
  allowedValues?: string[];
  /** Normalised distinct values from the extract (capped); empty when there is no sample. */
  values: string[];
}

export interface SorEntity {
  system: string;
  name: string;
  key: string[];
  owner?: string;
  description?: string;
  /** How much the business depends on this entity; drives finding severity. */
  criticality?: Criticality;
  fields: SorField[];
  /** Rows in the extract, when there is one. */
  rowCount?: number;
}

export interface SorSystem {
  name: string;
  description?: string;
  entities: SorEntity[];
}

/** A catalog after its file, extracts and dictionaries were read: self-contained, storable as JSON. */
export interface ResolvedCatalog {
  /** sha256 of the canonical JSON of `systems`: the catalog version. */
  version: string;
  source: string;
  systems: SorSystem[];
}
