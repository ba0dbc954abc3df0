import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ShadowscanError } from '@shadowscan/domain';
import { ScanService } from '@shadowscan/pipeline';
import { ShadowscanStore } from '@shadowscan/store';
import { ZodPipe } from './zod.pipe';

const startScan = z
  .object({
    source: z.string().min(1),
    catalog: z.string().min(1).optional(),
    syncCatalog: z.boolean().optional(),
  })
  .strict();

class StartScanDto {
  @ApiProperty({ description: 'Name of a registered source', example: 'finance-share' }) source!: string;
  @ApiPropertyOptional({ description: "Catalog file; default: the source's catalog" }) catalog?: string;
  @ApiPropertyOptional({
    description:
      'Read the catalog again (databases included) first; default: use its latest stored version while the file and extracts are unchanged',
  })
  syncCatalog?: boolean;
}

@ApiTags('scans')
@Controller('scans')
export class ScansController {
  constructor(
    private readonly scans: ScanService,
    private readonly store: ShadowscanStore,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a scan of a registered source; poll GET /scans/:id for progress' })
  @ApiBody({ type: StartScanDto })
  async start(@Body(new ZodPipe(startScan)) body: z.infer<typeof startScan>) {
    const source = await this.store.getSourceByName(body.source);
    if (!source)
      throw new ShadowscanError('source_not_found', `No source named "${body.source}" is registered.`);
    const catalogFile = body.catalog ?? (source.config as { catalog?: string }).catalog;
    if (!catalogFile) {
      throw new ShadowscanError(
        'catalog_missing',
        `Source "${body.source}" has no catalog; pass "catalog" in the body.`,
      );
    }
    const { catalog } = await this.scans.catalogForScan(catalogFile, { refresh: body.syncCatalog });
    const scan = await this.scans.startScan(body.source, catalog.version);
    return this.store.scanProgress(scan.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, counts and progress of a scan' })
  async get(@Param('id') id: string) {
    const p = /^[0-9a-f-]{36}$/i.test(id) ? await this.store.scanProgress(id) : undefined;
    if (!p) throw new NotFoundException(`No scan ${id}.`);
    return p;
  }
}
