/** @module Test helpers for server tests: a throwaway home (catalog, config, vault), a built server, a logged-in client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { openContext, type AppContext } from '../app/context.ts';
import { createVault } from '../vault/vault.ts';
import { buildServer, type ServerOptions } from './server.ts';
import type { RegisteredRoute } from './access.ts';

export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  readonly home: string;
  readonly logs: string[];
  /** Every registered route with its access level (HEAD routes included). */
  readonly routes: RegisteredRoute[];
  close(): Promise<void>;
}

export async function testServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const home = mkdtempSync(join(tmpdir(), 'pf-server-'));
  const env = { PHOTOFERRY_HOME: home, PHOTOFERRY_PASSPHRASE: 'test vault passphrase', HOME: home };
  const ctx = await openContext({ env, openSecrets: async (config) => createVault({ path: config.vault, env, scrypt: { N: 1024, r: 8, p: 1 } }) });
  const logs: string[] = [];
  const logStream = new Writable({ write(chunk: Buffer, _e, done) { logs.push(chunk.toString()); done(); } });
  const { app, routes } = await buildServer({ ctx, logStream, logLevel: 'debug', loginLimits: { baseMs: 200 }, webRoot: join(home, 'no-web'), ...options });
  await app.ready();
  return {
    app, ctx, home, logs, routes: routes(),
    async close() { await app.close(); await ctx.close(); rmSync(home, { recursive: true, force: true }); },
  };
}

export interface Client {
  readonly cookie: string;
  readonly csrf: string;
  call(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export const cookieOf = (res: LightMyRequestResponse): string => {
  const set = [res.headers['set-cookie']].flat().find((c): c is string => typeof c === 'string' && c.startsWith('pf_session='));
  return set?.split(';')[0] ?? '';
};

/** First-start setup, then login; `call` sends the cookie and the CSRF header. */
export async function login(app: FastifyInstance): Promise<Client> {
  const setup = await app.inject({ method: 'POST', url: '/api/setup', payload: { password: ADMIN_PASSWORD } });
  if (setup.statusCode !== 201 && setup.statusCode !== 409) throw new Error(`setup: ${setup.statusCode} ${setup.body}`);
  const res = await app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode} ${res.body}`);
  const cookie = cookieOf(res);
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    cookie, csrf,
    call: (method, url, body) => app.inject({
      method: method as 'GET', url, headers: { cookie, 'x-csrf-token': csrf }, ...(body === undefined ? {} : { payload: body as object }),
    }),
  };
}
