import type { ColumnType } from './fingerprint';

export type Criticality = 'low' | 'medium' | 'high' | 'critical';

export interface SorField {
  name: string;
  type?: ColumnType;
  description?: string;
  allowedValues?: string[];
  /** Normalised distinct values from the extract (capped); empty when there is no sample. */
  values: string[];
  /** MinHash signature (see minhash.ts) of all distinct values seen, when they were profiled. */
  minhash?: number[];
  /** Distinct non-empty values seen (exact for extracts, of the sample for databases). */
  distinct?: number;
  /** Share of empty values in the sample or extract. */
  nullRatio?: number;
  /** The column's type as the database declares it (`character varying(80)`), for introspected fields. */
  sourceType?: string;
  nullable?: boolean;
  /** Foreign key: the entity and field this field refers to, in the same system. */
  references?: { entity: string; field: string };
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
  /** Absolute path of the extract the rows came from; the store indexes its rows by key for contradiction look-ups. */
  sample?: string;
  /** Other unique keys (each a list of fields), from database introspection. */
  uniqueKeys?: string[][];
  /** Where the fields came from: the catalog file (and its extract) or database introspection. */
  origin?: 'file' | 'postgres' | 'mysql';
  /** Rows the value profiles were computed from (a bounded sample for large tables). */
  sampledRows?: number;
}

export interface SorSystem {
  name: string;
  description?: string;
  /** `env:NAME`: where the database URL is found at run time (never the URL itself). */
  connection?: string;
  entities: SorEntity[];
}

/** A catalog after its file, extracts and dictionaries were read: self-contained, storable as JSON. */
export interface ResolvedCatalog {
  /** sha256 of the canonical JSON of `systems`: the catalog version. */
  version: string;
  source: string;
  systems: SorSystem[];
}
