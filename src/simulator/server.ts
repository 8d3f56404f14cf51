/** @module startSimulator: one loopback HTTP server for idmsa + setup (auth routes), CloudKit, the content host and `/__sim` controls. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cloudkitRoutes, tokenAuthenticate, type Authenticate } from './cloudkit/routes.ts';
import { contentRoutes } from './cloudkit/content.ts';
import { controlRoutes } from './control.ts';
import { SimState } from './state.ts';
import type { SimRequest, SimRoutes } from './types.ts';
import { mountAuth, DEMO_ACCOUNT, type AuthBehaviour, type AuthMount } from './auth-mount.ts';
import { deletionRoutes } from './deletion/routes.ts';

export interface SimulatorOptions {
  /** Library size (default 200). 100k+ lists fine: records are generated on demand. */
  readonly assets?: number;
  readonly seed?: number;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Mean original size in bytes (default 24 KiB). */
  readonly meanSize?: number;
  /** Add a Shared Library zone (default true). */
  readonly sharedLibrary?: boolean;
  /** Newest capture time; the generated library reaches back about ten years from it (default 2025-06-01). */
  readonly newest?: Date;
  /** Sign-in account (default DEMO_ACCOUNT). */
  readonly account?: { readonly appleId: string; readonly password: string };
  /** Apple's sign-in as of 2026 (default) or as recorded before, and the demo account's knobs (ADP, 409 answers, …). */
  readonly auth?: AuthBehaviour;
}

export interface Simulator {
  /** idmsa base, e.g. http://127.0.0.1:PORT/appleauth/auth */
  readonly authUrl: string;
  /** setup base, e.g. http://127.0.0.1:PORT/setup/ws/1 */
  readonly setupUrl: string;
  /** Server root; CloudKit lives at `${baseUrl}/database/1/...`, control endpoints at `${baseUrl}/__sim/...`. */
  readonly baseUrl: string;
  readonly state: SimState;
  readonly account: { readonly appleId: string; readonly password: string };
  /** The auth half's state when the auth route group is mounted (its own fault knobs). */
  readonly auth: AuthMount['state'];
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON when it parses; otherwise the text. `null` (validate's body) stays the string, per SimRequest. */
function parseBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text === '' || text === 'null') return text;
  try { return JSON.parse(text) as unknown; } catch { return text; }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = new SimState({ seed: options.seed ?? 1, assets: options.assets ?? 200, sharedLibrary: options.sharedLibrary ?? true, ...(options.meanSize === undefined ? {} : { meanSize: options.meanSize }), ...(options.newest === undefined ? {} : { newest: options.newest }) });
  const account = options.account ?? DEMO_ACCOUNT;
  const auth = await mountAuth(state, account, options.auth);
  const authenticate: Authenticate = (request) => auth.authenticate(request) || tokenAuthenticate(state)(request);
  const groups: SimRoutes[] = [controlRoutes(state), deletionRoutes(state, authenticate), contentRoutes(state), cloudkitRoutes(state, authenticate, () => { state.expireSessions(); auth.expire(); }, auth.adp, (request) => auth.state.sessionOf(request)?.appleId), auth.routes];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const request: SimRequest = { req, res, url: new URL(req.url ?? '/', 'http://127.0.0.1'), body: parseBody(rawBody), rawBody };
      for (const group of groups) if (await group(request)) return;
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err instanceof Error ? err.message : err));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(state.urls, { baseUrl, authUrl: `${baseUrl}/appleauth/auth`, setupUrl: `${baseUrl}/setup/ws/1`, ckUrl: baseUrl, contentUrl: baseUrl });
  auth.setBaseUrl(baseUrl);
  return {
    authUrl: state.urls.authUrl, setupUrl: state.urls.setupUrl, baseUrl, state, account, auth: auth.state,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
