import { Body, Controller, Get, NotFoundException, Param, Patch, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
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

const triage = z
  .object({
    status: z.enum(FINDING_STATUSES),
    reason: z.string().min(3).max(2000),
    by: z.string().min(1).max(200),
    owner: z.string().min(1).max(200).nullable().optional(),
    riskExpiresAt: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
  })
  .strict();

class TriageDto {
  @ApiProperty({ enum: FINDING_STATUSES }) status!: string;
  @ApiProperty({ description: 'Why: goes into the audit log' }) reason!: string;
  @ApiProperty({ description: 'Who decides: goes into the audit log' }) by!: string;
  @ApiPropertyOptional({ description: 'Who handles the finding from now on', nullable: true }) owner?:
    string | null;
  @ApiPropertyOptional({ description: 'Required for accepted_risk: when the acceptance lapses' })
  riskExpiresAt?: string;
}

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

  @Get(':id')
  @ApiOperation({ summary: 'One finding with its full history (the audit entries)' })
  async get(@Param('id') id: string) {
    const f = await this.store.getFinding(id);
    if (!f) throw new NotFoundException(`No finding ${id}.`);
    const history = await this.store.findingEvents(id);
    return { ...f, history };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Triage: set status (and owner, accepted-risk expiry) with who and why' })
  @ApiBody({ type: TriageDto })
  async triage(@Param('id') id: string, @Body(new ZodPipe(triage)) body: z.infer<typeof triage>) {
    return this.store.triageFinding(id, {
      status: body.status,
      reason: body.reason,
      actor: body.by,
      owner: body.owner,
      riskExpiresAt: body.riskExpiresAt ?? null,
    });
  }
}
