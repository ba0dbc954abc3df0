import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { sql } from 'kysely';
import { BullmqJobQueue, JOB_QUEUE, type JobQueue } from '@shadowscan/queue';
import { DATABASE, type OpenDatabase } from '@shadowscan/store';

type Check = 'up' | 'down' | 'not used';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: OpenDatabase,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Database and Redis reachability (503 when one is down)' })
  async health(@Res({ passthrough: true }) res: Response) {
    const database: Check = await sql`select 1`
      .execute(this.database.db)
      .then(() => 'up' as const)
      .catch(() => 'down' as const);
    const redis: Check =
      this.queue instanceof BullmqJobQueue
        ? await this.queue
            .ping()
            .then(() => 'up' as const)
            .catch(() => 'down' as const)
        : 'not used';
    const ok = database === 'up' && redis !== 'down';
    res.status(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'degraded',
      checks: { database: { engine: this.database.engine, status: database }, redis: { status: redis } },
    };
  }
}
