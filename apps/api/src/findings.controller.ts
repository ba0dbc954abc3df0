import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { FINDING_KINDS, FINDING_STATUSES } from '@shadowscan/domain';
import { ShadowscanStore } from '@shadowscan/store';
import { ZodPipe } from './zod.pipe';

const findingsQuery = z
  .object({
    kind: z.enum(FINDING_KINDS).optional(),
    status: z.enum(FINDING_STATUSES).optional(),
    system: z.string().min(1).optional(),
    entity: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

@ApiTags('findings')
@Controller('findings')
export class FindingsController {
  constructor(private readonly store: ShadowscanStore) {}

  @Get()
  @ApiOperation({ summary: 'Findings, filtered and paginated (ordered by kind, file, sheet)' })
  @ApiQuery({ name: 'kind', required: false, enum: FINDING_KINDS })
  @ApiQuery({ name: 'status', required: false, enum: FINDING_STATUSES })
  @ApiQuery({ name: 'system', required: false })
  @ApiQuery({ name: 'entity', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  async list(@Query(new ZodPipe(findingsQuery)) q: z.infer<typeof findingsQuery>) {
    const page = await this.store.listFindings(q);
    return { ...page, limit: q.limit, offset: q.offset };
  }
}
