import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ScanService } from '@shadowscan/pipeline';
import { ShadowscanStore } from '@shadowscan/store';
import { ZodPipe } from './zod.pipe';

const registerSource = z
  .object({
    name: z.string().min(1).max(200),
    kind: z.literal('local'),
    root: z.string().min(1),
    include: z.array(z.string().min(1)).optional(),
    exclude: z.array(z.string().min(1)).optional(),
    catalog: z.string().min(1).optional(),
  })
  .strict();

class RegisterSourceDto {
  @ApiProperty({ example: 'finance-share' }) name!: string;
  @ApiProperty({ enum: ['local'] }) kind!: 'local';
  @ApiProperty({ description: 'Folder on the server', example: '/srv/shares/finance' }) root!: string;
  @ApiPropertyOptional({ type: [String], example: ['**/*.xlsx'] }) include?: string[];
  @ApiPropertyOptional({ type: [String], example: ['Archive/**'] }) exclude?: string[];
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
    const s = await this.scans.registerLocalSource(body.name, {
      root: body.root,
      include: body.include,
      exclude: body.exclude,
      catalog: body.catalog,
    });
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
}
