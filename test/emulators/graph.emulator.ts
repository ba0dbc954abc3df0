import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCert, type SelfSigned } from './cert';
import { Faults, type FaultOptions } from './faults';
import { isSpreadsheet, type TDrive, type Tenant, type TItem } from './tenant';

/**
 * A Microsoft Graph (and Entra ID token endpoint) emulator over HTTPS, for the SharePoint connector.
 * Shapes follow the documentation:
 * - driveItem delta: https://learn.microsoft.com/graph/api/driveitem-delta — pages with an absolute
 *   @odata.nextLink, a final @odata.deltaLink carrying the token, deleted items with the `deleted`
 *   facet, and 410 Gone (code resyncRequired) for a token that can no longer be honoured;
 *   `parentReference.path` is not returned by delta.
 * - driveItem content: https://learn.microsoft.com/graph/api/driveitem-get-content — 302 to a
 *   pre-authenticated URL on another host (here: 127.0.0.1 on a second port), which must be fetched
 *   without the Authorization header.
 * - throttling: https://learn.microsoft.com/graph/throttling — 429 or 503 with Retry-After.
 * - sites: https://learn.microsoft.com/graph/api/site-getallsites, site-get, drive-list, drive-get.
 * - app-only token: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * The Graph host is `localhost`, the download host `127.0.0.1`: the Graph client attaches tokens only
 * to https URLs whose host is a Graph host or in `customHosts`.
 */
export interface GraphEmulatorOptions extends FaultOptions {
  pageSize?: number;
  /** Repeat an item of the previous page on each delta page (delta may return an item twice). */
  repeatItems?: boolean;
}

export class GraphEmulator {
  readonly faults: Faults;
  readonly tenantId = 'contoso-tenant';
  readonly clientId = 'shadowscan-app';
  readonly clientSecret = randomBytes(12).toString('hex');
  readonly counts = { delta: 0, content: 0, downloads: 0, tokens: 0, unauthorized: 0 };
  private readonly tokens = new Set<string>();
  private readonly signKey = randomBytes(16);
  private api!: Server;
  private dl!: Server;
  private cert!: SelfSigned;

  constructor(
    readonly tenant: Tenant,
    private readonly opts: GraphEmulatorOptions = {},
  ) {
    this.faults = new Faults(opts);
  }

  /** Set once listening (and still valid for requests that arrive while stopping). */
  graphUrl = '';
  private downloadBase = '';

  get caFile(): string {
    return this.cert.certFile;
  }

  async start(): Promise<this> {
    this.cert = selfSignedCert();
    const tls = { key: this.cert.key, cert: this.cert.cert };
    this.api = createServer(tls, (req, res) => void this.handle(req, res, 'api'));
    this.dl = createServer(tls, (req, res) => void this.handle(req, res, 'download'));
    // Node's default keepAliveTimeout (5 s) is kept on purpose: Node clients drop a connection whose
    // advertised keep-alive is within their 1 s safety margin, and every request would pay a handshake.
    await Promise.all([listen(this.api, 'localhost'), listen(this.dl, '127.0.0.1')]);
    this.graphUrl = `https://localhost:${(this.api.address() as AddressInfo).port}`;
    this.downloadBase = `https://127.0.0.1:${(this.dl.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of [this.api, this.dl]) s.closeAllConnections();
    await Promise.all([this.api, this.dl].map((s) => new Promise((r) => s.close(r))));
    this.cert.dispose();
  }

  /** File contents served (downloads after the 302). */
  fetched(): number {
    return this.counts.downloads;
  }

  /** The path the connector reports for a tenant item. */
  humanPath(item: TItem): string {
    const d = this.tenant.driveOf(item);
    return `${d.site.displayName}/${d.name}/${this.tenant.pathOf(d, item)}`;
  }

  /** The FileRef id the connector reports for a tenant item. */
  fileId(item: TItem): string {
    return `${this.tenant.driveOf(item).id}/${item.id}`;
  }

  /** Config for the `sharepoint` source kind, pointing at this emulator. */
  sourceConfig(secretEnv: string): Record<string, unknown> {
    process.env[secretEnv] = this.clientSecret;
    return {
      tenantId: this.tenantId,
      clientId: this.clientId,
      clientSecret: { env: secretEnv },
      allSites: true,
      graphUrl: this.graphUrl,
      authorityHost: this.graphUrl,
      caFile: this.caFile,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse, server: 'api' | 'download'): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', server === 'api' ? this.graphUrl : this.downloadBase);
      if (server === 'api' && url.pathname.startsWith(`/${this.tenantId}/`))
        return await this.identity(req, res, url);
      await this.faults.delay();
      if (this.faults.throttle()) {
        const status = this.faults.pick([429, 503]);
        const headers: Record<string, string> = {};
        if (this.faults.retryAfterSec !== null) headers['retry-after'] = String(this.faults.retryAfterSec);
        const code = status === 429 ? 'activityLimitReached' : 'serviceNotAvailable';
        return json(res, status, { error: { code, message: 'The request has been throttled' } }, headers);
      }
      if (server === 'download') return this.download(req, res, url);
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !this.tokens.has(auth.slice(7))) {
        this.counts.unauthorized++;
        return json(res, 401, {
          error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty or invalid.' },
        });
      }
      return this.graph(res, url);
    } catch (e) {
      json(res, 500, { error: { code: 'generalException', message: String(e) } });
    }
  }

  /** Just enough of Entra ID for @azure/identity's client-credentials flow (MSAL). */
  private async identity(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const base = `${this.graphUrl}/${this.tenantId}`;
    if (url.pathname.endsWith('/.well-known/openid-configuration')) {
      return json(res, 200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
      });
    }
    if (url.pathname.endsWith('/oauth2/v2.0/token') && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const ok =
        form.get('grant_type') === 'client_credentials' &&
        form.get('client_id') === this.clientId &&
        form.get('client_secret') === this.clientSecret &&
        (form.get('scope') ?? '').includes('https://graph.microsoft.com/.default');
      if (!ok)
        return json(res, 401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        });
      const token = randomBytes(24).toString('hex');
      this.tokens.add(token);
      this.counts.tokens++;
      return json(res, 200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: token,
      });
    }
    return json(res, 404, { error: 'not_found' });
  }

  private graph(res: ServerResponse, url: URL): void {
    const p = decodeURIComponent(url.pathname).replace(/^\/v1\.0/, '');
    let m: RegExpMatchArray | null;
    if (p === '/sites/getAllSites') {
      return json(res, 200, { value: this.tenant.drives.map((d) => siteJson(d)) });
    }
    if ((m = p.match(/^\/sites\/([^/]+)\/drives$/))) {
      const drives = this.tenant.drives.filter((d) => d.site.id === m![1]);
      if (!drives.length) return notFound(res);
      return json(res, 200, {
        value: drives.map((d) => ({ id: d.id, name: d.name, driveType: 'documentLibrary' })),
      });
    }
    if ((m = p.match(/^\/sites\/([^/]+)$/))) {
      const d = this.tenant.drives.find(
        (x) => x.site.id === m![1] || `contoso.sharepoint.com:/sites/${x.site.name}` === m![1],
      );
      return d ? json(res, 200, siteJson(d)) : notFound(res);
    }
    if ((m = p.match(/^\/drives\/([^/]+)$/))) {
      const d = this.drive(m[1]);
      return d ? json(res, 200, { id: d.id, name: d.name, driveType: 'documentLibrary' }) : notFound(res);
    }
    if ((m = p.match(/^\/drives\/([^/]+)\/root\/delta$/))) {
      const d = this.drive(m[1]);
      return d ? this.delta(res, d, url) : notFound(res);
    }
    if ((m = p.match(/^\/drives\/([^/]+)\/items\/([^/]+)\/content$/))) {
      const d = this.drive(m[1]);
      const item = d?.items.get(m[2]);
      if (!d || !item || item.deleted || item.kind !== 'file') return notFound(res);
      this.counts.content++;
      const expires = Date.now() + 3_600_000;
      const sig = this.sign(`${d.id}/${item.id}/${expires}`);
      res.writeHead(302, {
        location: `${this.downloadBase}/download/${encodeURIComponent(d.id)}/${item.id}?tempauth=${expires}.${sig}`,
      });
      return void res.end();
    }
    return json(res, 400, { error: { code: 'invalidRequest', message: `Unsupported path ${p}` } });
  }

  /**
   * Delta over the drive's change sequence: no token enumerates the live items (root and folders
   * first), a token returns what changed after it, deletions included. Paging state travels in
   * $skiptoken; the deltaLink carries `token`, which embeds the drive's generation (410 when stale).
   */
  private delta(res: ServerResponse, d: TDrive, url: URL): void {
    this.counts.delta++;
    const pageSize = this.opts.pageSize ?? 200;
    const skip = url.searchParams.get('$skiptoken');
    const token = url.searchParams.get('token');
    let since: number;
    let until: number;
    let offset = 0;
    if (skip) {
      const [s, u, o, g] = skip.split('.').map(Number);
      if (g !== d.gen) return gone(res);
      [since, until, offset] = [s, u, o];
    } else if (token && token !== 'latest') {
      const [s, g] = token.split('.').map(Number);
      if (g !== d.gen || Number.isNaN(s)) return gone(res);
      [since, until] = [s, d.seq];
    } else {
      [since, until] = [token === 'latest' ? d.seq : -1, d.seq];
    }
    const all = [...d.items.values()]
      .filter((i) => i.seq <= until && (since < 0 ? !i.deleted : i.seq > since))
      .sort((a, b) => (since < 0 ? order(a) - order(b) || a.seq - b.seq : a.seq - b.seq));
    const page = all.slice(offset, offset + pageSize).map((i) => this.itemJson(d, i));
    if (this.opts.repeatItems && offset > 0) page.push(this.itemJson(d, all[offset - 1]));
    const base = `${this.graphUrl}/v1.0/drives/${encodeURIComponent(d.id)}/root/delta`;
    const body: Record<string, unknown> = {
      '@odata.context': `${this.graphUrl}/v1.0/$metadata#Collection(driveItem)`,
      value: page,
    };
    if (offset + pageSize < all.length) {
      body['@odata.nextLink'] =
        `${base}?$skiptoken=${Math.max(since, -1)}.${until}.${offset + pageSize}.${d.gen}`;
    } else {
      body['@odata.deltaLink'] = `${base}?token=${until}.${d.gen}`;
    }
    json(res, 200, body);
  }

  private itemJson(d: TDrive, i: TItem): Record<string, unknown> {
    const parentReference = { driveId: d.id, driveType: 'documentLibrary', id: i.parent ?? undefined };
    if (i.deleted) return { id: i.id, name: i.name, parentReference, deleted: { state: 'deleted' } };
    const base = {
      id: i.id,
      name: i.name,
      eTag: `"{${i.id}},${i.meta}"`,
      cTag: `"c:{${i.id}},${i.version}"`,
      createdDateTime: i.modified,
      lastModifiedDateTime: i.modified,
      lastModifiedBy: { user: { email: i.modifiedBy, displayName: i.modifiedBy.split('@')[0] } },
      webUrl: `https://contoso.sharepoint.com/sites/${d.site.name}/Shared%20Documents/${encodeURIComponent(this.tenant.pathOf(d, i))}`,
      parentReference,
    };
    if (i.kind === 'root')
      return {
        ...base,
        name: 'root',
        root: {},
        folder: { childCount: 0 },
        parentReference: { driveId: d.id },
      };
    if (i.kind === 'folder') return { ...base, folder: { childCount: 0 } };
    return {
      ...base,
      size: i.content?.length ?? 0,
      file: {
        mimeType: i.mimeType,
        hashes: { quickXorHash: Buffer.from(`${i.id}:${i.version}`).toString('base64') },
      },
      ...(i.shared ? { shared: { scope: i.shared } } : {}),
    };
  }

  private download(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const m = decodeURIComponent(url.pathname).match(/^\/download\/([^/]+)\/([^/]+)$/);
    const [expires, sig] = (url.searchParams.get('tempauth') ?? '').split('.');
    if (!m || sig !== this.sign(`${m[1]}/${m[2]}/${expires}`) || Number(expires) < Date.now()) {
      return json(res, 401, { error: { code: 'unauthenticated', message: 'Invalid or expired tempauth' } });
    }
    if (req.headers.authorization) {
      // A pre-authenticated URL refuses a bearer token meant for Graph.
      this.counts.unauthorized++;
      return json(res, 401, {
        error: { code: 'unauthenticated', message: 'Unexpected Authorization header' },
      });
    }
    const item = this.drive(m[1])?.items.get(m[2]);
    if (!item || item.deleted || !item.content) return notFound(res);
    this.counts.downloads++;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': item.content.length });
    res.end(item.content);
  }

  private drive(id: string): TDrive | undefined {
    return this.tenant.drives.find((d) => d.id === id);
  }

  private sign(s: string): string {
    return createHmac('sha256', this.signKey).update(s).digest('hex').slice(0, 32);
  }
}

function order(i: TItem): number {
  return i.kind === 'root' ? 0 : i.kind === 'folder' ? 1 : 2;
}

function siteJson(d: TDrive) {
  return {
    id: d.site.id,
    name: d.site.name,
    displayName: d.site.displayName,
    webUrl: `https://contoso.sharepoint.com/sites/${d.site.name}`,
  };
}

export { isSpreadsheet };

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function notFound(res: ServerResponse): void {
  json(res, 404, { error: { code: 'itemNotFound', message: 'The resource could not be found.' } });
}

function gone(res: ServerResponse): void {
  json(res, 410, {
    error: {
      code: 'resyncRequired',
      message: "Resync required. Replace any local items with the server's version, then delta again.",
    },
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

function listen(s: Server, host: string): Promise<void> {
  return new Promise((resolve) => s.listen(0, host, () => resolve()));
}
