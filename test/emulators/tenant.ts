import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A generated tenant that both emulators serve: sites/shared drives with folders, spreadsheets (CSV
 * copies of the example CRM extract, which the example catalog flags as duplicates, and broken xlsx
 * files, which become `unreadable` findings) and other files. Mutations bump a per-drive sequence
 * number, which is what the change feeds (Graph delta, Drive changes) are computed from.
 */
export interface TItem {
  id: string;
  name: string;
  parent: string | null;
  kind: 'root' | 'folder' | 'file';
  mimeType: string;
  content: Buffer | null;
  /** Content version (cTag / md5 / Drive version). */
  version: number;
  /** Metadata version (eTag). */
  meta: number;
  seq: number;
  deleted: boolean;
  modified: string;
  modifiedBy: string;
  /** A native Google Sheet (exported as xlsx by the Drive emulator). */
  native?: boolean;
  /** Export fails with exportSizeLimitExceeded. */
  exportTooLarge?: boolean;
  shared?: 'anonymous' | 'organization' | 'users';
}

export interface TDrive {
  id: string;
  name: string;
  site: { id: string; name: string; displayName: string };
  rootId: string;
  items: Map<string, TItem>;
  seq: number;
  /** Bumped by expireTokens(): older delta tokens / page tokens answer 410 Gone. */
  gen: number;
}

export interface TenantSpec {
  drives: number;
  spreadsheets: number;
  others: number;
  foldersPerDrive?: number;
  /** Fraction of spreadsheets that are broken xlsx files (unreadable findings). */
  brokenRate?: number;
  /** Fraction of spreadsheets that are native Google Sheets (Drive emulator only). */
  nativeRate?: number;
  seed?: number;
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const GSHEET_MIME = 'application/vnd.google-apps.spreadsheet';
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

const CUSTOMERS = readFileSync(fromRepo('examples', 'systems', 'crm', 'customers.csv'), 'utf8')
  .trim()
  .split('\n');

/** A file of the repository, from here or from a compiled copy of this module under dist/. */
function fromRepo(...parts: string[]): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ...parts);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${path.join(...parts)} not found above ${__dirname}`);
  }
}

export class Tenant {
  readonly drives: TDrive[] = [];
  private rand: () => number;
  private counter = 0;
  private clock = Date.parse('2026-01-05T09:00:00Z');

  private constructor(seed: number) {
    this.rand = mulberry32(seed);
  }

  static generate(spec: TenantSpec): Tenant {
    const t = new Tenant(spec.seed ?? 42);
    const folders = spec.foldersPerDrive ?? 6;
    for (let d = 0; d < spec.drives; d++) {
      const id = `b!${t.token(22)}`;
      const rootId = t.itemId();
      const site = {
        id: `contoso.sharepoint.com,${t.guid()},${t.guid()}`,
        name: `site${d}`,
        displayName: `Site ${d}`,
      };
      const drive: TDrive = { id, name: 'Documents', site, rootId, items: new Map(), seq: 0, gen: 1 };
      t.drives.push(drive);
      t.put(drive, {
        id: rootId,
        name: 'root',
        parent: null,
        kind: 'root',
        mimeType: FOLDER_MIME,
        content: null,
      });
      const parents = [rootId];
      for (let f = 0; f < folders; f++) {
        const parent = parents[Math.floor(t.rand() * parents.length)];
        const fid = t.itemId();
        t.put(drive, {
          id: fid,
          name: `Folder ${d}-${f}`,
          parent,
          kind: 'folder',
          mimeType: FOLDER_MIME,
          content: null,
        });
        parents.push(fid);
      }
    }
    for (let i = 0; i < spec.spreadsheets; i++) t.addSpreadsheet(t.drives[i % spec.drives], spec);
    for (let i = 0; i < spec.others; i++) {
      const drive = t.drives[i % spec.drives];
      t.put(drive, {
        id: t.itemId(),
        name: `notes-${i}.docx`,
        parent: t.randomFolder(drive),
        kind: 'file',
        mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        content: Buffer.from(`document ${i}`),
      });
    }
    return t;
  }

  /** Live spreadsheet files (what a scan must analyse). */
  spreadsheets(): Array<{ drive: TDrive; item: TItem }> {
    const out: Array<{ drive: TDrive; item: TItem }> = [];
    for (const drive of this.drives) {
      for (const item of drive.items.values()) {
        if (item.kind === 'file' && !item.deleted && isSpreadsheet(item)) out.push({ drive, item });
      }
    }
    return out;
  }

  find(id: string): { drive: TDrive; item: TItem } | null {
    for (const drive of this.drives) {
      const item = drive.items.get(id);
      if (item) return { drive, item };
    }
    return null;
  }

  /** New content (new version) for these files. */
  change(items: TItem[]): void {
    for (const item of items) {
      const drive = this.driveOf(item);
      item.content = Buffer.concat([item.content ?? Buffer.alloc(0), Buffer.from(item.native ? '' : `\n`)]);
      if (!item.native && item.name.endsWith('.csv')) {
        item.content = Buffer.from(`${item.content.toString().trimEnd()}\n${this.customerRow()}\n`);
      }
      item.version++;
      item.meta++;
      this.touch(drive, item);
    }
  }

  rename(item: TItem, name: string): void {
    item.name = name;
    item.meta++;
    this.touch(this.driveOf(item), item);
  }

  /** Moves an item to another folder of its drive (a metadata change: same content version). */
  move(item: TItem, parent: string): void {
    item.parent = parent;
    item.meta++;
    this.touch(this.driveOf(item), item);
  }

  remove(items: TItem[]): void {
    for (const item of items) {
      item.deleted = true;
      item.meta++;
      this.touch(this.driveOf(item), item);
    }
  }

  add(n: number, spec: Partial<TenantSpec> = {}): TItem[] {
    const out: TItem[] = [];
    for (let i = 0; i < n; i++) out.push(this.addSpreadsheet(this.drives[i % this.drives.length], spec));
    return out;
  }

  /** Invalidates every outstanding delta token / page token of the drive (410 Gone on next use). */
  expireTokens(drive: TDrive): void {
    drive.gen++;
  }

  pathOf(drive: TDrive, item: TItem): string {
    const parts = [item.name];
    let cur = item.parent ? drive.items.get(item.parent) : undefined;
    while (cur && cur.kind !== 'root') {
      parts.unshift(cur.name);
      cur = cur.parent ? drive.items.get(cur.parent) : undefined;
    }
    return parts.join('/');
  }

  driveOf(item: TItem): TDrive {
    const d = this.drives.find((x) => x.items.get(item.id) === item);
    if (!d) throw new Error(`item ${item.id} is in no drive`);
    return d;
  }

  private addSpreadsheet(drive: TDrive, spec: Partial<TenantSpec>): TItem {
    const n = this.counter;
    const r = this.rand();
    let item: Omit<TItem, 'version' | 'meta' | 'seq' | 'deleted' | 'modified' | 'modifiedBy'>;
    const parent = this.randomFolder(drive);
    if (r < (spec.brokenRate ?? 0.1)) {
      item = {
        id: this.itemId(),
        name: `Budget ${n}.xlsx`,
        parent,
        kind: 'file',
        mimeType: XLSX_MIME,
        content: Buffer.from(`not a zip ${n}`),
      };
    } else if (r < (spec.brokenRate ?? 0.1) + (spec.nativeRate ?? 0)) {
      item = {
        id: this.itemId(),
        name: `Accounts ${n}`,
        parent,
        kind: 'file',
        mimeType: GSHEET_MIME,
        content: Buffer.from(this.customersCsv(n)),
        native: true,
      };
    } else {
      item = {
        id: this.itemId(),
        name: `Customers ${n}.csv`,
        parent,
        kind: 'file',
        mimeType: 'text/csv',
        content: Buffer.from(this.customersCsv(n)),
      };
    }
    const full = this.put(drive, item);
    if (n % 7 === 0) full.shared = 'organization';
    return full;
  }

  private customersCsv(n: number): string {
    // Tiny on purpose: the benchmark measures the crawl, not the fingerprinting of big sheets.
    const start = 1 + (n % 180);
    return [CUSTOMERS[0], ...CUSTOMERS.slice(start, start + 12)].join('\n') + '\n';
  }

  private customerRow(): string {
    return CUSTOMERS[1 + Math.floor(this.rand() * (CUSTOMERS.length - 1))];
  }

  private randomFolder(drive: TDrive): string {
    const folders = [...drive.items.values()].filter(
      (i) => (i.kind === 'folder' || i.kind === 'root') && !i.deleted,
    );
    return folders[Math.floor(this.rand() * folders.length)].id;
  }

  private put(
    drive: TDrive,
    item: Omit<TItem, 'version' | 'meta' | 'seq' | 'deleted' | 'modified' | 'modifiedBy'>,
  ): TItem {
    this.counter++;
    const full: TItem = {
      ...item,
      version: 1,
      meta: 1,
      seq: 0,
      deleted: false,
      modified: '',
      modifiedBy: '',
    };
    drive.items.set(full.id, full);
    this.touch(drive, full);
    return full;
  }

  private touch(drive: TDrive, item: TItem): void {
    this.clock += 60_000;
    item.seq = ++drive.seq;
    item.modified = new Date(this.clock).toISOString();
    item.modifiedBy = `user${Math.floor(this.rand() * 20)}@contoso.example`;
  }

  private itemId(): string {
    return `01${this.token(32).toUpperCase()}`;
  }

  private guid(): string {
    const h = this.token(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }

  private token(n: number): string {
    let s = '';
    while (s.length < n)
      s += Math.floor(this.rand() * 2 ** 32)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, n);
  }
}

export function isSpreadsheet(item: TItem): boolean {
  return item.native === true || /\.(xlsx|xlsm|xls|csv|tsv)$/i.test(item.name);
}

export function md5(buf: Buffer): string {
  return createHash('md5').update(buf).digest('hex');
}

/** Deterministic PRNG so that a tenant, and the throttled requests, are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
