import { DriveEmulator } from '../../test/emulators/drive.emulator';
import { GraphEmulator } from '../../test/emulators/graph.emulator';
import { Tenant, type TenantSpec, type TItem } from '../../test/emulators/tenant';
import type { FaultOptions } from '../../test/emulators/faults';

/**
 * Runs one emulator (Graph or Drive) in its own process for the crawl benchmark, so that the service
 * being crawled does not take CPU from the scanner it is measured against (a real tenant runs on
 * Microsoft's or Google's machines, not on ours). The benchmark drives it over IPC messages.
 */
export interface HostStart {
  op: 'start';
  kind: 'sharepoint' | 'gdrive';
  tenant: TenantSpec;
  faults: FaultOptions & { pageSize: number };
  secretEnv: string;
}
export type HostRequest =
  | HostStart
  | { op: 'spreadsheets' }
  | { op: 'remove' | 'change'; ids: string[] }
  | { op: 'add'; n: number }
  | { op: 'stats' }
  | { op: 'stop' };

/** A spreadsheet as the scanner will report it. */
export interface HostFile {
  /** Tenant item id. */
  id: string;
  /** FileRef id the connector reports. */
  fileId: string;
  /** Path the connector reports. */
  path: string;
}

export interface HostStats {
  requests: number;
  throttled: number;
  downloads: number;
}

type Emulator = GraphEmulator | DriveEmulator;

let tenant: Tenant;
let emu: Emulator;

const describe = (item: TItem): HostFile => ({
  id: item.id,
  fileId: emu.fileId(item),
  path: emu.humanPath(item),
});

function items(ids: string[]): TItem[] {
  return ids.map((id) => {
    const found = tenant.find(id);
    if (!found) throw new Error(`no tenant item ${id}`);
    return found.item;
  });
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.op) {
    case 'start': {
      tenant = Tenant.generate(req.tenant);
      const { pageSize, ...faults } = req.faults;
      emu =
        req.kind === 'sharepoint'
          ? await new GraphEmulator(tenant, { ...faults, pageSize }).start()
          : await new DriveEmulator(tenant, { ...faults, pageSize }).start();
      const config = emu.sourceConfig(req.secretEnv);
      return { config, secret: process.env[req.secretEnv] };
    }
    case 'spreadsheets':
      return tenant.spreadsheets().map(({ item }) => describe(item));
    case 'remove':
      tenant.remove(items(req.ids));
      return null;
    case 'change':
      tenant.change(items(req.ids));
      return null;
    case 'add':
      return tenant.add(req.n).map(describe);
    case 'stats':
      return { ...emu.faults.counts, downloads: emu.fetched() } satisfies HostStats;
    case 'stop':
      await emu?.stop();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (msg: { id: number; req: HostRequest }) => {
  handle(msg.req).then(
    (result) => process.send!({ id: msg.id, result }),
    (e: Error) => process.send!({ id: msg.id, error: e.stack ?? e.message }),
  );
});
