import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { ShadowscanError } from '@shadowscan/domain';

/** Every error answers `{ code, message }`; unexpected ones are logged and answered without internals. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Api');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (err instanceof ShadowscanError) {
      res.status(err.code.endsWith('_not_found') ? 404 : 400).json({ code: err.code, message: err.message });
      return;
    }
    if (err instanceof HttpException) {
      const body = err.getResponse();
      const message =
        typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? err.message);
      res.status(err.getStatus()).json({ code: `http_${err.getStatus()}`, message });
      return;
    }
    this.log.error(err instanceof Error ? err.stack : String(err));
    res.status(500).json({ code: 'internal', message: 'Internal error; the server log has the details.' });
  }
}
