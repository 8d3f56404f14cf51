/**
 * @module Access matrix: every registered route × path manglings over real HTTP (no client-side normalization) must
 * answer 401/403/404 without a session and 403/404 without the CSRF token; a route without an access level cannot start.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, Agent } from 'node:http';
import Fastify from 'fastify';
import { login, testServer, type Client, type TestServer } from './test-helpers.ts';
import { installAccess, type RegisteredRoute } from './access.ts';

const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x');
const encodeLetters = (s: string, every: boolean) => s.replace(/[a-z]/gi, (c, i: number) => (every || i === 1 ? `%${c.charCodeAt(0).toString(16)}` : c));

/** Ways to spell a route's path that a URL-prefix check or a normalizing proxy might read differently from the router. */
export function manglings(path: string): string[] {
  const [first = '', ...rest] = path.slice(1).split('/');
  const tail = rest.length > 0 ? `/${rest.join('/')}` : '';
  return [
    path,
    encodeLetters(path, false), encodeLetters(path, true), encodeLetters(path, true).toUpperCase().replace(/%([0-9A-F]{2})/gi, (m) => m),
    `/%2561${path.slice(2)}`, `/${path.slice(1).replace(/\//g, '%2F')}`, `/${first}%2F${tail.slice(1)}`, `/${first}%2f${tail.slice(1)}`,
    `/${path}`, `/${first}/${tail}`, `${path}//`, `/./${path.slice(1)}`, `/${first}/.${tail}`, `/${first}/./.${tail}`,
    `/x/..${path}`, `/${first}/x/..${tail}`, `/${first}/%2e%2e${tail}`, `/${first}/x/%2e%2e${tail}`, `/healthz/..${path}`,
    path.toUpperCase(), `/${first.toUpperCase()}${tail}`, `/${first[0]?.toUpperCase() ?? ''}${first.slice(1)}${tail}`,
    `${path}/`, `${path};`, `${path};.css`, `${path}%3B`, `/${first};${tail}`, `${path}.`, `${path}%20`, `${path}%00`, `${path}\\`,
    `${path}?/healthz`, `${path}%3F`, `${path}%3f/x`, `${path}#/healthz`, `${path}%23`,
    `${path}/${'a'.repeat(4000)}`, `/${first}/${'a'.repeat(4000)}`, path.replace(/x(\/|$)/, `${'x'.repeat(4000)}$1`),
  ];
}

interface Answer { status: number; body: string }

/** A raw request over a socket: the path goes on the request line exactly as given. */
function send(port: number, agent: Agent, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(method === 'GET' || method === 'HEAD' ? {} : { 'content-type': 'application/json', 'content-length': '2' }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(method === 'GET' || method === 'HEAD' ? undefined : '{}');
  });
}

describe('access levels bound to routes', () => {
  let t: TestServer;
  let port: number;
  let client: Client;
  const agent = new Agent({ keepAlive: false });
  before(async () => {
    t = await testServer();
    client = await login(t.app);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(async () => { agent.destroy(); await t.close(); });

  test('every route declares an access level, and the private ones are most of them', () => {
    const missing = t.routes.filter((r) => r.access === undefined);
    assert.deepEqual(missing, []);
    const byLevel = (a: RegisteredRoute['access']) => t.routes.filter((r) => r.access === a && r.method !== 'HEAD').length;
    assert.ok(byLevel('session') >= 10 && byLevel('csrf') >= 15, `session ${byLevel('session')}, csrf ${byLevel('csrf')}`);
    const publicApi = t.routes.filter((r) => r.access === 'public' && r.url.startsWith('/api')).map((r) => `${r.method} ${r.url}`).sort();
    assert.deepEqual(publicApi, ['GET /api/session', 'HEAD /api/session', 'POST /api/login', 'POST /api/setup']);
  });

  test('a route without an access level stops the server from starting', async () => {
    const app = Fastify();
    installAccess(app, { csrfOf: async () => undefined, sameToken: () => false, publicNames: [] });
    app.get('/api/forgotten', async () => 'secret');
    await assert.rejects(async () => { await app.ready(); }, /Routes without an access level.*GET \/api\/forgotten/);
    await app.close().catch(() => {});
  });

  test('the reported bypass: GET /%61pi/tasks and POST /%61pi/destinations without a cookie are 401', async () => {
    assert.equal((await send(port, agent, 'GET', '/%61pi/tasks', {})).status, 401);
    const post = await send(port, agent, 'POST', '/%61pi/destinations', {});
    assert.equal(post.status, 401);
    assert.equal((await client.call('GET', '/api/destinations')).json().length, 0, 'nothing was created');
  });

  test('route × mangling: 401/403/404 without a session, 403/404 without the CSRF token', { timeout: 240_000 }, async () => {
    const guarded = t.routes.filter((r) => r.access !== 'public');
    let requests = 0;
    for (const r of guarded) {
      for (const path of manglings(concrete(r.url))) {
        for (const headers of [{}, { cookie: 'pf_session=forged' }, { 'x-csrf-token': client.csrf }]) {
          const res = await send(port, agent, r.method, path, headers);
          requests++;
          assert.ok([401, 403, 404].includes(res.status), `no session: ${r.method} ${path.slice(0, 120)} → ${res.status} ${res.body.slice(0, 200)}`);
        }
        if (r.access === 'csrf') {
          for (const headers of [{ cookie: client.cookie }, { cookie: client.cookie, 'x-csrf-token': `${client.csrf}x` }]) {
            const res = await send(port, agent, r.method, path, headers);
            requests++;
            assert.ok([403, 404].includes(res.status), `no CSRF: ${r.method} ${path.slice(0, 120)} → ${res.status} ${res.body.slice(0, 200)}`);
          }
        }
      }
      if (r.method === 'GET') {
        // HEAD is answered by the GET route's HEAD twin: it must be as closed.
        for (const path of manglings(concrete(r.url))) {
          const res = await send(port, agent, 'HEAD', path, {});
          assert.ok([401, 403, 404].includes(res.status), `HEAD ${path.slice(0, 120)} → ${res.status}`);
        }
      }
    }
    assert.ok(requests > 2000, `${requests} requests`);
  });
});
