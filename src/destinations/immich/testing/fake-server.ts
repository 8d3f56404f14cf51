/**
 * @module An Immich fake for tests, built from the published API shapes: answers as a v2 or a v3 server (each refuses
 * the other's upload form), hashes uploads with SHA-1 and dedupes by it, links Live Photos, keeps albums, enforces
 * API key permissions, and can sit behind a proxy body-size limit. It keeps hashes and sizes, not bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FormError, readForm } from './form-parser.ts';
import { createFakeJobs, type FakeJobs } from './fake-jobs.ts';

export interface FakeAsset {
  readonly id: string;
  readonly checksum: string;
  readonly size: number;
  readonly originalFileName: string;
  readonly fileCreatedAt: string;
  readonly isFavorite: boolean;
  livePhotoVideoId: string | null;
  visibility: 'timeline' | 'hidden';
  readonly sidecar?: string;
  readonly deviceAssetId?: string;
}

export interface FakeImmichOptions {
  readonly version: 2 | 3;
  /** API key → permissions (`all` grants everything). */
  readonly keys?: Readonly<Record<string, readonly string[]>>;
  /** A proxy in front refuses bodies larger than this (HTTP 413 with an HTML page). */
  readonly bodyLimit?: number;
  /** Keys of users who are not admins (only admins may pause or resume jobs). */
  readonly nonAdminKeys?: readonly string[];
}

export interface FakeImmich {
  readonly url: string;
  readonly assets: Map<string, FakeAsset>;
  readonly albums: Map<string, { albumName: string; description: string; assets: Set<string> }>;
  /** Upload bodies received, in bytes (what a re-run must not send again). */
  readonly stats: { uploads: number; uploadBytes: number; duplicates: number; rejectedForms: number; uploadsWhileThumbnailsPaused: number };
  /** Background job queues by name (see fake-jobs.ts): paused or not, and every pause/resume command in order. */
  readonly jobs: FakeJobs;
  /** While true, uploads wait before being read (a run held mid-upload, to interrupt it). */
  holdUploads: boolean;
  stop(): Promise<void>;
}

const EXTENSIONS = /\.(jpe?g|heic|heif|png|gif|webp|tiff?|dng|cr2|cr3|nef|arw|raf|orf|rw2|mov|mp4|m4v|3gp|avi)$/i;
const V3_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

export async function startFakeImmich(options: FakeImmichOptions): Promise<FakeImmich> {
  const keys = options.keys ?? { 'test-key': ['all'] };
  const assets = new Map<string, FakeAsset>();
  const albums = new Map<string, { albumName: string; description: string; assets: Set<string> }>();
  const stats = { uploads: 0, uploadBytes: 0, duplicates: 0, rejectedForms: 0, uploadsWhileThumbnailsPaused: 0 };
  const jobs = createFakeJobs(options.version);
  const isNonAdmin = (req: IncomingMessage) => (options.nonAdminKeys ?? []).includes(String(req.headers['x-api-key'] ?? ''));
  const byChecksum = (b64: string) => [...assets.values()].find((a) => a.checksum === b64);

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(options.version >= 3 ? { 'x-correlation-id': randomUUID() } : {}) });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, message: string) => send(res, status, options.version >= 3
    ? { message, statusCode: status, correlationId: randomUUID() }
    : { message, error: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Bad Request', statusCode: status });
  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> : {};
  };

  const upload = async (req: IncomingMessage, res: ServerResponse) => {
    while (self.holdUploads && !req.destroyed) await new Promise((r) => setTimeout(r, 20));
    const boundary = /boundary=([^;]+)/.exec(String(req.headers['content-type'] ?? ''))?.[1];
    if (!boundary) return fail(res, 400, 'Expected multipart/form-data');
    const hint = req.headers['x-immich-checksum'];
    if (typeof hint === 'string' && byChecksum(hint)) {
      // Immich answers a known checksum at once and does not read the rest.
      stats.duplicates += 1;
      req.resume();
      return send(res, 200, { id: byChecksum(hint)!.id, status: 'duplicate' });
    }
    const fields: Record<string, string> = {};
    const hash = createHash('sha1');
    let size = 0;
    let filename: string | undefined;
    let sidecar: Buffer[] | undefined;
    let current: 'asset' | 'sidecar' | undefined;
    try {
      await readForm(req, boundary, {
        field: (name, value) => { fields[name] = value; },
        fileStart: (name, file) => {
          current = name === 'assetData' ? 'asset' : name === 'sidecarData' ? 'sidecar' : undefined;
          if (current === 'asset') filename = file;
          if (current === 'sidecar') sidecar = [];
        },
        fileData: (chunk) => {
          if (current === 'asset') { hash.update(chunk); size += chunk.length; stats.uploadBytes += chunk.length; }
          if (current === 'sidecar') sidecar!.push(chunk);
        },
        fileEnd: () => { current = undefined; },
      });
    } catch (err) {
      // A body cut short (client gave up, connection dropped) stores nothing.
      if (err instanceof FormError && !res.destroyed) return fail(res, 400, err.message);
      return undefined;
    }
    const problem = formProblem(options.version, fields, filename);
    if (problem) { stats.rejectedForms += 1; return fail(res, 400, problem); }
    const checksum = hash.digest('base64');
    const existing = byChecksum(checksum);
    stats.uploads += 1;
    if (jobs.queues.get('thumbnailGeneration')!.isPaused) stats.uploadsWhileThumbnailsPaused += 1;
    if (existing) { stats.duplicates += 1; return send(res, 200, { id: existing.id, status: 'duplicate' }); }
    const live = fields.livePhotoVideoId;
    if (live !== undefined && !assets.has(live)) return fail(res, 400, 'livePhotoVideoId: asset not found');
    const id = randomUUID();
    assets.set(id, {
      id, checksum, size, originalFileName: fields.filename ?? filename!, fileCreatedAt: fields.fileCreatedAt!,
      isFavorite: fields.isFavorite === 'true', livePhotoVideoId: live ?? null, visibility: 'timeline',
      ...(sidecar ? { sidecar: Buffer.concat(sidecar).toString() } : {}), ...(fields.deviceAssetId ? { deviceAssetId: fields.deviceAssetId } : {}),
    });
    // The motion half disappears from the timeline once a still links it, as Immich does.
    if (live !== undefined) assets.get(live)!.visibility = 'hidden';
    return send(res, 201, { id, status: 'created' });
  };

  const routes: { method: string; path: RegExp; permission?: string; handle: (req: IncomingMessage, res: ServerResponse, m: RegExpExecArray) => Promise<void> | void }[] = [
    { method: 'GET', path: /^\/api\/server\/version$/, handle: (_q, res) => send(res, 200, { major: options.version, minor: options.version === 2 ? 7 : 1, patch: 0 }) },
    { method: 'GET', path: /^\/api\/users\/me$/, permission: 'user.read', handle: (q, res) => send(res, 200, { id: 'user-1', email: 'owner@example.com', name: 'Owner', isAdmin: !isNonAdmin(q) }) },
    ...jobs.routes.map((r) => ({
      ...r, handle: async (req: IncomingMessage, res: ServerResponse, m: RegExpExecArray) => {
        if (isNonAdmin(req)) { req.resume(); return fail(res, 403, 'Forbidden resource'); }
        const out = r.handle(m, r.method === 'PUT' ? await readJson(req) : {});
        return out.status === 200 ? send(res, 200, out.body) : fail(res, out.status, String(out.body));
      },
    })),
    { method: 'POST', path: /^\/api\/assets$/, permission: 'asset.upload', handle: upload },
    {
      method: 'POST', path: /^\/api\/assets\/bulk-upload-check$/, permission: 'asset.upload',
      handle: async (req, res) => {
        const body = await readJson(req) as { assets?: { id: string; checksum: string }[] };
        send(res, 200, { results: (body.assets ?? []).map((a) => {
          const b64 = /^[0-9a-f]{40}$/i.test(a.checksum) ? Buffer.from(a.checksum, 'hex').toString('base64') : a.checksum;
          const found = byChecksum(b64);
          return found ? { id: a.id, action: 'reject', reason: 'duplicate', assetId: found.id, isTrashed: false } : { id: a.id, action: 'accept' };
        }) });
      },
    },
    {
      method: 'GET', path: /^\/api\/assets\/([^/?]+)$/, permission: 'asset.read',
      handle: (_q, res, m) => {
        const a = assets.get(decodeURIComponent(m[1]!));
        return a ? send(res, 200, { ...a, type: EXTENSIONS.test(a.originalFileName) && /\.(mov|mp4|m4v|3gp|avi)$/i.test(a.originalFileName) ? 'VIDEO' : 'IMAGE' })
          : fail(res, 400, 'Not found or no asset.read access');
      },
    },
    {
      method: 'POST', path: /^\/api\/albums$/, permission: 'album.create',
      handle: async (req, res) => {
        const body = await readJson(req) as { albumName?: string; description?: string };
        if (typeof body.albumName !== 'string') return fail(res, 400, 'albumName must be a string');
        const id = randomUUID();
        albums.set(id, { albumName: body.albumName, description: body.description ?? '', assets: new Set() });
        return send(res, 201, { id, albumName: body.albumName, assetCount: 0 });
      },
    },
    {
      method: 'GET', path: /^\/api\/albums\/([^/?]+)$/, permission: 'album.read',
      handle: (_q, res, m) => {
        const album = albums.get(decodeURIComponent(m[1]!));
        if (!album) return fail(res, 400, 'Not found or no album.read access');
        // v3 no longer lists an album's assets here (search/metadata does).
        return send(res, 200, { id: m[1], albumName: album.albumName, assetCount: album.assets.size, ...(options.version === 2 ? { assets: [...album.assets].map((id) => assets.get(id)) } : {}) });
      },
    },
    {
      method: 'PATCH', path: /^\/api\/albums\/([^/?]+)$/, permission: 'album.update',
      handle: async (req, res, m) => {
        const album = albums.get(decodeURIComponent(m[1]!));
        const body = await readJson(req) as { albumName?: string };
        if (!album) return fail(res, 400, 'Not found or no album.update access');
        if (typeof body.albumName === 'string') album.albumName = body.albumName;
        return send(res, 200, { id: m[1], albumName: album.albumName, assetCount: album.assets.size });
      },
    },
    {
      method: 'PUT', path: /^\/api\/albums\/([^/?]+)\/assets$/, permission: 'albumAsset.create',
      handle: async (req, res, m) => {
        const album = albums.get(decodeURIComponent(m[1]!));
        const body = await readJson(req) as { ids?: string[] };
        if (!album) return fail(res, 400, 'Not found or no albumAsset.create access');
        send(res, 200, (body.ids ?? []).map((id) => {
          if (!assets.has(id)) return { id, success: false, error: 'not_found' };
          if (album.assets.has(id)) return { id, success: false, error: 'duplicate' };
          album.assets.add(id);
          return { id, success: true };
        }));
      },
    },
    {
      method: 'DELETE', path: /^\/api\/albums\/([^/?]+)\/assets$/, permission: 'albumAsset.delete',
      handle: async (req, res, m) => {
        const album = albums.get(decodeURIComponent(m[1]!));
        const body = await readJson(req) as { ids?: string[] };
        if (!album) return fail(res, 400, 'Not found or no albumAsset.delete access');
        send(res, 200, (body.ids ?? []).map((id) => album.assets.delete(id) ? { id, success: true } : { id, success: false, error: 'not_found' }));
      },
    },
  ];

  const server = createServer((req, res) => {
    void (async () => {
      const length = Number(req.headers['content-length'] ?? 0);
      if (options.bodyLimit !== undefined && length > options.bodyLimit) {
        res.writeHead(413, { 'content-type': 'text/html', connection: 'close' });
        res.end('<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center></body></html>');
        req.destroy();
        return;
      }
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/api/api-keys/me' && req.method === 'GET') {
        const key = String(req.headers['x-api-key'] ?? '');
        if (!(key in keys)) return fail(res, 401, 'Invalid API key');
        return send(res, 200, { id: 'key-1', name: 'photoferry', permissions: keys[key], createdAt: new Date(0).toISOString() });
      }
      for (const route of routes) {
        const m = route.path.exec(path);
        if (!m || route.method !== req.method) continue;
        if (route.permission) {
          const key = String(req.headers['x-api-key'] ?? '');
          const granted = keys[key];
          if (!granted) { req.resume(); return fail(res, 401, 'Invalid API key'); }
          if (!granted.includes('all') && !granted.includes(route.permission)) { req.resume(); return fail(res, 403, `Missing required permission: ${route.permission}`); }
        }
        return route.handle(req, res, m);
      }
      req.resume();
      return fail(res, 404, `Cannot ${req.method} ${path}`);
    })().catch((err: unknown) => { if (!res.headersSent) fail(res, 500, String(err)); else res.destroy(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const self: FakeImmich = {
    url: `http://127.0.0.1:${port}`, assets, albums, stats, jobs, holdUploads: false,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return self;
}

/** Why this server generation refuses the form: v2 requires the device ids, v3 refuses them and wants offsets. */
function formProblem(version: 2 | 3, fields: Record<string, string>, filename: string | undefined): string | undefined {
  if (filename === undefined) return 'assetData is required';
  if (!EXTENSIONS.test(fields.filename ?? filename)) return `Unsupported file type ${filename}`;
  for (const f of ['fileCreatedAt', 'fileModifiedAt']) if (!fields[f]) return `${f} must be a Date instance`;
  if (version === 2) {
    if (!fields.deviceAssetId) return 'deviceAssetId should not be empty';
    if (!fields.deviceId) return 'deviceId should not be empty';
    return undefined;
  }
  for (const f of ['deviceAssetId', 'deviceId']) if (f in fields) return `[${f}] Unrecognized key in object`;
  for (const f of ['fileCreatedAt', 'fileModifiedAt']) if (!V3_TIME.test(fields[f]!)) return `[${f}] Invalid ISO datetime: an explicit UTC offset is required`;
  return undefined;
}
