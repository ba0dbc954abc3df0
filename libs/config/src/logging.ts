import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';

/**
 * Structured JSON logs (pino). Secrets never reach them: request credentials are redacted here, and
 * the code logs ids, paths and counts, never cell values.
 */
export function loggerModule(level: string, fd: 1 | 2 = 1): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: [
      {
        level,
        redact: {
          paths: [
            'req.headers.authorization',
            'req.headers.cookie',
            'req.headers["x-api-key"]',
            '*.password',
            '*.secret',
            '*.token',
          ],
          censor: '[redacted]',
        },
        base: { app: 'shadowscan' },
      },
      pino.destination({ fd, sync: fd === 2 }),
    ],
  });
}
