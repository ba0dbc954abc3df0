import { z } from 'zod';

const COLUMN_TYPES = [
  'integer',
  'decimal',
  'currency',
  'percent',
  'date',
  'datetime',
  'boolean',
  'email',
  'phone',
  'url',
  'id',
  'string',
] as const;

const name = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"');

const field = z
  .object({
    name: z.string().min(1),
    type: z.enum(COLUMN_TYPES).optional(),
    description: z.string().optional(),
    allowed_values: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

const entity = z
  .object({
    name,
    key: z.array(z.string().min(1)).optional(),
    owner: z.string().optional(),
    description: z.string().optional(),
    criticality: z.enum(['low', 'medium', 'high', 'critical']).optional(),
    sample: z.string().min(1).optional(),
    fields: z.array(field).optional(),
  })
  .strict();

const system = z
  .object({
    name,
    description: z.string().optional(),
    connection: z
      .string()
      .regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, 'reference an environment variable: env:NAME')
      .optional(),
    /** Bounds of database introspection (systems with a connection). */
    introspection: z
      .object({
        schemas: z.array(z.string().min(1)).optional(),
        tables: z.array(z.string().min(1)).optional(),
        sample_rows: z.number().int().min(0).max(1_000_000).optional(),
        value_cap: z.number().int().min(0).max(1_000_000).optional(),
        timeout_ms: z.number().int().min(100).max(3_600_000).optional(),
      })
      .strict()
      .optional(),
    entities: z.array(entity).default([]),
  })
  .strict();

/** The catalog file (YAML or JSON), as users write it. A contract: later versions only add fields. */
export const catalogFileSchema = z.object({ systems: z.array(system).min(1) }).strict();
export type CatalogFile = z.infer<typeof catalogFileSchema>;
