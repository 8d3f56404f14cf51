/**
 * @module Server hardening: Host/Origin checks, one-time atomic setup, sessions that survive a restart and end
 * everywhere, password change, what the dashboard may touch on disk, Test deadlines, headers, file modes. Real: fastify,
 * SQLite catalog, vault, the local destination on this disk.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_PASSWORD, cookieOf, login, testServer, type TestServer } from './test-helpers.ts';
import { openContext } from '../app/context.ts';
import { buildServer } from './server.ts';

describe('Host and Origin', () => {
  let t: TestServer;
  before(async () => { t = await testServer({ publicNames: ['photos.example.net'] }); });
  after(async () => { await t.close(); });

  test('a Host that is not loopback or a public name gets 421 (DNS rebinding), on every route', async () => {
    for (const url of ['/api/session', '/healthz', '/api/tasks', '/']) {
      const res = await t.app.inject({ url, headers: { host: 'evil.example' } });
      assert.equal(res.statusCode, 421, url);
      assert.match(res.json().error.message, /server\.publicNames/);
    }
    for (const host of ['127.0.0.1:8642', 'localhost:8642', '[::1]:8642', 'photos.example.net', 'PHOTOS.example.net:443']) {
      assert.equal((await t.app.inject({ url: '/healthz', headers: { host } })).statusCode, 200, host);
    }
  });

  test('a cross-origin request with a valid cookie and CSRF token gets 403; same origin passes; SSE and downloads too', async () => {
    const c = await login(t.app);
    const headers = { cookie: c.cookie, 'x-csrf-token': c.csrf, host: '127.0.0.1:8642' };
    const body = { name: 'x', type: 'local', options: { path: '/nowhere' } };
    for (const origin of [{ origin: 'http://evil.example' }, { origin: 'null' }, { origin: 'http://127.0.0.1:9999' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/destinations', payload: body, headers: { ...headers, ...origin } });
      assert.equal(res.statusCode, 403, JSON.stringify(origin));
      assert.equal(res.json().error.code, 'cross-origin');
      for (const url of ['/api/runs/x/events', '/api/runs/x/report.csv', '/api/tasks']) {
        assert.equal((await t.app.inject({ url, headers: { ...headers, ...origin } })).statusCode, 403, `${url} ${JSON.stringify(origin)}`);
      }
    }
    const login2 = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD }, headers: { origin: 'http://evil.example' } });
    assert.equal(login2.statusCode, 403, 'login CSRF');
    const same = await t.app.inject({ method: 'GET', url: '/api/tasks', headers: { ...headers, origin: 'http://127.0.0.1:8642', 'sec-fetch-site': 'same-origin' } });
    assert.equal(same.statusCode, 200);
    // Following a link from another site to the dashboard's page is fine: it is a public GET.
    assert.equal((await t.app.inject({ url: '/', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode, 200);
  });
});

describe('first start', () => {
  test('four concurrent setups: exactly one 201, three 409', async () => {
    const t = await testServer();
    try {
      const answers = await Promise.all([1, 2, 3, 4].map((i) =>
        t.app.inject({ method: 'POST', url: '/api/setup', payload: { password: `${ADMIN_PASSWORD} ${i}` } })));
      assert.deepEqual(answers.map((a) => a.statusCode).sort(), [201, 409, 409, 409]);
    } finally { await t.close(); }
  });

  test('with a setup token, setup needs it; without one, only loopback clients may set up', async () => {
    const t = await testServer({ setupToken: 'one-time-token-123' });
    try {
      assert.equal((await t.app.inject({ url: '/api/session' })).json().setupTokenRequired, true);
      const none = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { password: ADMIN_PASSWORD } });
      assert.equal(none.statusCode, 403);
      assert.match(none.json().error.message, /console/);
      const wrong = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { password: ADMIN_PASSWORD, setupToken: 'guess' } });
      assert.equal(wrong.statusCode, 403);
      const ok = await t.app.inject({ method: 'POST', url: '/api/setup', payload: { password: ADMIN_PASSWORD, setupToken: 'one-time-token-123' } });
      assert.equal(ok.statusCode, 201);
      assert.ok(!t.logs.join('').includes('one-time-token-123'), 'the token is not logged');
    } finally { await t.close(); }
    const lan = await testServer();
    try {
      const res = await lan.app.inject({ method: 'POST', url: '/api/setup', payload: { password: ADMIN_PASSWORD }, remoteAddress: '192.168.1.20' });
      assert.equal(res.statusCode, 403);
    } finally { await lan.close(); }
  });
});

describe('sessions and the admin password', () => {
  test('a restart keeps the admin logged in; log out everywhere ends the other sessions; a password change rotates', async () => {
    const t = await testServer();
    const env = { PHOTOFERRY_HOME: t.home, HOME: t.home };
    try {
      const a = await login(t.app);
      const b = await login(t.app);
      assert.notEqual(a.cookie, b.cookie, 'each login is a new session');
      // A second server on the same catalog stands in for a restart.
      const ctx2 = await openContext({ env });
      const restarted = await buildServer({ ctx: ctx2, schedules: false, webRoot: join(t.home, 'no-web'), logLevel: 'silent' });
      try {
        await restarted.app.ready();
        const after = await restarted.app.inject({ url: '/api/tasks', headers: { cookie: a.cookie } });
        assert.equal(after.statusCode, 200, 'still logged in after the restart');
        const session = await restarted.app.inject({ url: '/api/session', headers: { cookie: a.cookie } });
        assert.equal(session.json().csrfToken, a.csrf);
      } finally { await restarted.app.close(); await ctx2.close(); }

      assert.equal((await b.call('POST', '/api/logout-all')).statusCode, 204);
      assert.equal((await a.call('GET', '/api/tasks')).statusCode, 401, 'the other session ended');
      assert.equal((await b.call('GET', '/api/tasks')).statusCode, 401, 'and this one');

      const c = await login(t.app);
      const d = await login(t.app);
      const wrong = await c.call('POST', '/api/password', { currentPassword: 'not it', password: 'a new long password' });
      assert.equal(wrong.statusCode, 403);
      await new Promise((r) => setTimeout(r, 250)); // the failure slowed this client down (200 ms in tests)
      const changed = await c.call('POST', '/api/password', { currentPassword: ADMIN_PASSWORD, password: 'a new long password' });
      assert.equal(changed.statusCode, 200, changed.body);
      const fresh = cookieOf(changed);
      assert.ok(fresh !== '' && fresh !== c.cookie, 'a new cookie for the one who changed it');
      assert.equal((await d.call('GET', '/api/tasks')).statusCode, 401, 'other sessions end with the old password');
      assert.equal((await t.app.inject({ url: '/api/tasks', headers: { cookie: fresh } })).statusCode, 200);
      const old = await t.app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD }, remoteAddress: '127.0.0.9' });
      assert.equal(old.statusCode, 401);
    } finally { await t.close(); }
  });

  test('idle and absolute expiry', async () => {
    let now = Date.now();
    const t = await testServer({ sessionPolicy: { idleMs: 60_000, absoluteMs: 300_000 }, sessionClock: () => now });
    try {
      const c = await login(t.app);
      for (const step of [50_000, 50_000]) { now += step; assert.equal((await c.call('GET', '/api/tasks')).statusCode, 200, 'each use restarts the idle time'); }
      now += 61_000;
      assert.equal((await c.call('GET', '/api/tasks')).statusCode, 401, 'idle too long');
      const d = await login(t.app);
      for (let i = 0; i < 6; i++) { now += 50_000; assert.equal((await d.call('GET', '/api/tasks')).statusCode, i < 5 ? 200 : 401, `step ${i}`); }
    } finally { await t.close(); }
  });
});

describe('what the dashboard may touch on disk', () => {
  let t: TestServer;
  let data: string;
  before(async () => {
    t = await testServer();
    data = join(t.home, 'data');
    mkdirSync(data);
    symlinkSync('/etc', join(data, 'etc-link'));
  });
  after(async () => { await t.close(); });

  test('local destinations and folder sources only inside server.allowedRoots, symlinks resolved, no relative paths', async () => {
    const c = await login(t.app);
    const dest = (name: string, path: string) => c.call('POST', '/api/destinations', { name, type: 'local', options: { path } });
    assert.equal((await dest('inside', join(t.home, 'backup', 'new-folder'))).statusCode, 201);
    for (const path of ['/etc', '/etc/cron.d', join(t.home, '..'), `${t.home}/../x`, 'relative/backup', '../backup', join(data, 'etc-link'), join(data, 'etc-link', 'x'), '/proc/x']) {
      const res = await dest('bad', path);
      assert.equal(res.statusCode, 400, `${path}: ${res.body}`);
      assert.ok(res.json().error.message.includes(t.home), `the message names the allowed root: ${res.body}`);
    }
    const task = (source: string, destination: string) => c.call('POST', '/api/tasks', { name: 'x', source, destination, schedule: { type: 'once' } });
    assert.equal((await task('folder:/etc', `local:${t.home}/b`)).statusCode, 400);
    assert.equal((await task(`folder:${t.home}`, 'local:/etc')).statusCode, 400);
    assert.equal((await task('/etc', `local:${t.home}/b`)).statusCode, 400, 'a bare path is a folder source');
    assert.equal((await task(`folder:${t.home}`, 'inside:/etc')).statusCode, 400, 'a sub-path on a local remote');
    assert.equal((await task(`folder:${t.home}`, 'inside')).statusCode, 201);
    assert.equal((await c.call('POST', '/api/library/refresh', { source: 'folder:/etc' })).statusCode, 400);
    const rclone = await c.call('POST', '/api/destinations', { name: 'r', type: 'rclone', options: { remote: 'x', binary: '/bin/sh' } });
    assert.equal(rclone.statusCode, 400, 'no program outside the roots');
  });

  test('Test on /proc/x (added from the CLI, which may) answers with an error within 5 s', async () => {
    const c = await login(t.app);
    const { saveRemote } = await import('../config/config-file.ts');
    saveRemote(t.ctx.config.configPath, 'procfs', { type: 'local', path: '/proc/x' });
    const started = Date.now();
    const res = await c.call('POST', '/api/destinations/procfs/test');
    const took = Date.now() - started;
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().ok, false);
    assert.match(res.json().message, /kernel file system/);
    assert.ok(took < 5000, `${took} ms`);
  });
});

describe('headers, logs, files', () => {
  test('security headers on pages and API; no-store on the API; error codes survive log redaction', async () => {
    const t = await testServer();
    try {
      for (const url of ['/', '/api/session', '/api/tasks', '/nope']) {
        const res = await t.app.inject({ url });
        assert.match(String(res.headers['content-security-policy']), /script-src 'self'.*frame-ancestors 'none'/, url);
        assert.doesNotMatch(String(res.headers['content-security-policy']), /unsafe-inline/);
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.equal(res.headers['referrer-policy'], 'no-referrer');
        if (url.startsWith('/api')) assert.equal(res.headers['cache-control'], 'no-store', url);
      }
      assert.match(t.logs.join(''), /"code":"unauthenticated"/);
    } finally { await t.close(); }
  });

  test('every file under the photoferry home is 0600, every folder 0700', async () => {
    const t = await testServer();
    try {
      const c = await login(t.app);
      await c.call('POST', '/api/destinations', { name: 's', type: 's3', options: { bucket: 'photos', secretAccessKey: 'x', accessKeyId: 'y', endpoint: 'http://127.0.0.1:9', provider: 'custom' } });
      await c.call('POST', '/api/tasks', { name: 'x', source: `folder:${t.home}`, destination: 's', schedule: { type: 'once' } });
      const seen: string[] = [];
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          const st = statSync(path);
          seen.push(name);
          if (st.isDirectory()) { assert.equal(st.mode & 0o777, 0o700, path); walk(path); } else assert.equal(st.mode & 0o777, 0o600, `${path} is ${(st.mode & 0o777).toString(8)}`);
        }
      };
      walk(t.home);
      for (const f of ['catalog.db', 'config.yaml', 'vault.json']) assert.ok(seen.includes(f), `${f} in ${seen.join(', ')}`);
    } finally { await t.close(); }
  });
});
