/** @module Minimal in-process HTTP shell for auth-simulator tests (the real shell is src/simulator/server.ts, owned by CloudKit). */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimRequest, SimRoutes } from '../../types.ts';

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface TestShell { readonly url: string; close(): Promise<void> }

/** Serves `routes` on 127.0.0.1 (random port); 404 for unclaimed paths, 500 with the error for crashes. */
export async function startShell(routes: readonly SimRoutes[]): Promise<TestShell> {
  const server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readAll(req);
      const text = rawBody.toString('utf8');
      let body: unknown = text;
      try { body = text === '' || text === 'null' ? text : JSON.parse(text); } catch { /* keep text */ }
      const request: SimRequest = { req, res, url: new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`), body, rawBody };
      for (const r of routes) if (await r(request)) return;
      res.statusCode = 404;
      res.end('not found');
    })().catch((err: unknown) => { res.statusCode = 500; res.end(String(err)); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
