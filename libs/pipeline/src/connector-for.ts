import { createConnector, type SourceConnector } from '@shadowscan/connectors';
import type { SourceRow } from '@shadowscan/store';

/** The connector of a stored source; the catalog a source is scanned against is the pipeline's, not the connector's. */
export function connectorFor(source: Pick<SourceRow, 'kind' | 'config'>): SourceConnector {
  const { catalog: _catalog, ...settings } = source.config as Record<string, unknown>;
  return createConnector(source.kind, settings);
}
