import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import {
  isTransientNetworkError,
  parseRetryAfter,
  ThrottledError,
  type ThrottleBudget,
} from '../remote/throttle-budget';

/**
 * Last link of the Graph client's middleware chain: node:http(s) with a keep-alive agent that can
 * trust an extra CA (the Graph client's default handler uses global fetch, which cannot). Never follows
 * redirects itself: RedirectHandler does, and drops the Authorization header when the host changes.
 */
export class NodeHttpHandler implements Middleware {
  constructor(private readonly agent: https.Agent) {}

  async execute(ctx: Context): Promise<void> {
    const url = typeof ctx.request === 'string' ? ctx.request : (ctx.request as Request).url;
    const opts = ctx.options ?? {};
    const method = (opts.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    const h = opts.headers as Record<string, string> | Headers | undefined;
    if (h instanceof Headers) h.forEach((v, k) => (headers[k] = v));
    else if (h) Object.assign(headers, h);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = (url.startsWith('https:') ? https : http).request(
        url,
        { method, headers, agent: url.startsWith('https:') ? this.agent : undefined },
        resolve,
      );
      req.on('error', reject);
      if (opts.body !== undefined && opts.body !== null) req.write(opts.body as string | Buffer);
      req.end();
    });
    const status = res.statusCode ?? 0;
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) v.forEach((x) => out.append(k, x));
      else if (v !== undefined) out.set(k, v);
    }
    const bodyless = method === 'HEAD' || status === 204 || status === 304 || (status >= 300 && status < 400);
    if (bodyless) res.resume(); // frees the keep-alive socket
    const body = bodyless ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
    const response = new Response(body, { status, headers: out });
    // RedirectHandler compares this origin with the Location's to decide whether to drop the token.
    Object.defineProperty(response, 'url', { value: url });
    ctx.response = response;
  }

  setNext(): void {
    // last in the chain
  }
}

/**
 * Replaces the Graph client's RetryHandler: 429 and 503 (with Retry-After) slow the whole tenant down
 * through the shared budget and are retried until the budget gives up; they never surface as errors.
 * A broken connection is retried the same way.
 */
export class BudgetHandler implements Middleware {
  private next!: Middleware;

  constructor(private readonly budget: ThrottleBudget) {}

  async execute(ctx: Context): Promise<void> {
    await this.budget.run(async () => {
      try {
        await this.next.execute(ctx);
      } catch (e) {
        if (isTransientNetworkError(e)) throw new ThrottledError(0, null, `network: ${(e as Error).message}`);
        throw e;
      }
      const r = ctx.response;
      if (r && (r.status === 429 || r.status === 503)) {
        await r.body?.cancel().catch(() => undefined);
        throw new ThrottledError(
          r.status,
          parseRetryAfter(r.headers.get('retry-after')),
          `HTTP ${r.status} from ${new URL(r.url || 'https://graph').host}`,
        );
      }
    });
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export type WebBody = WebReadableStream<Uint8Array>;
