/**
 * @module Access levels bound to routes: each route declares `config: { access }`, the check runs on the route that
 * matched (never on the URL string), and a route that declares nothing makes the server refuse to start.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { HttpError } from './errors.ts';
import { isLoopback } from './hosts.ts';

/** public: anyone; session: a logged-in admin; csrf: a logged-in admin plus the session's x-csrf-token header. */
export type Access = 'public' | 'session' | 'csrf';
const LEVELS: ReadonlySet<string> = new Set<Access>(['public', 'session', 'csrf']);

declare module 'fastify' {
  interface FastifyContextConfig { access?: Access }
}

/** Route options to spread into `app.get(url, PUBLIC, handler)`. */
export const PUBLIC = { config: { access: 'public' } } as const;
export const SESSION = { config: { access: 'session' } } as const;
export const CSRF = { config: { access: 'csrf' } } as const;

export interface RegisteredRoute { readonly method: string; readonly url: string; readonly access: Access | undefined }

export interface AccessDeps {
  /** The session's CSRF token for this cookie, or undefined when it is not a live session. */
  csrfOf(request: FastifyRequest): Promise<string | undefined>;
  sameToken(a: string | undefined, b: string): boolean;
  /** Host names (besides loopback) that this server answers to: what a reverse proxy or a LAN name sends. */
  readonly publicNames: readonly string[];
}

const SAFE_FETCH_SITES = new Set(['same-origin', 'none']);

/** DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`. */
function checkHost(request: FastifyRequest, publicNames: ReadonlySet<string>): void {
  const name = request.hostname.toLowerCase();
  if (isLoopback(name) || publicNames.has(name)) return;
  throw new HttpError(421, 'misdirected', `This server does not answer to the host name "${name.slice(0, 100)}" (add it to server.publicNames).`);
}

/** Cross-site requests may not act or read: Origin must be this server, Sec-Fetch-Site same-origin (or absent, as from curl). */
function checkOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && !SAFE_FETCH_SITES.has(site)) throw new HttpError(403, 'cross-origin', 'Cross-site requests are refused.');
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try { host = new URL(origin).host; } catch { host = undefined; }
  if (host === undefined || host.toLowerCase() !== request.host.toLowerCase()) {
    throw new HttpError(403, 'cross-origin', 'Cross-origin requests are refused.');
  }
}

/**
 * Installs the hooks. Call before registering any route: the onRoute hook collects them (what the returned function
 * lists, for the access matrix test), onReady refuses to start when one has no access level.
 */
export function installAccess(app: FastifyInstance, deps: AccessDeps): () => RegisteredRoute[] {
  const seen: RouteOptions[] = [];
  const names = new Set(deps.publicNames.map((n) => n.toLowerCase()));
  app.addHook('onRoute', (r) => { seen.push(r); });
  app.addHook('onReady', async () => {
    const bad = seen.filter((r) => !LEVELS.has(String(r.config?.access)));
    if (bad.length > 0) throw new Error(`Routes without an access level (config: { access: 'public' | 'session' | 'csrf' }): ${bad.map((r) => `${String(r.method)} ${r.url}`).join(', ')}`);
  });
  app.addHook('onRequest', async (request) => {
    checkHost(request, names);
    // The 404 handler has no route; it answers 404 whatever the path, so it is as public as a route can be.
    const access = request.is404 ? 'public' : request.routeOptions.config.access;
    const safe = request.method === 'GET' || request.method === 'HEAD';
    // A link from another site may open the dashboard's page; it may not read the API or change anything.
    if (access !== 'public' || !safe) checkOrigin(request);
    if (access === 'public') return;
    const csrf = access === 'session' || access === 'csrf' ? await deps.csrfOf(request) : undefined;
    if (csrf === undefined) throw new HttpError(401, 'unauthenticated', 'Log in first.');
    if (access === 'csrf' && !deps.sameToken(request.headers['x-csrf-token'] as string | undefined, csrf)) {
      throw new HttpError(403, 'csrf', 'Missing or wrong x-csrf-token header.');
    }
  });
  return () => seen.flatMap((r) => [r.method].flat().map((m) => ({ method: String(m), url: r.url, access: r.config?.access })));
}
