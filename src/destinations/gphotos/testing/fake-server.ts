/**
 * @module A Google Photos Library API fake for tests, from the published shapes: OAuth refresh, raw uploads whose tokens
 * expire after a day, batchCreate (≤ 50 items, one call at a time), app-created albums only, and a daily request quota
 * on a clock the test moves (`nextDay`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeOauth, type FakeOauth } from './fake-oauth.ts';

export interface FakeGphotos {
  readonly url: string;
  readonly tokenUrl: string;
  /** Google's authorization endpoint as the fake plays it (see fake-oauth.ts); `oauth.consent` picks allow or deny. */
  readonly authUrl: string;
  readonly oauth: FakeOauth;
  readonly items: Map<string, { id: string; filename: string; sha1: string; size: number }>;
  readonly albums: Map<string, { title: string; items: string[] }>;
  readonly stats: { requests: number; uploads: number; uploadBytes: number; batchCreates: number; quotaRefusals: number };
  /** Starts the next quota day: counts reset and upload tokens of earlier days expire. */
  nextDay(): void;
  stop(): Promise<void>;
}

export interface FakeGphotosOptions {
  readonly quotaPerDay?: number;
  readonly client?: { id: string; secret: string; refreshToken: string };
  /** Code exchanges report a 7-day refresh token, as Google does for apps in "Testing". */
  readonly testingMode?: boolean;
}

export const FAKE_CLIENT = { id: 'client-1.apps.googleusercontent.com', secret: 'client-secret', refreshToken: 'refresh-1' };

export async function startFakeGphotos(options: FakeGphotosOptions = {}): Promise<FakeGphotos> {
  const client = options.client ?? FAKE_CLIENT;
  const quota = options.quotaPerDay ?? 10_000;
  const items = new Map<string, { id: string; filename: string; sha1: string; size: number }>();
  const albums = new Map<string, { title: string; items: string[] }>();
  const uploads = new Map<string, { sha1: string; size: number; day: number }>();
  const oauth = createFakeOauth(client, { testingMode: options.testingMode ?? false });
  const stats = { requests: 0, uploads: 0, uploadBytes: 0, batchCreates: 0, quotaRefusals: 0 };
  let day = 0;
  let usedToday = 0;
  let creating = false;

  const send = (res: ServerResponse, status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  const error = (res: ServerResponse, status: number, state: string, message: string) => send(res, status, { error: { code: status, message, status: state } });
  const body = async (req: IncomingMessage) => { const c: Buffer[] = []; for await (const x of req) c.push(x as Buffer); return Buffer.concat(c); };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (await oauth.handle(req, res, url, async () => new URLSearchParams((await body(req)).toString()))) return undefined;
    if (!oauth.isAccessToken(String(req.headers.authorization ?? '').replace(/^Bearer /, ''))) { req.resume(); return error(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'); }
    stats.requests += 1;
    if (usedToday >= quota) {
      stats.quotaRefusals += 1;
      req.resume();
      return error(res, 429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'All requests' and limit 'All requests per day' of service 'photoslibrary.googleapis.com'");
    }
    usedToday += 1;
    const p = url.pathname;
    if (p === '/v1/uploads' && req.method === 'POST') {
      if (req.headers['x-goog-upload-protocol'] !== 'raw' || !req.headers['x-goog-upload-content-type']) { req.resume(); return error(res, 400, 'INVALID_ARGUMENT', 'raw protocol and content type required'); }
      const hash = createHash('sha1');
      let size = 0;
      for await (const c of req) { hash.update(c as Buffer); size += (c as Buffer).length; stats.uploadBytes += (c as Buffer).length; }
      if (size !== Number(req.headers['content-length'])) return undefined;
      stats.uploads += 1;
      const token = `upload-${randomUUID()}`;
      uploads.set(token, { sha1: hash.digest('hex'), size, day });
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(token);
    }
    const json = JSON.parse((await body(req)).toString() || '{}') as Record<string, unknown>;
    if (p === '/v1/mediaItems:batchCreate' && req.method === 'POST') {
      const news = (json.newMediaItems ?? []) as { simpleMediaItem: { uploadToken: string; fileName: string } }[];
      if (news.length > 50) return error(res, 400, 'INVALID_ARGUMENT', 'Request must contain at most 50 new media items');
      if (creating) return error(res, 409, 'ABORTED', 'Concurrent batchCreate calls for the same user');
      creating = true;
      stats.batchCreates += 1;
      await new Promise((r) => setTimeout(r, 5));
      creating = false;
      return send(res, 200, { newMediaItemResults: news.map(({ simpleMediaItem: s }) => {
        const up = uploads.get(s.uploadToken);
        if (!up || up.day !== day) return { uploadToken: s.uploadToken, status: { code: 3, message: 'Failed: upload token expired or invalid' } };
        uploads.delete(s.uploadToken);
        const id = `item-${randomUUID()}`;
        items.set(id, { id, filename: s.fileName, sha1: up.sha1, size: up.size });
        return { uploadToken: s.uploadToken, status: { message: 'Success' }, mediaItem: { id, filename: s.fileName } };
      }) });
    }
    if (p === '/v1/albums' && req.method === 'GET') return send(res, 200, { albums: [...albums].map(([id, a]) => ({ id, title: a.title })).slice(0, 1) });
    if (p === '/v1/albums' && req.method === 'POST') {
      const id = `album-${randomUUID()}`;
      albums.set(id, { title: String((json.album as { title?: string } | undefined)?.title ?? ''), items: [] });
      return send(res, 200, { id, title: albums.get(id)!.title, isWriteable: true });
    }
    const m = /^\/v1\/albums\/([^/:]+)(:batchAddMediaItems|:batchRemoveMediaItems)?$/.exec(p);
    const album = m ? albums.get(decodeURIComponent(m[1]!)) : undefined;
    // Only albums this app created exist for it; anything else is "not found".
    if (m && !album) return error(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
    if (m && album && !m[2] && req.method === 'GET') return send(res, 200, { id: m[1], title: album.title, mediaItemsCount: String(album.items.length) });
    if (m && album && !m[2] && req.method === 'PATCH') { album.title = String(json.title ?? album.title); return send(res, 200, { id: m[1], title: album.title }); }
    if (m && album && m[2]) {
      const ids = (json.mediaItemIds ?? []) as string[];
      if (ids.length > 50) return error(res, 400, 'INVALID_ARGUMENT', 'at most 50 media items');
      if (ids.some((id) => !items.has(id))) return error(res, 400, 'INVALID_ARGUMENT', 'Request contains an invalid media item id (only app-created items can be added)');
      if (m[2] === ':batchAddMediaItems') for (const id of ids) { if (!album.items.includes(id)) album.items.push(id); }
      else album.items = album.items.filter((id) => !ids.includes(id));
      return send(res, 200, {});
    }
    return error(res, 404, 'NOT_FOUND', `no route ${req.method} ${p}`);
  };
  const server = createServer((req, res) => { handle(req, res).catch(() => { if (!res.headersSent) error(res, 500, 'INTERNAL', 'fake failed'); else res.destroy(); }); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, tokenUrl: `${url}/token`, authUrl: `${url}/authorize`, oauth, items, albums, stats,
    nextDay() { day += 1; usedToday = 0; },
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
