import type { FindingStatus } from '@shadowscan/domain';
import { ShadowscanStore } from '@shadowscan/store';
import { cliConfig, withApp } from './context';

export async function triageCommand(
  id: string,
  opts: {
    db?: string;
    status: FindingStatus;
    reason: string;
    by: string;
    owner?: string;
    until?: string;
    json?: boolean;
  },
): Promise<number> {
  return withApp(cliConfig(opts.db), false, async (app) => {
    const f = await app.get(ShadowscanStore).triageFinding(id, {
      status: opts.status,
      actor: opts.by,
      reason: opts.reason,
      owner: opts.owner,
      riskExpiresAt: opts.until ?? null,
    });
    if (opts.json) process.stdout.write(`${JSON.stringify(f)}\n`);
    else process.stdout.write(`${f.id}: ${f.status}${f.owner ? `, owner ${f.owner}` : ''} — ${f.title}\n`);
    return 0;
  });
}
