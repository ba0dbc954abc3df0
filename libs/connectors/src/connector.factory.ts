import { ShadowscanError } from '@shadowscan/domain';
import { LocalFolderConnector, type LocalFolderConfig } from './local-folder.connector';
import type { SourceConnector } from './source-connector.port';

export const SOURCE_KINDS = ['local'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Builds the connector for a registered source from its stored (credential-free) settings. */
export function createConnector(kind: string, config: Record<string, unknown>): SourceConnector {
  switch (kind) {
    case 'local':
      if (typeof config.root !== 'string') {
        throw new ShadowscanError('source_invalid', 'A local source needs a "root" folder.');
      }
      return new LocalFolderConnector(config as unknown as LocalFolderConfig);
    default:
      throw new ShadowscanError(
        'source_invalid',
        `Unknown source kind "${kind}" (known: ${SOURCE_KINDS.join(', ')}).`,
      );
  }
}
