import { ShadowscanStore } from '@shadowscan/store';
import { cliConfig, withApp } from './context';

/** Recomputes the audit chain; exit 1 names the first entry that does not follow. */
export async function auditVerifyCommand(opts: { db?: string; json?: boolean }): Promise<number> {
  return withApp(cliConfig(opts.db), false, async (app) => {
    const v = await app.get(ShadowscanStore).verifyAudit();
    if (opts.json) process.stdout.write(`${JSON.stringify(v)}\n`);
    else if (v.ok)
      process.stdout.write(
        `audit log intact: ${v.entries} entries, every hash follows from the one before\n`,
      );
    else
      process.stderr.write(
        `audit log BROKEN at entry ${v.brokenAt}: ${v.reason} (${v.entries} entries read)\n`,
      );
    return v.ok ? 0 : 1;
  });
}
