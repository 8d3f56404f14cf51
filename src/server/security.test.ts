/** @module Security of the API: sessions on every route, CSRF on mutations, login slow-down, no secrets out, safe binds. Real: fastify inject, SQLite catalog, vault. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, cookieOf, login, testServer, type TestServer } from './test-helpers.ts';
import { checkBind, isLoopback } from './start.ts';

const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x');

describe('server security', () => {
  let t: TestServer;
  before(async () => { t = await testServer(); });
  after(async () => { await t.close(); });

  test('every /api route but session/setup/login answers 401 without a session', async () => {
    const api = t.routes.filter((r) => r.url.startsWith('/api/') && r.access !== 'public' && r.method !== 'HEAD');
    assert.ok(api.length >= 25, `found ${api.length} routes`);
    for (const r of api) {
      const res = await t.app.inject({ method: r.method as 'GET', url: concrete(r.url), headers: { cookie: 'pf_session=forged' } });
      assert.equal(res.statusCode, 401, `${r.method} ${r.url} → ${res.statusCode}`);
      assert.equal(res.json().error.code, 'unauthenticated');
    }
    assert.equal((await t.app.inject({ url: '/metrics' })).statusCode, 401);
    assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
  });

  test('every mutating route answers 403 without (or with a wrong) CSRF token', async () => {
    const c = await login(t.app);
    const mutating = t.routes.filter((r) => r.access === 'csrf');
    assert.ok(mutating.length >= 15);
    for (const r of mutating) {
      for (const headers of [{ cookie: c.cookie }, { cookie: c.cookie, 'x-csrf-token': `${c.csrf}x` }]) {
        const res = await t.app.inject({ method: r.method as 'POST', url: concrete(r.url), headers });
        assert.equal(res.statusCode, 403, `${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
    const ok = await c.call('GET', '/api/tasks');
    assert.equal(ok.statusCode, 200);
  });

  test('session cookie is HttpOnly and SameSite=Strict; logout ends it', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD } });
    const header = String(res.headers['set-cookie']);
    assert.match(header, /HttpOnly/);
    assert.match(header, /SameSite=Strict/);
    assert.doesNotMatch(header, /Secure/, 'no Secure flag on plain http');
    const cookie = cookieOf(res);
    const csrf = res.json().csrfToken as string;
    assert.equal((await t.app.inject({ url: '/api/tasks', headers: { cookie } })).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie, 'x-csrf-token': csrf } })).statusCode, 204);
    assert.equal((await t.app.inject({ url: '/api/tasks', headers: { cookie } })).statusCode, 401);
  });

  test('setup works once', async () => {
    const again = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { password: 'another long password' } });
    assert.equal(again.statusCode, 409);
  });

  test('login brute force is slowed down exponentially per IP, even for the right password', async () => {
    const attempt = (password: string, ip = '10.0.0.9') => t.app.inject({ method: 'POST', url: '/api/login', payload: { password }, remoteAddress: ip });
    assert.equal((await attempt('wrong-1')).statusCode, 401);
    const slowed = await attempt(ADMIN_PASSWORD);
    assert.equal(slowed.statusCode, 429);
    assert.ok(Number(slowed.headers['retry-after']) >= 1);
    assert.equal((await attempt(ADMIN_PASSWORD, '10.0.0.10')).statusCode, 200, 'another IP is not affected');
    await new Promise((r) => setTimeout(r, 250));
    assert.equal((await attempt('wrong-2')).statusCode, 401);
    await new Promise((r) => setTimeout(r, 250));
    assert.equal((await attempt(ADMIN_PASSWORD)).statusCode, 429, 'second failure doubles the wait (400 ms)');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await attempt(ADMIN_PASSWORD)).statusCode, 200);
  });

  test('no secret in any API response or log line', async () => {
    const c = await login(t.app);
    const secret = 'S3CRET-never-shown-9f8e';
    const add = await c.call('POST', '/api/destinations', {
      name: 'bucket', type: 's3', options: { bucket: 'photos', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: secret, endpoint: 'http://127.0.0.1:9', provider: 'custom', region: 'us-east-1' },
    });
    assert.equal(add.statusCode, 201, add.body);
    const bodies = [add.body, (await c.call('GET', '/api/destinations')).body, (await c.call('GET', '/api/connectors')).body,
      (await c.call('POST', '/api/destinations/bucket/test')).body, (await c.call('GET', '/api/session')).body];
    assert.match(bodies[1]!, /"secretAccessKey":"\*\*\*"/);
    assert.match(bodies[2]!, /"secret":true/);
    const logs = t.logs.join('');
    assert.ok(logs.length > 0);
    for (const text of [...bodies, logs]) {
      assert.ok(!text.includes(secret), 'the S3 secret leaked');
      assert.ok(!text.includes(ADMIN_PASSWORD), 'the admin password leaked');
    }
    assert.ok(!logs.includes(c.csrf) && !logs.includes(c.cookie.split('=')[1]!), 'session or CSRF token in the log');
  });

  test('metrics: bearer token works only when configured', async () => {
    const m = await testServer({ metricsToken: 'metrics-token-123' });
    try {
      assert.equal((await m.app.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } })).statusCode, 401);
      const ok = await m.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-123' } });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /photoferry_runs_active 0/);
    } finally { await m.close(); }
  });
});

describe('bind checks', () => {
  test('loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(isLoopback(h), h);
    for (const h of ['0.0.0.0', '192.168.1.2', '::', 'example.com']) assert.ok(!isLoopback(h), h);
  });
  test('a non-loopback host needs TLS or --insecure', () => {
    assert.doesNotThrow(() => checkBind({}));
    assert.throws(() => checkBind({ host: '0.0.0.0' }), /without TLS.*--insecure/s);
    assert.doesNotThrow(() => checkBind({ host: '0.0.0.0', insecure: true }));
    assert.doesNotThrow(() => checkBind({ host: '0.0.0.0', tlsCert: 'c.pem', tlsKey: 'k.pem' }));
    assert.throws(() => checkBind({ host: '127.0.0.1', tlsCert: 'c.pem' }), /go together/);
  });
});
