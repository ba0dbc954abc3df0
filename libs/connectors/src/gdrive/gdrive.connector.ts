import { Readable } from 'node:stream';
import { auth as googleAuth, drive as googleDrive, type drive_v3 } from 'googleapis/build/src/apis/drive';
import { ShadowscanError, UnreadableFileError, type FileChanges, type FileRef } from '@shadowscan/domain';
import { mapLimit, extensionOf } from '../graph/graph.connector';
import { downloadToTemp, type TempCopy } from '../remote/download';
import { emptyTree, TreeDiff, type DriveDiff, type FileExtras, type TreeState } from '../remote/item-tree';
import { ReadAhead } from '../remote/read-ahead';
import { Scope } from '../remote/scope';
import { readSecret } from '../remote/secret';
import {
  parseRetryAfter,
  tenantBudget,
  ThrottledError,
  type ThrottleBudget,
  isTransientNetworkError,
  retryTransient,
} from '../remote/throttle-budget';
import type { OpenedFile, SourceConnector } from '../source-connector.port';
import type { GdriveConfig } from './gdrive.config';

const SCOPE = 'https://www.googleapis.com/auth/drive.readonly';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const FOLDER = 'application/vnd.google-apps.folder';
const GSHEET = 'application/vnd.google-apps.spreadsheet';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Spreadsheet MIME types asked for in files.list (https://developers.google.com/workspace/drive/api/guides/search-files). */
const SHEET_MIMES = [
  GSHEET,
  XLSX,
  'application/vnd.ms-excel',
  'application/vnd.ms-excel.sheet.macroEnabled.12',
  'application/vnd.oasis.opendocument.spreadsheet',
  'text/csv',
  'text/tab-separated-values',
];
const FILE_FIELDS =
  'id,name,mimeType,parents,trashed,md5Checksum,version,size,modifiedTime,lastModifyingUser(emailAddress),webViewLink,shared,driveId';
const UNIT_CONCURRENCY = 8;
const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded']);

interface Unit {
  key: string;
  label: string;
  subject: string | undefined;
  driveId: string | undefined;
}

interface UnitCursor {
  label: string;
  pageToken: string | null;
  root: string | null;
  tree: TreeState;
}

interface DriveCursorJson {
  v: 1;
  units: Record<string, UnitCursor>;
}

type DriveFile = drive_v3.Schema$File;

/**
 * Google Drive: a full listing (files.list) the first time, then the changes feed from the saved
 * startPageToken (https://developers.google.com/workspace/drive/api/guides/manage-changes), per shared
 * drive and per impersonated user, with the folder tree kept in the cursor for human paths.
 */
export class GoogleDriveConnector implements SourceConnector {
  readonly kind = 'gdrive';
  private readonly scope: Scope;
  private readonly budget: ThrottleBudget;
  private readonly readAhead: ReadAhead;
  private readonly clients = new Map<string, drive_v3.Drive>();
  private key: { client_email: string; private_key: string } | null = null;
  /** Which identity listed each file (this process's last listing). */
  private readonly owners = new Map<string, { subject: string | undefined }>();

  constructor(private readonly cfg: GdriveConfig) {
    this.scope = new Scope(cfg);
    this.budget = tenantBudget(`gdrive:${new URL(cfg.rootUrl).host}`, {
      maxConcurrency: cfg.maxConcurrency,
      maxWaitMs: cfg.maxThrottleWaitMs,
    });
    this.readAhead = new ReadAhead(cfg.readAhead, cfg.readAheadMb * 1024 * 1024, (f, max) =>
      retryTransient(() => this.download(f, max)),
    );
  }

  throttleStats() {
    return { ...this.budget.stats(), readAhead: { ...this.readAhead.stats } };
  }

  async listChanges(cursor: string | null): Promise<FileChanges> {
    const prev = parseCursor(cursor);
    const units = await this.discoverUnits();
    const next: DriveCursorJson = { v: 1, units: {} };
    const diff = new TreeDiff();
    const crawled = await mapLimit(units, UNIT_CONCURRENCY, (u) => this.crawlUnit(u, prev.units[u.key]));
    units.forEach((u, i) => {
      next.units[u.key] = this.apply(
        u,
        crawled[i],
        diff.forDrive((id) => id),
      );
    });
    for (const [key, gone] of Object.entries(prev.units)) {
      if (!next.units[key]) diff.forDrive((id) => id).dropAll(gone.tree);
    }
    const changes = diff.result(JSON.stringify(next));
    this.readAhead.setOrder(changes.upserts);
    return changes;
  }

  open(file: Pick<FileRef, 'id' | 'path' | 'version'>, maxBytes: number): Promise<OpenedFile> {
    return this.readAhead.open(file, maxBytes);
  }

  private client(subject: string | undefined): drive_v3.Drive {
    const cached = this.clients.get(subject ?? '');
    if (cached) return cached;
    if (!this.key) {
      const raw = readSecret(this.cfg.serviceAccountKey, 'Google Drive source service account key');
      try {
        this.key = JSON.parse(raw) as { client_email: string; private_key: string };
      } catch {
        throw new ShadowscanError('credential_invalid', 'The Google service account key is not valid JSON.');
      }
    }
    const jwt = new googleAuth.JWT({
      email: this.key.client_email,
      key: this.key.private_key,
      scopes: [SCOPE],
      subject,
    });
    const tokenUrl = this.cfg.tokenUrl;
    if (tokenUrl) {
      jwt.transporter.interceptors.request.add({
        resolved: async (c) => {
          if (String(c.url) === GOOGLE_TOKEN_URL) c.url = new URL(tokenUrl);
          return c;
        },
      });
    }
    const client = googleDrive({ version: 'v3', auth: jwt, rootUrl: this.cfg.rootUrl });
    this.clients.set(subject ?? '', client);
    return client;
  }

  /**
   * One Drive call within the tenant budget. gaxios's own retry is off: it does not retry 403
   * userRateLimitExceeded/rateLimitExceeded, which Drive uses for quota errors
   * (https://developers.google.com/workspace/drive/api/guides/limits), so our budget retries those,
   * 429 and 5xx alike, honouring Retry-After when present.
   */
  private call<T>(fn: () => Promise<T>): Promise<T> {
    return this.budget.run(async () => {
      try {
        return await fn();
      } catch (e) {
        if (isTransientNetworkError(e)) throw new ThrottledError(0, null, `network: ${(e as Error).message}`);
        const status = statusOf(e);
        const reason = await reasonOf(e);
        if (status === 429 || status >= 500 || (status === 403 && RATE_LIMIT_REASONS.has(reason ?? ''))) {
          throw new ThrottledError(
            status,
            parseRetryAfter(headerOf(e, 'retry-after')),
            `HTTP ${status} ${reason ?? ''}`.trim(),
          );
        }
        if (e && typeof e === 'object') (e as { reason?: string }).reason = reason ?? undefined;
        throw e;
      }
    });
  }

  private async discoverUnits(): Promise<Unit[]> {
    const units: Unit[] = [];
    const as = this.cfg.sharedDrivesAs;
    const drives: Array<{ id: string; name: string }> = [];
    if (this.cfg.sharedDrives === 'all') {
      let pageToken: string | undefined;
      do {
        const res = await this.call(() =>
          this.client(as).drives.list(
            { pageSize: 100, pageToken, fields: 'nextPageToken,drives(id,name)' },
            { retry: false },
          ),
        );
        for (const d of res.data.drives ?? []) drives.push({ id: d.id!, name: d.name ?? d.id! });
        pageToken = res.data.nextPageToken ?? undefined;
      } while (pageToken);
    } else {
      for (const id of this.cfg.sharedDrives) {
        const res = await this.call(() =>
          this.client(as).drives.get({ driveId: id, fields: 'id,name' }, { retry: false }),
        );
        drives.push({ id, name: res.data.name ?? id });
      }
    }
    for (const d of drives) units.push({ key: `drive:${d.id}`, label: d.name, subject: as, driveId: d.id });
    for (const u of this.cfg.users)
      units.push({ key: `user:${u}`, label: `My Drive/${u}`, subject: u, driveId: undefined });
    return units;
  }

  private async crawlUnit(
    unit: Unit,
    prev: UnitCursor | undefined,
  ): Promise<{ state: UnitCursor; files: DriveFile[]; fresh: boolean }> {
    const drive = this.client(unit.subject);
    // A shared drive is its own corpus; a user's My Drive is the `user` corpus of the impersonated user
    // (files.list takes no restrictToMyDrive: that is a changes.list parameter, see
    // https://developers.google.com/workspace/drive/api/reference/rest/v3/changes/list).
    const where = unit.driveId
      ? { driveId: unit.driveId, includeItemsFromAllDrives: true, supportsAllDrives: true }
      : {};
    if (prev?.pageToken) {
      const files: DriveFile[] = [];
      let pageToken: string = prev.pageToken;
      for (;;) {
        let res;
        try {
          res = await this.call(() =>
            drive.changes.list(
              {
                pageToken,
                pageSize: 1000,
                includeRemoved: true,
                fields: `nextPageToken,newStartPageToken,changes(fileId,removed,file(${FILE_FIELDS}))`,
                ...(unit.driveId ? where : { restrictToMyDrive: true }),
              },
              { retry: false },
            ),
          );
        } catch (e) {
          // A rejected page token: discard it and start over with a full listing (ChangeList.nextPageToken docs).
          if (statusOf(e) === 400 || statusOf(e) === 404 || statusOf(e) === 410) break;
          throw e;
        }
        for (const c of res.data.changes ?? []) {
          files.push(c.removed || !c.file ? { id: c.fileId!, trashed: true } : c.file);
        }
        if (res.data.nextPageToken) pageToken = res.data.nextPageToken;
        else
          return {
            state: { ...prev, pageToken: res.data.newStartPageToken ?? pageToken },
            files,
            fresh: false,
          };
      }
    }
    // Full listing. The start token is taken first, so a change made while listing is seen next time.
    const start = await this.call(() =>
      drive.changes.getStartPageToken(
        unit.driveId ? { driveId: unit.driveId, supportsAllDrives: true } : {},
        { retry: false },
      ),
    );
    let root: string | null = unit.driveId ?? null;
    if (!root) {
      const r = await this.call(() => drive.files.get({ fileId: 'root', fields: 'id' }, { retry: false }));
      root = r.data.id ?? null;
    }
    const owned = unit.driveId ? '' : " and 'me' in owners";
    const folders = await this.listAll(drive, `mimeType = '${FOLDER}' and trashed = false${owned}`, where);
    const mimes = SHEET_MIMES.map((m) => `mimeType = '${m}'`).join(' or ');
    const sheets = await this.listAll(drive, `(${mimes}) and trashed = false${owned}`, where);
    return {
      state: {
        label: unit.label,
        pageToken: start.data.startPageToken ?? null,
        root,
        tree: prev?.tree ?? emptyTree(),
      },
      files: [...folders, ...sheets],
      fresh: true,
    };
  }

  private async listAll(
    drive: drive_v3.Drive,
    q: string,
    where: Record<string, unknown>,
  ): Promise<DriveFile[]> {
    const out: DriveFile[] = [];
    let pageToken: string | undefined;
    do {
      const res = await this.call(() =>
        drive.files.list(
          {
            q,
            pageSize: 1000,
            pageToken,
            corpora: where.driveId ? 'drive' : 'user',
            fields: `nextPageToken,files(${FILE_FIELDS})`,
            ...where,
          },
          { retry: false },
        ),
      );
      out.push(...(res.data.files ?? []));
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  private apply(
    unit: Unit,
    crawled: { state: UnitCursor; files: DriveFile[]; fresh: boolean },
    diff: DriveDiff,
  ): UnitCursor {
    const { state, files, fresh } = crawled;
    const tree = state.tree;
    if (fresh) {
      const listed = new Set(files.map((f) => f.id));
      for (const id of Object.keys(tree.files)) if (!listed.has(id)) diff.removeFile(tree, id);
      for (const id of Object.keys(tree.folders)) if (!listed.has(id)) delete tree.folders[id];
    }
    const extras = new Map<string, FileExtras>();
    for (const f of files) {
      const id = f.id!;
      if (f.trashed) {
        if (tree.folders[id]) diff.removeFolder(tree, id);
        else diff.removeFile(tree, id);
        continue;
      }
      const parent = f.parents?.[0] ?? null;
      if (f.mimeType === FOLDER) {
        tree.folders[id] = [f.name ?? id, parent];
        continue;
      }
      const native = f.mimeType === GSHEET;
      const isSheet =
        native || (SHEET_MIMES.includes(f.mimeType ?? '') && this.scope.wantsType(f.name ?? ''));
      if (!isSheet || !this.scope.wantsType(f.name ?? '', native)) {
        diff.removeFile(tree, id);
        continue;
      }
      // Native Sheets have no md5; their version counter moves with every edit.
      const version = native
        ? `gsheet:${f.version}`
        : f.md5Checksum
          ? `md5:${f.md5Checksum}`
          : `v:${f.version}`;
      this.owners.set(id, { subject: unit.subject });
      tree.files[id] = {
        n: f.name ?? id,
        p: parent,
        v: version,
        s: Number(f.size ?? 0),
        m: f.modifiedTime ?? new Date(0).toISOString(),
        r: tree.files[id]?.r ?? null,
      };
      extras.set(id, {
        mimeType: f.mimeType ?? undefined,
        contentHash: f.md5Checksum ? `md5:${f.md5Checksum}` : undefined,
        lastModifiedBy: f.lastModifyingUser?.emailAddress ?? undefined,
        webUrl: f.webViewLink ?? undefined,
        sharingScope:
          f.shared === undefined || f.shared === null ? undefined : f.shared ? 'users' : 'private',
        etag: f.version ?? undefined,
      });
    }
    diff.report(tree, unit.label, new Set(state.root ? [state.root] : []), this.scope.inScope, extras);
    return state;
  }

  /**
   * Downloads as the identity the listing used for this file's drive when this process listed it, else
   * tries each configured identity (a My Drive file is visible to its owner only).
   */
  private async download(
    file: Pick<FileRef, 'id' | 'path' | 'version'>,
    maxBytes: number,
  ): Promise<TempCopy> {
    const known = this.owners.get(file.id);
    const subjects = known !== undefined ? [known.subject] : this.subjects();
    for (let i = 0; ; i++) {
      try {
        return await this.downloadAs(subjects[i], file, maxBytes);
      } catch (e) {
        if (!(e instanceof UnreadableFileError && e.code === 'not_found') || i + 1 >= subjects.length)
          throw e;
      }
    }
  }

  private async downloadAs(
    subject: string | undefined,
    file: Pick<FileRef, 'id' | 'path' | 'version'>,
    maxBytes: number,
  ): Promise<TempCopy> {
    const drive = this.client(subject);
    const native = file.version.startsWith('gsheet:');
    try {
      if (native) {
        // files.export is capped by Google (10 MB); past it Drive answers 403 exportSizeLimitExceeded
        // (https://developers.google.com/workspace/drive/api/reference/rest/v3/files/export).
        const res = await this.call(() =>
          drive.files.export(
            { fileId: file.id, mimeType: XLSX },
            { responseType: 'arraybuffer', retry: false },
          ),
        );
        const bytes = Buffer.from(res.data as ArrayBuffer);
        return await downloadToTemp(Readable.from([bytes]), {
          maxBytes,
          extension: 'xlsx',
          displayPath: file.path,
        });
      }
      const res = await this.call(() =>
        drive.files.get(
          { fileId: file.id, alt: 'media', supportsAllDrives: true },
          { responseType: 'stream', retry: false },
        ),
      );
      return await downloadToTemp(res.data as unknown as Readable, {
        maxBytes,
        extension: extensionOf(file.path),
        displayPath: file.path,
      });
    } catch (e) {
      if (e instanceof UnreadableFileError) throw e;
      const reason = (e as { reason?: string }).reason;
      if (reason === 'exportSizeLimitExceeded') {
        throw new UnreadableFileError(
          'export_too_large',
          `${file.path} is a Google Sheet too large for Google's xlsx export (exportSizeLimitExceeded); split it or download it as xlsx by hand.`,
        );
      }
      if (statusOf(e) === 404)
        throw new UnreadableFileError('not_found', `${file.path} no longer exists in Google Drive.`);
      throw e;
    }
  }

  private subjects(): Array<string | undefined> {
    const shared = this.cfg.sharedDrives === 'all' || this.cfg.sharedDrives.length > 0;
    return [...(shared ? [this.cfg.sharedDrivesAs] : []), ...this.cfg.users];
  }
}

function statusOf(e: unknown): number {
  const x = e as { status?: number; response?: { status?: number }; code?: number | string };
  return x?.response?.status ?? x?.status ?? (typeof x?.code === 'number' ? x.code : 0);
}

function headerOf(e: unknown, name: string): string | null {
  const h = (e as { response?: { headers?: Headers | Record<string, string> } })?.response?.headers;
  if (!h) return null;
  return h instanceof Headers ? h.get(name) : (h[name] ?? null);
}

/** The `errors[0].reason` of a Google API error body (https://developers.google.com/workspace/drive/api/guides/handle-errors). */
async function reasonOf(e: unknown): Promise<string | null> {
  const x = e as { reason?: string; response?: { data?: unknown } };
  if (x?.reason) return x.reason;
  let data = x?.response?.data;
  if (data instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const c of data) chunks.push(Buffer.from(c as Buffer));
    data = Buffer.concat(chunks).toString('utf8');
  } else if (data && typeof (data as ReadableStream).getReader === 'function') {
    data = await new Response(data as ReadableStream).text().catch(() => null);
  } else if (data instanceof ArrayBuffer) {
    data = Buffer.from(data).toString('utf8');
  }
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return null;
    }
  }
  const err = (data as { error?: { errors?: Array<{ reason?: string }> } } | undefined)?.error;
  // A streamed request's error body may already be consumed; gaxios quotes it in the message.
  const quoted = /"reason":\s*"(\w+)"/.exec(String((e as { message?: string })?.message ?? ''));
  const reason = err?.errors?.[0]?.reason ?? quoted?.[1] ?? null;
  if (reason && x && typeof x === 'object') x.reason = reason;
  return reason;
}

function parseCursor(cursor: string | null): DriveCursorJson {
  if (!cursor) return { v: 1, units: {} };
  try {
    const parsed = JSON.parse(cursor) as DriveCursorJson;
    if (parsed.v === 1 && parsed.units && typeof parsed.units === 'object') return parsed;
  } catch {
    // fall through
  }
  throw new ShadowscanError(
    'cursor_invalid',
    'The saved cursor of this Google Drive source is not one this version understands; reset the source cursor to enumerate again.',
  );
}
