import { Injectable, Logger } from '@nestjs/common';
import { ShadowscanError } from '@shadowscan/domain';
import { PermanentJobError, type JobHandler, type JobPayloads } from '@shadowscan/queue';
import { CatalogSyncService } from './catalog-sync.service';

/**
 * sync-catalog: refresh a catalog's stored version from its file, extracts and databases. A database
 * that does not answer is retried with backoff; a catalog that is invalid (or names an unset
 * variable) fails at once, since only a person can fix it.
 */
@Injectable()
export class SyncCatalogStage implements JobHandler<'sync-catalog'> {
  readonly job = 'sync-catalog' as const;
  private readonly log = new Logger(SyncCatalogStage.name);

  constructor(private readonly catalogs: CatalogSyncService) {}

  async handle({ catalog }: JobPayloads['sync-catalog']): Promise<void> {
    try {
      await this.catalogs.sync(catalog, { trigger: 'job' });
    } catch (e) {
      if (e instanceof ShadowscanError && e.code === 'catalog_invalid')
        throw new PermanentJobError(e.message);
      throw e;
    }
  }

  async failed({ catalog, requestId }: JobPayloads['sync-catalog'], error: Error): Promise<void> {
    // Messages are redacted where they are made: they name the system and env variable, never the URL.
    this.log.error(`sync of catalog ${catalog} (request ${requestId}) failed: ${error.message}`);
  }
}
