import type { FindingKind, FindingStatus } from '@shadowscan/domain';
import { ShadowscanStore } from '@shadowscan/store';
import { cliConfig, withApp } from './context';

export async function findingsCommand(opts: {
  db?: string;
  kind?: FindingKind;
  status?: FindingStatus;
  entity?: string;
  limit: number;
  json?: boolean;
}): Promise<number> {
  return withApp(cliConfig(opts.db), false, async (app) => {
    const store = app.get(ShadowscanStore);
    const page = await store.listFindings({
      kind: opts.kind,
      status: opts.status,
      entity: opts.entity,
      limit: opts.limit,
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(page)}\n`);
      return 0;
    }
    for (const f of page.items) {
      process.stdout.write(
        `${f.status.padEnd(14)} ${f.severity.padEnd(8)} ${f.kind.padEnd(13)} ${f.title}\n`,
      );
    }
    process.stdout.write(`${page.items.length} of ${page.total} finding(s)\n`);
    return 0;
  });
}
