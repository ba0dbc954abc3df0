import { Inject, Injectable } from '@nestjs/common';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { createConnector, validateSourceConfig, type LocalFolderConfig } from '@shadowscan/connectors';
import { ShadowscanError, type ResolvedCatalog } from '@shadowscan/domain';
import { JOB_QUEUE, type JobQueue } from '@shadowscan/queue';
import { ShadowscanStore, type ScanRow, type SourceRow } from '@shadowscan/store';
import { CatalogSyncService, type CatalogForScan } from './catalog-sync.service';

/** The entry points that the API and the CLI share: register sources, start scans. */
@Injectable()
export class ScanService {
  constructor(
    private readonly store: ShadowscanStore,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly catalogs: CatalogSyncService,
  ) {}

  async registerLocalSource(
    name: string,
    config: LocalFolderConfig & { catalog?: string },
  ): Promise<SourceRow> {
    const root = path.resolve(config.root);
    const settings: Record<string, unknown> = {
      root,
      include: config.include ?? [],
      exclude: config.exclude ?? [],
    };
    if (config.catalog) settings.catalog = path.resolve(config.catalog);
    createConnector('local', settings); // validates before anything is stored
    if (!(await stat(root).catch(() => null))?.isDirectory()) {
      throw new ShadowscanError('source_invalid', `Folder ${root} does not exist or is not a folder.`);
    }
    return this.store.upsertSource({ name, kind: 'local', config: settings });
  }

  /**
   * Registers (or updates) a SharePoint/OneDrive or Google Drive source. Its settings are checked
   * first and hold references to credentials (env var, file), never the credentials.
   */
  async registerRemoteSource(
    name: string,
    kind: 'sharepoint' | 'gdrive',
    config: Record<string, unknown>,
    catalog?: string,
  ): Promise<SourceRow> {
    const settings = validateSourceConfig(kind, config);
    return this.store.upsertSource({
      name,
      kind,
      config: catalog ? { ...settings, catalog: path.resolve(catalog) } : settings,
    });
  }

  /**
   * Reads the catalog file (its extracts and databases too) and stores it as an immutable version: a
   * sync, recorded as a new numbered version of the catalog when its content changed.
   */
  async importCatalog(file: string): Promise<ResolvedCatalog> {
    return (await this.catalogs.sync(file, { trigger: 'scan' })).catalog;
  }

  /**
   * The catalog for a scan: its latest stored version while the file and extracts are unchanged
   * (databases are re-read by `catalog sync`), else it is synced first; `refresh` always syncs.
   */
  async catalogForScan(file: string, opts: { refresh?: boolean } = {}): Promise<CatalogForScan> {
    return this.catalogs.forScan(file, opts);
  }

  async startScan(sourceName: string, catalogVersion: string): Promise<ScanRow> {
    const source = await this.store.getSourceByName(sourceName);
    if (!source)
      throw new ShadowscanError('source_not_found', `No source named "${sourceName}" is registered.`);
    if (!(await this.store.getCatalog(catalogVersion))) {
      throw new ShadowscanError(
        'catalog_not_found',
        `Catalog version ${catalogVersion} is not in the store.`,
      );
    }
    const scan = await this.store.createScan(source.id, catalogVersion);
    await this.queue.add('crawl', { scanId: scan.id });
    return scan;
  }
}
