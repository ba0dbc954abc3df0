import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { CoreConfig } from '@shadowscan/config';
import { ShadowscanError } from '@shadowscan/domain';
import type { FindingChange, FindingsSink } from './findings-sink.port';

export const SIGNATURE_HEADER = 'x-shadowscan-signature';
export const TIMESTAMP_HEADER = 'x-shadowscan-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** `sha256=<hex>` of HMAC-SHA256 over "<timestamp>.<body>": a receiver can check origin and freshness. */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Delivers finding changes to a webhook. A non-2xx answer or a time-out throws, so the `findings` job
 * is retried with backoff; the idempotency key (the same for a retry of the same changes) lets the
 * receiver drop duplicates, which at-least-once delivery implies.
 */
export class WebhookFindingsSink implements FindingsSink {
  private readonly log = new Logger('Webhook');

  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs: number,
  ) {}

  static fromConfig(cfg: CoreConfig): WebhookFindingsSink | null {
    if (!cfg.SHADOWSCAN_WEBHOOK_URL) return null;
    let secret = cfg.SHADOWSCAN_WEBHOOK_SECRET;
    if (!secret && cfg.SHADOWSCAN_WEBHOOK_SECRET_FILE) {
      try {
        secret = readFileSync(cfg.SHADOWSCAN_WEBHOOK_SECRET_FILE, 'utf8').trim();
      } catch (e) {
        throw new ShadowscanError(
          'config_invalid',
          `SHADOWSCAN_WEBHOOK_SECRET_FILE cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    }
    if (!secret || secret.length < 16) {
      throw new ShadowscanError(
        'config_invalid',
        'The webhook signing secret must be at least 16 characters.',
      );
    }
    return new WebhookFindingsSink(cfg.SHADOWSCAN_WEBHOOK_URL, secret, cfg.SHADOWSCAN_WEBHOOK_TIMEOUT_MS);
  }

  async deliver(scanId: string, changes: FindingChange[]): Promise<void> {
    const idempotencyKey = createHash('sha256')
      .update(`${scanId}:${changes.map((c) => c.seq).join(',')}`)
      .digest('hex');
    const body = JSON.stringify({ idempotencyKey, scanId, changes });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDEMPOTENCY_HEADER]: idempotencyKey,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signPayload(this.secret, timestamp, body),
        'user-agent': 'shadowscan-webhook/1',
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((e: Error) => {
      throw new Error(`webhook ${new URL(this.url).host} unreachable: ${e.message}`);
    });
    if (!res.ok) throw new Error(`webhook ${new URL(this.url).host} answered ${res.status}`);
    this.log.log(`delivered ${changes.length} change(s) of scan ${scanId}`);
  }
}
