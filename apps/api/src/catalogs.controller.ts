import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ShadowscanError } from '@shadowscan/domain';
import { CatalogSyncService } from '@shadowscan/pipeline';
import { ShadowscanStore } from '@shadowscan/store';
import { ZodPipe } from './zod.pipe';

const syncCatalog = z
  .object({ catalog: z.string().min(1).optional(), source: z.string().min(1).optional() })
  .strict()
  .refine((b) => !b.catalog !== !b.source, { message: 'give either "catalog" or "source", not both' });

const listVersions = z
  .object({
    catalog: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

class SyncCatalogDto {
  @ApiPropertyOptional({ description: 'Catalog file on the server', example: '/etc/shadowscan/catalog.yaml' })
  catalog?: string;
  @ApiPropertyOptional({ description: "A registered source: sync the source's catalog", example: 'finance' })
  source?: string;
}

class SyncRequestedDto {
  @ApiProperty({ description: 'Id of this request (one sync job per request)' }) requestId!: string;
  @ApiProperty({ description: 'Absolute path of the catalog file' }) catalog!: string;
  @ApiProperty({ enum: ['queued'] }) status!: string;
}

@ApiTags('catalogs')
@Controller('catalogs')
export class CatalogsController {
  constructor(
    private readonly catalogs: CatalogSyncService,
    private readonly store: ShadowscanStore,
  ) {}

  @Post('sync')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue a sync of a catalog (file, extracts, databases); a new version is stored only if the content changed. Poll GET /catalogs for the result',
  })
  @ApiBody({ type: SyncCatalogDto })
  async sync(@Body(new ZodPipe(syncCatalog)) body: z.infer<typeof syncCatalog>): Promise<SyncRequestedDto> {
    let file = body.catalog;
    if (body.source) {
      const source = await this.store.getSourceByName(body.source);
      if (!source)
        throw new ShadowscanError('source_not_found', `No source named "${body.source}" is registered.`);
      file = (source.config as { catalog?: string }).catalog;
      if (!file) {
        throw new ShadowscanError(
          'catalog_missing',
          `Source "${body.source}" has no catalog; pass "catalog" in the body.`,
        );
      }
    }
    const r = await this.catalogs.requestSync(file!);
    return { ...r, status: 'queued' };
  }

  @Get()
  @ApiOperation({ summary: 'Stored catalog versions, newest first, with when and from what each was synced' })
  @ApiQuery({ name: 'catalog', required: false, description: 'Only this catalog file' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  async list(@Query(new ZodPipe(listVersions)) q: z.infer<typeof listVersions>) {
    return this.catalogs.versions(q);
  }
}
