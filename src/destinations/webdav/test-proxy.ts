/**
 * @module Test-only HTTP proxy in front of the Apache test server: injects faults (401/403/507, a connection cut
 * mid-body) and fakes Nextcloud's chunk endpoint (uploads/<user>/<id>), assembling chunks into a PUT to Apache.
 * No real Nextcloud runs here, so this fake is what the chunked-upload tests talk to.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  | { readonly status: 401 | 403 | 423 | 500 | 507; readonly methods?: readonly string[] }
  /** Forward a PUT but cut both sockets after this many body bytes (a dropped Wi-Fi link). */
  | { readonly cutAfterBytes: number; readonly pathIncludes?: string; readonly once?: boolean };

export interface DavProxy {
  readonly url: string;
  fault: Fault | null;
  /** Chunk PUTs the fake Nextcloud accepted, and the headers of each final MOVE. */
  readonly chunkPuts: string[];
  readonly assemblies: Record<string, string | string[] | undefined>[];
  /** Every request seen, as `METHOD /path → status` (the status the client got). */
  readonly requests: string[];
  stop(): Promise<void>;
}

const UPLOADS = /^\/remote\.php\/dav\/uploads\/[^/]+\/([^/]+)\/?([^/]*)$/;
const readAll = async (req: IncomingMessage) => { const parts: Buffer[] = []; for await (const c of req) parts.push(c as Buffer); return Buffer.concat(parts); };

export async function startDavProxy(upstreamPort: number): Promise<DavProxy> {
  const uploads = new Map<string, Map<string, Buffer>>();
  const sockets = new Set<Socket>();
  const proxy: DavProxy = { url: '', fault: null, chunkPuts: [], assemblies: [], requests: [], stop: async () => undefined };

  function forward(req: IncomingMessage, res: ServerResponse, method = req.method ?? 'GET', path = req.url ?? '/', body?: Buffer): void {
    const headers = { ...req.headers, host: `127.0.0.1:${upstreamPort}` };
    if (body) headers['content-length'] = String(body.length);
    const up = httpRequest({ host: '127.0.0.1', port: upstreamPort, method, path, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    const fault = proxy.fault;
    if (body) { up.end(body); return; }
    if (fault && 'cutAfterBytes' in fault && method === 'PUT' && (fault.pathIncludes === undefined || path.includes(fault.pathIncludes))) {
      if (fault.once) proxy.fault = null;
      let seen = 0;
      req.on('data', (c: Buffer) => {
        seen += c.length;
        if (seen >= fault.cutAfterBytes) { req.socket.destroy(); up.destroy(); } else up.write(c);
      });
      req.on('end', () => up.end());
      return;
    }
    req.pipe(up);
  }

  async function nextcloud(req: IncomingMessage, res: ServerResponse, id: string, name: string): Promise<void> {
    const chunks = uploads.get(id);
    const reply = (status: number, body = '') => { res.writeHead(status, { 'content-type': 'application/xml' }); res.end(body); };
    if (req.method === 'MKCOL') { uploads.set(id, new Map()); reply(201); return; }
    if (!chunks) { await readAll(req); reply(404); return; }
    if (req.method === 'PUT') {
      const fault = proxy.fault;
      if (fault && 'cutAfterBytes' in fault && (fault.pathIncludes === undefined || (req.url ?? '').includes(fault.pathIncludes))) {
        if (fault.once) proxy.fault = null;
        let seen = 0;
        req.on('data', (c: Buffer) => { seen += c.length; if (seen >= fault.cutAfterBytes) req.socket.destroy(); });
        return;
      }
      chunks.set(name, await readAll(req));
      proxy.chunkPuts.push(name);
      reply(201);
      return;
    }
    if (req.method === 'DELETE') { uploads.delete(id); reply(204); return; }
    if (req.method === 'PROPFIND') {
      await readAll(req);
      const entry = (n: string, size: number) => `<d:response><d:href>/remote.php/dav/uploads/u/${id}/${n}</d:href><d:propstat><d:prop><d:resourcetype/><d:getcontentlength>${size}</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
      reply(207, `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">${[...chunks].map(([n, b]) => entry(n, b.length)).join('')}</d:multistatus>`);
      return;
    }
    if (req.method === 'MOVE' && name === '.file') {
      const body = Buffer.concat([...chunks].sort(([a], [b]) => Number(a) - Number(b)).map(([, b]) => b));
      if (Number(req.headers['oc-total-length']) !== body.length) { reply(400); return; }
      proxy.assemblies.push({ ...req.headers });
      uploads.delete(id);
      forward(req, res, 'PUT', new URL(String(req.headers.destination)).pathname, body);
      return;
    }
    reply(405);
  }

  const server = createServer((req, res) => {
    res.once('finish', () => proxy.requests.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname} → ${res.statusCode}`));
    const fault = proxy.fault;
    if (fault && 'status' in fault && (!fault.methods || fault.methods.includes(req.method ?? ''))) {
      req.resume();
      res.writeHead(fault.status, { connection: 'close' });
      res.end();
      return;
    }
    const match = UPLOADS.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (match) void nextcloud(req, res, match[1]!, match[2]!).catch(() => res.destroy());
    else forward(req, res);
  });
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  });
}
