import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  type AccessToken,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  GraphError,
  RedirectHandler,
  RedirectHandlerOptions,
  ResponseType,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { ShadowscanError, UnreadableFileError, type FileChanges, type FileRef } from '@shadowscan/domain';
import type { OpenedFile, SourceConnector } from '../source-connector.port';
import { downloadToTemp, tooLarge, type TempCopy } from '../remote/download';
import { emptyTree, TreeDiff, type FileExtras, type TreeState } from '../remote/item-tree';
import { ReadAhead } from '../remote/read-ahead';
import { Scope } from '../remote/scope';
import { readSecret } from '../remote/secret';
import { retryTransient, tenantBudget, type ThrottleBudget } from '../remote/throttle-budget';
import { BudgetHandler, NodeHttpHandler, type WebBody } from './graph-http';
import type { SharepointConfig } from './graph.config';

/** Fields we read from a driveItem in delta (https://learn.microsoft.com/graph/api/driveitem-delta). */
const DELTA_SELECT = [
  'id',
  'name',
  'eTag',
  'cTag',
  'size',
  'file',
  'folder',
  'root',
  'deleted',
  'parentReference',
  'lastModifiedDateTime',
  'lastModifiedBy',
  'webUrl',
  'shared',
].join(',');
const DRIVE_CONCURRENCY = 8;

interface DriveItem {
  id: string;
  name?: string;
  eTag?: string;
  cTag?: string;
  size?: number;
  file?: { mimeType?: string; hashes?: { quickXorHash?: string; sha256Hash?: string; sha1Hash?: string } };
  folder?: unknown;
  root?: unknown;
  deleted?: unknown;
  parentReference?: { id?: string; driveId?: string };
  lastModifiedDateTime?: string;
  lastModifiedBy?: { user?: { email?: string; displayName?: string } };
  webUrl?: string;
  shared?: { scope?: string };
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

interface DriveRef {
  id: string;
  label: string;
}

interface DriveCursor {
  label: string;
  deltaLink: string | null;
  root: string | null;
  tree: TreeState;
}

interface GraphCursor {
  v: 1;
  drives: Record<string, DriveCursor>;
}

/**
 * SharePoint document libraries and OneDrive drives through Microsoft Graph: one `delta` feed per
 * drive, its deltaLink kept in the source cursor together with the drive's folder tree.
 */
export class GraphConnector implements SourceConnector {
  readonly kind = 'sharepoint';
  private readonly scope: Scope;
  private readonly budget: ThrottleBudget;
  private readonly readAhead: ReadAhead;
  private clientCache: Client | null = null;

  constructor(private readonly cfg: SharepointConfig) {
    this.scope = new Scope(cfg);
    this.budget = tenantBudget(`graph:${cfg.tenantId}`, {
      maxConcurrency: cfg.maxConcurrency,
      maxWaitMs: cfg.maxThrottleWaitMs,
    });
    this.readAhead = new ReadAhead(cfg.readAhead, cfg.readAheadMb * 1024 * 1024, (f, max) =>
      retryTransient(() => this.download(f, max)),
    );
  }

  /** Requests, throttled answers and time waited on this tenant so far (for benchmarks and logs). */
  throttleStats() {
    return { ...this.budget.stats(), readAhead: { ...this.readAhead.stats } };
  }

  async listChanges(cursor: string | null): Promise<FileChanges> {
    const prev = parseCursor(cursor);
    const drives = await this.discoverDrives();
    const next: GraphCursor = { v: 1, drives: {} };
    const diff = new TreeDiff();
    const results = await mapLimit(drives, DRIVE_CONCURRENCY, (d) => this.crawlDrive(d, prev.drives[d.id]));
    // Apply in a fixed order so that the diff's output does not depend on request timing.
    for (let i = 0; i < drives.length; i++) {
      const { state, items } = results[i];
      next.drives[drives[i].id] = this.applyDelta(drives[i], state, items, diff);
    }
    for (const [id, gone] of Object.entries(prev.drives)) {
      if (!next.drives[id]) diff.forDrive((itemId) => `${id}/${itemId}`).dropAll(gone.tree);
    }
    const changes = diff.result(JSON.stringify(next));
    this.readAhead.setOrder(changes.upserts);
    return changes;
  }

  open(file: Pick<FileRef, 'id' | 'path' | 'version'>, maxBytes: number): Promise<OpenedFile> {
    return this.readAhead.open(file, maxBytes);
  }

  private get client(): Client {
    if (this.clientCache) return this.clientCache;
    const extraCa = this.cfg.caFile ? readFileSync(this.cfg.caFile, 'utf8') : null;
    // One secure context, built once: an agent given `ca` itself would rebuild it for every connection
    // and serialise the whole bundle into its pool key for every request.
    const agent = new https.Agent({
      keepAlive: true,
      maxSockets: 64,
      secureContext: extraCa ? createSecureContext({ ca: [...rootCertificates, extraCa] }) : undefined,
    });
    const credential = this.credential(agent);
    const graphHost = new URL(this.cfg.graphUrl).hostname;
    this.clientCache = Client.initWithMiddleware({
      baseUrl: this.cfg.graphUrl.replace(/\/?$/, '/'),
      defaultVersion: 'v1.0',
      // Tokens go only to Graph hosts and these (an emulator or a national cloud); never to download hosts.
      customHosts: new Set([graphHost]),
      middleware: [
        new AuthenticationHandler(
          new TokenCredentialAuthenticationProvider(cachingCredential(credential), {
            scopes: ['https://graph.microsoft.com/.default'],
          }),
        ),
        new BudgetHandler(this.budget),
        new RedirectHandler(new RedirectHandlerOptions()),
        new NodeHttpHandler(agent),
      ],
    });
    return this.clientCache;
  }

  private credential(agent: https.Agent): TokenCredential {
    const custom = new URL(this.cfg.authorityHost).hostname !== 'login.microsoftonline.com';
    const options: TokenCredentialOptions & { disableInstanceDiscovery?: boolean } = {
      authorityHost: this.cfg.authorityHost,
      // Instance discovery asks login.microsoftonline.com about the authority: not for private clouds.
      disableInstanceDiscovery: custom,
      additionalPolicies: [
        {
          position: 'perCall',
          policy: {
            name: 'shadowscanAgent',
            sendRequest: (req, next) => {
              req.agent = agent;
              return next(req);
            },
          },
        },
      ],
    };
    const what = `SharePoint source (tenant ${this.cfg.tenantId})`;
    if (this.cfg.certificate) {
      return new ClientCertificateCredential(
        this.cfg.tenantId,
        this.cfg.clientId,
        { certificate: readSecret(this.cfg.certificate, `${what} certificate`) },
        options,
      );
    }
    return new ClientSecretCredential(
      this.cfg.tenantId,
      this.cfg.clientId,
      readSecret(this.cfg.clientSecret!, `${what} client secret`),
      options,
    );
  }

  private async getAll<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    let link: string | undefined = path;
    while (link) {
      const page = (await this.client.api(link).get()) as Page<T>;
      out.push(...page.value);
      link = page['@odata.nextLink'];
    }
    return out;
  }

  /** Configured sites (or all of them), their document libraries, users' OneDrives, explicit drives. */
  private async discoverDrives(): Promise<DriveRef[]> {
    const sites: Array<{ id: string; displayName?: string; name?: string }> = [];
    if (this.cfg.allSites) {
      sites.push(
        ...(await this.getAll<(typeof sites)[number]>('/sites/getAllSites?$select=id,displayName,name')),
      );
    }
    for (const s of this.cfg.sites) {
      sites.push(await this.client.api(`/sites/${s}`).select('id,displayName,name').get());
    }
    const drives: DriveRef[] = [];
    const perSite = await mapLimit(sites, DRIVE_CONCURRENCY, (s) =>
      this.getAll<{ id: string; name: string }>(`/sites/${s.id}/drives?$select=id,name`),
    );
    sites.forEach((s, i) => {
      const site = s.displayName || s.name || s.id;
      for (const d of perSite[i]) drives.push({ id: d.id, label: `${site}/${d.name}` });
    });
    for (const u of this.cfg.users) {
      const d = (await this.client
        .api(`/users/${encodeURIComponent(u)}/drive`)
        .select('id,name')
        .get()) as {
        id: string;
      };
      drives.push({ id: d.id, label: `OneDrive/${u}` });
    }
    for (const id of this.cfg.drives) {
      const d = (await this.client.api(`/drives/${id}`).select('id,name').get()) as {
        id: string;
        name: string;
      };
      drives.push({ id: d.id, label: d.name });
    }
    const unique = new Map(drives.map((d) => [d.id, d]));
    return [...unique.values()];
  }

  /**
   * Follows the drive's delta feed from its deltaLink (or from scratch) to the next deltaLink. A 410
   * Gone means the token can no longer be honoured: enumerate again and diff against what we knew
   * (https://learn.microsoft.com/graph/api/driveitem-delta, "Response" / resync).
   */
  private async crawlDrive(
    drive: DriveRef,
    prev: DriveCursor | undefined,
  ): Promise<{ state: DriveCursor & { fresh: boolean }; items: DriveItem[] }> {
    const initial = `/drives/${drive.id}/root/delta?$select=${DELTA_SELECT}`;
    let fresh = !prev?.deltaLink;
    let link = prev?.deltaLink ?? initial;
    let items: DriveItem[] = [];
    for (;;) {
      let page: Page<DriveItem>;
      try {
        page = (await this.client.api(link).get()) as Page<DriveItem>;
      } catch (e) {
        if (e instanceof GraphError && e.statusCode === 410 && !fresh) {
          fresh = true;
          items = [];
          link = initial;
          continue;
        }
        throw e;
      }
      items.push(...page.value);
      if (page['@odata.nextLink']) {
        link = page['@odata.nextLink'];
        continue;
      }
      const deltaLink = page['@odata.deltaLink'] ?? null;
      return {
        state: {
          label: drive.label,
          deltaLink,
          root: prev?.root ?? null,
          tree: prev?.tree ?? emptyTree(),
          fresh,
        },
        items,
      };
    }
  }

  private applyDelta(
    drive: DriveRef,
    state: DriveCursor & { fresh: boolean },
    items: DriveItem[],
    diff: TreeDiff,
  ): DriveCursor {
    const tree = state.tree;
    let root = state.root;
    const fileId = (itemId: string) => `${drive.id}/${itemId}`;
    const driveDiff = diff.forDrive(fileId);
    if (state.fresh) {
      // A full enumeration: whatever it did not return is gone.
      const listed = new Set(items.filter((i) => !i.deleted).map((i) => i.id));
      for (const id of Object.keys(tree.files)) if (!listed.has(id)) driveDiff.removeFile(tree, id);
      for (const id of Object.keys(tree.folders)) if (!listed.has(id)) delete tree.folders[id];
    }
    const extras = new Map<string, FileExtras>();
    // Repeated items: the last occurrence wins (the feed is in order).
    for (const item of items) {
      if (item.deleted) {
        if (tree.folders[item.id]) driveDiff.removeFolder(tree, item.id);
        else driveDiff.removeFile(tree, item.id);
        extras.delete(item.id);
        continue;
      }
      if (item.root) {
        root = item.id;
        continue;
      }
      const parent = item.parentReference?.id ?? null;
      if (item.folder) {
        if (tree.files[item.id]) driveDiff.removeFile(tree, item.id);
        tree.folders[item.id] = [item.name ?? item.id, parent];
        continue;
      }
      if (!item.file || !item.name || !this.scope.wantsType(item.name)) {
        driveDiff.removeFile(tree, item.id); // renamed away from a spreadsheet type, or not a file
        continue;
      }
      const version = item.cTag ?? item.eTag ?? `${item.lastModifiedDateTime}:${item.size}`;
      tree.files[item.id] = {
        n: item.name,
        p: parent,
        v: version,
        s: item.size ?? 0,
        m: item.lastModifiedDateTime ?? new Date(0).toISOString(),
        r: tree.files[item.id]?.r ?? null,
      };
      const hashes = item.file.hashes;
      extras.set(item.id, {
        mimeType: item.file.mimeType,
        contentHash: hashes?.quickXorHash ? `quickXorHash:${hashes.quickXorHash}` : undefined,
        sha256: hashes?.sha256Hash?.toLowerCase(),
        lastModifiedBy: item.lastModifiedBy?.user?.email ?? item.lastModifiedBy?.user?.displayName,
        webUrl: item.webUrl,
        sharingScope: item.shared?.scope,
        etag: item.eTag,
      });
    }
    driveDiff.report(tree, drive.label, new Set(root ? [root] : []), this.scope.inScope, extras);
    return { label: drive.label, deltaLink: state.deltaLink, root, tree };
  }

  private async download(
    file: Pick<FileRef, 'id' | 'path' | 'version'>,
    maxBytes: number,
  ): Promise<TempCopy> {
    const slash = file.id.indexOf('/');
    if (slash <= 0)
      throw new UnreadableFileError('not_found', `${file.path}: "${file.id}" is not a Graph file id.`);
    const driveId = file.id.slice(0, slash);
    const itemId = file.id.slice(slash + 1);
    // /content answers 302 to a pre-authenticated URL on another host; RedirectHandler follows it
    // without our token (https://learn.microsoft.com/graph/api/driveitem-get-content).
    const res = (await this.client
      .api(`/drives/${driveId}/items/${itemId}/content`)
      .responseType(ResponseType.RAW)
      .get()) as Response;
    if (res.status === 404) {
      await res.body?.cancel();
      throw new UnreadableFileError('not_found', `${file.path} no longer exists in SharePoint/OneDrive.`);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`download of ${file.path} failed: HTTP ${res.status}`);
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length > maxBytes) {
      await res.body.cancel();
      throw tooLarge(file.path, length, maxBytes);
    }
    return downloadToTemp(res.body as unknown as WebBody, {
      maxBytes,
      extension: extensionOf(file.path),
      displayPath: file.path,
    });
  }
}

/**
 * The token until five minutes before it expires: @azure/identity (MSAL) would otherwise search its
 * cache on every one of thousands of requests.
 */
function cachingCredential(inner: TokenCredential): TokenCredential {
  let cached: AccessToken | null = null;
  let pending: Promise<AccessToken | null> | null = null;
  return {
    async getToken(scopes, options) {
      if (cached && cached.expiresOnTimestamp - Date.now() > 5 * 60_000) return cached;
      pending ??= inner.getToken(scopes, options).finally(() => (pending = null));
      cached = await pending;
      return cached;
    },
  };
}

export function extensionOf(p: string): string {
  const base = p.split('/').pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : 'bin';
}

function parseCursor(cursor: string | null): GraphCursor {
  if (!cursor) return { v: 1, drives: {} };
  try {
    const parsed = JSON.parse(cursor) as GraphCursor;
    if (parsed.v === 1 && parsed.drives && typeof parsed.drives === 'object') return parsed;
  } catch {
    // fall through
  }
  throw new ShadowscanError(
    'cursor_invalid',
    'The saved cursor of this SharePoint source is not one this version understands; reset the source cursor to enumerate again.',
  );
}

export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let i = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) {
      const k = i++;
      out[k] = await fn(items[k]);
    }
  });
  await Promise.all(runners);
  return out;
}
