import { createPublicKey, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { Faults, type FaultOptions } from './faults';
import { FOLDER_MIME, GSHEET_MIME, md5, type TDrive, type Tenant, type TItem } from './tenant';

/**
 * A Google Drive API v3 emulator (plain HTTP on 127.0.0.1), for the Google Drive connector. A tenant
 * drive is a shared drive whose root folder id is the drive id, or (option `myDrives`) a user's My
 * Drive, seen only through a token for that user (domain-wide delegation: the `sub` claim). Shapes
 * follow the docs:
 * - files.list and the `q` subset we use (=, !=, in parents, in owners, contains, and/or/not,
 *   parentheses): https://developers.google.com/workspace/drive/api/guides/search-files and
 *   https://developers.google.com/workspace/drive/api/reference/rest/v3/files/list — `corpora=drive`
 *   with driveId for a shared drive, `corpora=user` (the default) for the caller's own files; a My
 *   Drive's top-level items have its root folder as parent, and `files.get` answers `root` with it
 * - My Drive through domain-wide delegation (a token per impersonated user):
 *   https://developers.google.com/identity/protocols/oauth2/service-account#delegatingauthority;
 *   another user's My Drive file is 404 notFound (https://developers.google.com/workspace/drive/api/guides/handle-errors)
 * - changes with startPageToken, nextPageToken / newStartPageToken, removed, per shared drive
 *   (driveId) or for the caller's My Drive (no driveId; restrictToMyDrive):
 *   https://developers.google.com/workspace/drive/api/guides/manage-changes,
 *   https://developers.google.com/workspace/drive/api/reference/rest/v3/changes/list and
 *   https://developers.google.com/workspace/drive/api/reference/rest/v3/changes/getStartPageToken
 * - files.get alt=media and files.export (xlsx; 403 exportSizeLimitExceeded past the export limit):
 *   https://developers.google.com/workspace/drive/api/reference/rest/v3/files/export
 * - rate limits: 403 userRateLimitExceeded / 429 rateLimitExceeded with the usageLimits error body:
 *   https://developers.google.com/workspace/drive/api/guides/limits and
 *   https://developers.google.com/workspace/drive/api/guides/handle-errors
 * - service-account token (JWT bearer grant, RS256-signed assertion):
 *   https://developers.google.com/identity/protocols/oauth2/service-account
 */
export interface DriveEmulatorOptions extends FaultOptions {
  pageSize?: number;
  /** These users own the last tenant drives as their My Drives (in order), instead of shared drives. */
  myDrives?: string[];
}

/** files.list query parameters (the reference page's list): anything else is a 400, as a typo would be. */
const LIST_PARAMS = new Set([
  'corpora',
  'corpus',
  'driveId',
  'includeItemsFromAllDrives',
  'includeLabels',
  'includePermissionsForView',
  'includeTeamDriveItems',
  'orderBy',
  'pageSize',
  'pageToken',
  'q',
  'spaces',
  'supportsAllDrives',
  'supportsTeamDrives',
  'teamDriveId',
  'fields',
  'alt',
  'prettyPrint',
  'quotaUser',
  'key',
]);

export class DriveEmulator {
  readonly faults: Faults;
  readonly counts = {
    downloads: 0,
    exports: 0,
    tokens: 0,
    unauthorized: 0,
    lists: 0,
    userLists: 0,
    changes: 0,
    notFound: 0,
  };
  readonly serviceAccount: { client_email: string; private_key: string; type: string };
  /** Subjects seen in token requests (domain-wide delegation). */
  readonly subjects = new Set<string>();
  private readonly tokens = new Map<string, string | undefined>();
  private readonly publicKey: ReturnType<typeof createPublicKey>;
  private server!: Server;

  constructor(
    readonly tenant: Tenant,
    private readonly opts: DriveEmulatorOptions = {},
  ) {
    this.faults = new Faults(opts);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = publicKey;
    this.serviceAccount = {
      type: 'service_account',
      client_email: 'shadowscan@contoso-project.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }

  /** Set once listening (and still valid for requests that arrive while stopping). */
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** File contents served (alt=media downloads and exports). */
  fetched(): number {
    return this.counts.downloads + this.counts.exports;
  }

  driveId(d: TDrive): string {
    return `0A${d.id.slice(2)}`;
  }

  humanPath(item: TItem): string {
    const d = this.tenant.driveOf(item);
    const owner = this.ownerOf(d);
    return `${owner ? `My Drive/${owner}` : d.site.displayName}/${this.tenant.pathOf(d, item)}`;
  }

  /** The user whose My Drive this tenant drive is (undefined: a shared drive). */
  ownerOf(d: TDrive): string | undefined {
    const users = this.opts.myDrives ?? [];
    const i = this.tenant.drives.indexOf(d) - (this.tenant.drives.length - users.length);
    return i >= 0 ? users[i] : undefined;
  }

  private sharedDrives(): TDrive[] {
    return this.tenant.drives.filter((d) => !this.ownerOf(d));
  }

  private myDrive(subject: string | undefined): TDrive | undefined {
    return subject ? this.tenant.drives.find((d) => this.ownerOf(d) === subject) : undefined;
  }

  fileId(item: TItem): string {
    return item.id;
  }

  /** Config for the `gdrive` source kind, pointing at this emulator (the key goes in an env var). */
  sourceConfig(keyEnv: string): Record<string, unknown> {
    process.env[keyEnv] = JSON.stringify(this.serviceAccount);
    return {
      serviceAccountKey: { env: keyEnv },
      sharedDrives: 'all',
      sharedDrivesAs: 'auditor@contoso.example',
      rootUrl: `${this.url}/`,
      tokenUrl: `${this.url}/token`,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.url);
      if (url.pathname === '/token' && req.method === 'POST') return this.token(res, await readBody(req));
      await this.faults.delay();
      if (this.faults.throttle()) {
        const [status, reason, message] = this.faults.pick([
          [403, 'userRateLimitExceeded', 'User Rate Limit Exceeded'],
          [429, 'rateLimitExceeded', 'Rate Limit Exceeded'],
        ] as Array<[number, string, string]>);
        const headers: Record<string, string> = {};
        if (this.faults.retryAfterSec !== null && status === 429)
          headers['retry-after'] = String(this.faults.retryAfterSec);
        return error(res, status, reason, message, 'usageLimits', headers);
      }
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !this.tokens.has(auth.slice(7))) {
        this.counts.unauthorized++;
        return error(res, 401, 'authError', 'Invalid Credentials', 'global');
      }
      return await this.api(res, url, this.tokens.get(auth.slice(7)));
    } catch (e) {
      error(res, 500, 'backendError', String(e), 'global');
    }
  }

  private token(res: ServerResponse, body: string): void {
    const form = new URLSearchParams(body);
    const assertion = form.get('assertion') ?? '';
    const [h, p, sig] = assertion.split('.');
    const verified =
      form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
      !!sig &&
      createVerify('RSA-SHA256').update(`${h}.${p}`).verify(this.publicKey, Buffer.from(sig, 'base64url'));
    const claims = verified
      ? (JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, string>)
      : {};
    if (!verified || claims.iss !== this.serviceAccount.client_email) {
      return void json(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    }
    if (!String(claims.scope).split(' ').includes('https://www.googleapis.com/auth/drive.readonly')) {
      return void json(res, 400, { error: 'invalid_scope', error_description: 'drive.readonly expected' });
    }
    const token = `ya29.${randomBytes(20).toString('hex')}`;
    this.tokens.set(token, claims.sub);
    if (claims.sub) this.subjects.add(claims.sub);
    this.counts.tokens++;
    json(res, 200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
  }

  private async api(res: ServerResponse, url: URL, subject: string | undefined): Promise<void> {
    const p = decodeURIComponent(url.pathname).replace(/^\/drive\/v3/, '');
    const q = url.searchParams;
    let m: RegExpMatchArray | null;
    if (p === '/drives') {
      return json(res, 200, {
        kind: 'drive#driveList',
        drives: this.sharedDrives().map((d) => this.driveJson(d)),
      });
    }
    if ((m = p.match(/^\/drives\/([^/]+)$/))) {
      const d = this.drive(m[1]);
      return d ? json(res, 200, this.driveJson(d)) : notFound(res, m[1]);
    }
    if (p === '/changes/startPageToken') {
      const d = q.has('driveId') ? this.drive(q.get('driveId') ?? '') : this.myDrive(subject);
      if (!d) return error(res, 400, 'invalid', 'driveId required (or a user with a My Drive)', 'global');
      return json(res, 200, { kind: 'drive#startPageToken', startPageToken: `${d.seq}.${d.gen}` });
    }
    if (p === '/changes') return this.changes(res, q, subject);
    if (p === '/files') return this.list(res, q, subject);
    if ((m = p.match(/^\/files\/([^/]+)\/export$/))) {
      if (!this.visible(m[1], subject)) return this.notFound(res, m[1]);
      return this.export(res, m[1], q.get('mimeType') ?? '');
    }
    if (p === '/files/root') {
      const d = this.myDrive(subject);
      if (!d) return this.notFound(res, 'root');
      return json(res, 200, { kind: 'drive#file', id: d.rootId, name: 'My Drive', mimeType: FOLDER_MIME });
    }
    if ((m = p.match(/^\/files\/([^/]+)$/))) {
      const found = this.tenant.find(m[1]);
      if (!found || found.item.deleted || !this.visible(m[1], subject)) return this.notFound(res, m[1]);
      if (q.get('alt') === 'media') {
        if (found.item.native) {
          return error(
            res,
            403,
            'fileNotDownloadable',
            'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
            'global',
          );
        }
        this.counts.downloads++;
        const content = found.item.content ?? Buffer.alloc(0);
        res.writeHead(200, { 'content-type': found.item.mimeType, 'content-length': content.length });
        return void res.end(content);
      }
      return json(res, 200, this.fileJson(found.drive, found.item));
    }
    return error(res, 404, 'notFound', `Unsupported path ${p}`, 'global');
  }

  private list(res: ServerResponse, q: URLSearchParams, subject: string | undefined): void {
    this.counts.lists++;
    const unknown = [...q.keys()].find((k) => !LIST_PARAMS.has(k));
    if (unknown) return error(res, 400, 'invalid', `Invalid parameter: ${unknown}`, 'global', {}, unknown);
    const corpora = q.get('corpora') ?? 'user';
    let d: TDrive | undefined;
    if (corpora === 'user' && !q.has('driveId') && q.get('includeItemsFromAllDrives') !== 'true') {
      // The caller's own files: its My Drive (a service account's own is empty here).
      this.counts.userLists++;
      d = this.myDrive(subject);
      if (!d) return json(res, 200, { kind: 'drive#fileList', incompleteSearch: false, files: [] });
    } else {
      d = this.drive(q.get('driveId') ?? '');
      if (
        !d ||
        corpora !== 'drive' ||
        q.get('supportsAllDrives') !== 'true' ||
        q.get('includeItemsFromAllDrives') !== 'true'
      ) {
        return error(
          res,
          400,
          'invalid',
          "This emulator lists a shared drive (corpora=drive, driveId, supportsAllDrives, includeItemsFromAllDrives) or the caller's My Drive (corpora=user)",
          'global',
        );
      }
    }
    let match: (f: Record<string, unknown>) => boolean;
    try {
      match = parseQuery(q.get('q') ?? '');
    } catch (e) {
      return error(res, 400, 'invalid', `Invalid Value: ${(e as Error).message}`, 'global', {}, 'q');
    }
    const all = [...d.items.values()]
      .filter((i) => i.kind !== 'root' && !i.deleted)
      .map((i) => this.fileJson(d, i))
      .filter(match);
    const pageSize = Math.min(Number(q.get('pageSize') ?? 100), this.opts.pageSize ?? 1000);
    const offset = Number(q.get('pageToken') ?? 0);
    const body: Record<string, unknown> = {
      kind: 'drive#fileList',
      incompleteSearch: false,
      files: all.slice(offset, offset + pageSize),
    };
    if (offset + pageSize < all.length) body.nextPageToken = String(offset + pageSize);
    json(res, 200, body);
  }

  private changes(res: ServerResponse, q: URLSearchParams, subject: string | undefined): void {
    this.counts.changes++;
    const d = q.has('driveId') ? this.drive(q.get('driveId') ?? '') : this.myDrive(subject);
    if (!d) return error(res, 400, 'invalid', 'driveId required (or a user with a My Drive)', 'global');
    const [since, gen] = (q.get('pageToken') ?? '').split('.').map(Number);
    if (Number.isNaN(since) || gen !== d.gen)
      return error(res, 400, 'invalid', 'Invalid Value', 'global', {}, 'pageToken');
    const pageSize = Math.min(Number(q.get('pageSize') ?? 100), this.opts.pageSize ?? 1000);
    const changed = [...d.items.values()]
      .filter((i) => i.seq > since && i.kind !== 'root')
      .sort((a, b) => a.seq - b.seq);
    const page = changed.slice(0, pageSize);
    const body: Record<string, unknown> = {
      kind: 'drive#changeList',
      changes: page.map((i) => ({
        kind: 'drive#change',
        changeType: 'file',
        time: i.modified,
        fileId: i.id,
        ...(this.ownerOf(d) ? {} : { driveId: this.driveId(d) }),
        removed: i.deleted,
        ...(i.deleted ? {} : { file: this.fileJson(d, i) }),
      })),
    };
    if (changed.length > pageSize) body.nextPageToken = `${page[page.length - 1].seq}.${d.gen}`;
    else body.newStartPageToken = `${d.seq}.${d.gen}`;
    json(res, 200, body);
  }

  private async export(res: ServerResponse, id: string, mimeType: string): Promise<void> {
    const found = this.tenant.find(id);
    if (!found || found.item.deleted) return notFound(res, id);
    if (!found.item.native)
      return error(res, 403, 'fileNotExportable', 'Export only supports Docs Editors files.', 'global');
    if (mimeType !== 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') {
      return error(res, 400, 'badRequest', `Unsupported export mimeType ${mimeType}`, 'global');
    }
    if (found.item.exportTooLarge) {
      return error(res, 403, 'exportSizeLimitExceeded', 'This file is too large to be exported.', 'global');
    }
    this.counts.exports++;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(found.item.name.slice(0, 31));
    for (const line of (found.item.content ?? Buffer.alloc(0)).toString().trim().split('\n'))
      ws.addRow(line.split(','));
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    res.writeHead(200, { 'content-type': mimeType, 'content-length': buf.length });
    res.end(buf);
  }

  private fileJson(d: TDrive, i: TItem): Record<string, unknown> {
    const owner = this.ownerOf(d);
    // Shared drive items have the drive as top-level parent and carry driveId; My Drive items do not.
    const driveId = owner ? undefined : this.driveId(d);
    const parent = i.parent === d.rootId && driveId ? driveId : i.parent;
    const binary = !i.native && i.kind === 'file';
    return {
      kind: 'drive#file',
      id: i.id,
      name: i.name,
      mimeType: i.kind === 'folder' ? FOLDER_MIME : i.mimeType,
      parents: parent ? [parent] : [],
      trashed: false,
      ...(driveId ? { driveId } : {}),
      version: String(i.version * 1000 + i.meta),
      modifiedTime: i.modified,
      lastModifyingUser: { emailAddress: i.modifiedBy },
      webViewLink: `https://docs.google.com/${i.native ? 'spreadsheets' : 'file'}/d/${i.id}/edit`,
      shared: i.shared !== undefined,
      owners: owner ? [{ kind: 'drive#user', emailAddress: owner, me: true }] : [],
      ...(binary
        ? { size: String(i.content?.length ?? 0), md5Checksum: md5(i.content ?? Buffer.alloc(0)) }
        : {}),
    };
  }

  private driveJson(d: TDrive) {
    return { kind: 'drive#drive', id: this.driveId(d), name: d.site.displayName };
  }

  private drive(id: string): TDrive | undefined {
    return this.sharedDrives().find((d) => this.driveId(d) === id);
  }

  /** A My Drive file is visible to its owner only; shared drive files to every caller here. */
  private visible(fileId: string, subject: string | undefined): boolean {
    const found = this.tenant.find(fileId);
    if (!found) return false;
    const owner = this.ownerOf(found.drive);
    return !owner || owner === subject;
  }

  private notFound(res: ServerResponse, id: string): void {
    this.counts.notFound++;
    notFound(res, id);
  }
}

export { GSHEET_MIME };

/** A recursive-descent parser for the subset of the Drive query language the connector uses. */
export function parseQuery(q: string): (f: Record<string, unknown>) => boolean {
  const tokens = q.match(/'(?:[^'\\]|\\.)*'|\(|\)|!=|=|[A-Za-z]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const literal = (t: string | undefined) => {
    if (!t || !t.startsWith("'")) throw new Error(`expected a quoted value near "${t}"`);
    return t.slice(1, -1).replace(/\\(.)/g, '$1');
  };
  type Pred = (f: Record<string, unknown>) => boolean;
  const term = (): Pred => {
    const t = next();
    if (t === '(') {
      const inner = or();
      if (next() !== ')') throw new Error('missing )');
      return inner;
    }
    if (t === 'not') {
      const inner = term();
      return (f) => !inner(f);
    }
    if (t?.startsWith("'")) {
      const value = literal(t);
      if (next() !== 'in') throw new Error('expected in');
      const field = next();
      if (field === 'parents') return (f) => ((f.parents as string[]) ?? []).includes(value);
      if (field === 'owners') return () => value === 'me';
      throw new Error(`unsupported field ${field}`);
    }
    const field = t;
    const op = next();
    const raw = next();
    if (field === 'trashed') {
      const want = raw === 'true';
      return op === '=' ? (f) => (f.trashed === true) === want : (f) => (f.trashed === true) !== want;
    }
    if (field === 'mimeType' || field === 'name') {
      const value = literal(raw);
      if (op === '=') return (f) => f[field] === value;
      if (op === '!=') return (f) => f[field] !== value;
      if (op === 'contains') return (f) => String(f[field]).includes(value);
    }
    throw new Error(`unsupported term ${field} ${op} ${raw}`);
  };
  const and = (): Pred => {
    let left = term();
    while (peek() === 'and') {
      next();
      const l = left;
      const r = term();
      left = (f) => l(f) && r(f);
    }
    return left;
  };
  const or = (): Pred => {
    let left = and();
    while (peek() === 'or') {
      next();
      const l = left;
      const r = and();
      left = (f) => l(f) || r(f);
    }
    return left;
  };
  if (!q.trim()) return () => true;
  const pred = or();
  if (pos !== tokens.length) throw new Error(`unexpected "${peek()}"`);
  return pred;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function error(
  res: ServerResponse,
  status: number,
  reason: string,
  message: string,
  domain: string,
  headers: Record<string, string> = {},
  location?: string,
): void {
  json(
    res,
    status,
    {
      error: {
        code: status,
        message,
        errors: [{ domain, reason, message, ...(location ? { location, locationType: 'parameter' } : {}) }],
      },
    },
    headers,
  );
}

function notFound(res: ServerResponse, id: string): void {
  error(res, 404, 'notFound', `File not found: ${id}.`, 'global', {}, 'fileId');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}
