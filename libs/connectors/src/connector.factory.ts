import { z } from 'zod';
import { ShadowscanError } from '@shadowscan/domain';
import { gdriveConfigSchema } from './gdrive/gdrive.config';
import { GoogleDriveConnector } from './gdrive/gdrive.connector';
import { sharepointConfigSchema } from './graph/graph.config';
import { GraphConnector } from './graph/graph.connector';
import { LocalFolderConnector, type LocalFolderConfig } from './local-folder.connector';
import type { SourceConnector } from './source-connector.port';

export const SOURCE_KINDS = ['local', 'sharepoint', 'gdrive'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** The stored (credential-free) settings of each remote kind. */
export const SOURCE_CONFIG_SCHEMAS = {
  sharepoint: sharepointConfigSchema,
  gdrive: gdriveConfigSchema,
} as const;

/**
 * Remote connectors are kept per process and per configuration: the pipeline builds a connector for
 * every job, and a remote one carries a token cache, keep-alive connections and read-ahead downloads.
 */
const remotes = new Map<string, SourceConnector>();
const MAX_CACHED = 64;

/** Builds the connector for a registered source from its stored (credential-free) settings. */
export function createConnector(kind: string, config: Record<string, unknown>): SourceConnector {
  switch (kind) {
    case 'local':
      if (typeof config.root !== 'string') {
        throw new ShadowscanError('source_invalid', 'A local source needs a "root" folder.');
      }
      return new LocalFolderConnector(config as unknown as LocalFolderConfig);
    case 'sharepoint':
    case 'gdrive': {
      const key = `${kind}\u0000${JSON.stringify(config)}`;
      const cached = remotes.get(key);
      if (cached) return cached;
      const connector =
        kind === 'sharepoint'
          ? new GraphConnector(parseConfig(kind, sharepointConfigSchema, config))
          : new GoogleDriveConnector(parseConfig(kind, gdriveConfigSchema, config));
      if (remotes.size >= MAX_CACHED) remotes.delete(remotes.keys().next().value!);
      remotes.set(key, connector);
      return connector;
    }
    default:
      throw new ShadowscanError(
        'source_invalid',
        `Unknown source kind "${kind}" (known: ${SOURCE_KINDS.join(', ')}).`,
      );
  }
}

/** Validates a remote source's settings (what the API and CLI should call before storing them). */
export function validateSourceConfig(kind: string, config: unknown): Record<string, unknown> {
  if (kind === 'sharepoint' || kind === 'gdrive') {
    return parseConfig(kind, SOURCE_CONFIG_SCHEMAS[kind], config) as Record<string, unknown>;
  }
  createConnector(kind, (config ?? {}) as Record<string, unknown>);
  return config as Record<string, unknown>;
}

function parseConfig<S extends z.ZodType>(kind: string, schema: S, config: unknown): z.infer<S> {
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : '(config)'}: ${i.message}`)
      .join('; ');
    throw new ShadowscanError('source_invalid', `Invalid ${kind} source settings: ${issues}.`);
  }
  return parsed.data;
}
