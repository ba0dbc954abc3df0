import { Body, Controller, Get, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ScanService } from '@shadowscan/pipeline';
import { ShadowscanStore } from '@shadowscan/store';
import { ZodPipe } from './zod.pipe';

const localSource = z
  .object({
    name: z.string().min(1).max(200),
    kind: z.literal('local'),
    root: z.string().min(1),
    include: z.array(z.string().min(1)).optional(),
    exclude: z.array(z.string().min(1)).optional(),
    catalog: z.string().min(1).optional(),
  })
  .strict();

const remoteSource = z
  .object({
    name: z.string().min(1).max(200),
    kind: z.enum(['sharepoint', 'gdrive']),
    // Checked by the connector's own schema; holds references to secrets, never secrets.
    config: z.record(z.string(), z.unknown()),
    catalog: z.string().min(1).optional(),
  })
  .strict();

const registerSource = z.discriminatedUnion('kind', [localSource, remoteSource]);

const filesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

class RegisterSourceDto {
  @ApiProperty({ example: 'finance-share' }) name!: string;
  @ApiProperty({ enum: ['local', 'sharepoint', 'gdrive'] }) kind!: string;
  @ApiPropertyOptional({ description: 'local: folder on the server', example: '/srv/shares/finance' })
  root?: string;
  @ApiPropertyOptional({ type: [String], example: ['**/*.xlsx'] }) include?: string[];
  @ApiPropertyOptional({ type: [String], example: ['Archive/**'] }) exclude?: string[];
  @ApiPropertyOptional({
    description:
      'sharepoint/gdrive: connector settings (see libs/connectors/README.md); secrets by reference: {"env":"VAR"} or {"file":"/path"}',
    example: { tenantId: '…', clientId: '…', clientSecret: { env: 'GRAPH_SECRET' }, allSites: true },
  })
  config?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'Catalog file used by scans of this source',
    example: '/etc/shadowscan/catalog.yaml',
  })
  catalog?: string;
}

@ApiTags('sources')
@Controller('sources')
export class SourcesController {
  constructor(
    private readonly scans: ScanService,
    private readonly store: ShadowscanStore,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register (or update) a source' })
  @ApiBody({ type: RegisterSourceDto })
  async register(@Body(new ZodPipe(registerSource)) body: z.infer<typeof registerSource>) {
    const s =
      body.kind === 'local'
        ? await this.scans.registerLocalSource(body.name, {
            root: body.root,
            include: body.include,
            exclude: body.exclude,
            catalog: body.catalog,
          })
        : await this.scans.registerRemoteSource(body.name, body.kind, body.config, body.catalog);
    return { id: s.id, name: s.name, kind: s.kind, config: s.config };
  }

  @Get()
  @ApiOperation({ summary: 'List registered sources' })
  async list() {
    return (await this.store.listSources()).map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      config: s.config,
    }));
  }

  @Get(':name/files')
  @ApiOperation({
    summary: "A source's spreadsheet inventory",
    description:
      'Live files with what the source reports: size, modified (by), content version and eTag, MIME type, ' +
      'content hash (quickXorHash / md5 / sha256), web link and sharing scope.',
  })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  async files(@Param('name') name: string, @Query(new ZodPipe(filesQuery)) q: z.infer<typeof filesQuery>) {
    const source = await this.store.getSourceByName(name);
    if (!source) throw new NotFoundException(`No source named "${name}" is registered.`);
    return this.store.listFiles(source.id, q);
  }
}
