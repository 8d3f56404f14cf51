/**
 * @module `photoferry serve` as a process: the setup token on its console, Test on /proc answering within 5 s, SIGTERM
 * stopping it within 10 s, security headers, 0600/0700 under its home, and `--reset-admin`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { startServe } from './dashboard/serve.ts';

const PASSWORD = 'correct horse battery';

async function modes(dir: string, out: string[] = []): Promise<string[]> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const st = await stat(path);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) { if (mode !== 0o700) out.push(`${path} ${mode.toString(8)}`); await modes(path, out); }
    else if (mode !== 0o600) out.push(`${path} ${mode.toString(8)}`);
  }
  return out;
}

describe('photoferry serve, from outside', { timeout: 120_000 }, () => {
  let dir = '';
  let home = '';
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pf-serve-sec-'));
    home = join(dir, 'home');
    await mkdir(home, { mode: 0o700 });
    // A remote the CLI may add (it has full access) and the dashboard may Test.
    await writeFile(join(home, 'config.yaml'), 'remotes:\n  procfs:\n    type: local\n    path: /proc/x\n', { mode: 0o600 });
    env = { PHOTOFERRY_HOME: home, PHOTOFERRY_PASSPHRASE: 'e2e vault passphrase' };
  });
  after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  test('setup needs the console token; Test on /proc/x errs within 5 s; SIGTERM stops within 10 s; files are private', async () => {
    const server = await startServe(env);
    try {
      const token = server.setupToken();
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      assert.equal((await post('/api/setup', { password: PASSWORD })).status, 403);
      assert.equal((await post('/api/setup', { password: PASSWORD, setupToken: token })).status, 201);
      const login = await post('/api/login', { password: PASSWORD });
      assert.equal(login.status, 200);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const { csrfToken } = await login.json() as { csrfToken: string };

      const page = await fetch(server.url);
      for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy']) assert.ok(page.headers.get(h), h);
      assert.doesNotMatch(await page.text(), /<script(?![^>]*\bsrc=)[^>]*>/i, 'the built page has no inline script');
      assert.equal((await fetch(`${server.url}/api/session`)).headers.get('cache-control'), 'no-store');
      // fetch will not send a forged Host; node:http does, as a DNS-rebinding page's browser would.
      const rebound = await new Promise<number>((resolve, reject) => {
        get(`${server.url}/api/session`, { headers: { host: 'evil.example' } }, (r) => { r.resume(); resolve(r.statusCode ?? 0); }).on('error', reject);
      });
      assert.equal(rebound, 421);

      const started = Date.now();
      const res = await post('/api/destinations/procfs/test', {}, { cookie, 'x-csrf-token': csrfToken });
      assert.ok(Date.now() - started < 5000, `Test took ${Date.now() - started} ms`);
      const answer = await res.json() as { ok: boolean; message: string };
      assert.equal(answer.ok, false);
      assert.match(answer.message, /kernel file system/);
    } finally {
      const stopped = Date.now();
      const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
      server.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      const took = Date.now() - stopped;
      await server.stop();
      assert.ok(took < 10_000, `SIGTERM took ${took} ms`);
    }
    assert.deepEqual(await modes(home), [], 'files 0600, folders 0700');
  });

  test('--reset-admin forgets the password; the next start asks for setup with a new token', async () => {
    const reset = await runCli(['serve', '--reset-admin'], env);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stderr, /set a new password/);
    const server = await startServe(env);
    try {
      const session = await (await fetch(`${server.url}/api/session`)).json() as { setupNeeded: boolean; setupTokenRequired: boolean };
      assert.deepEqual([session.setupNeeded, session.setupTokenRequired], [true, true]);
      assert.match(server.setupToken(), /^[\w-]{20,}$/);
    } finally { await server.stop(); }
  });
});
