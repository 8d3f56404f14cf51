/**
 * @module The dashboard's Google sign-in at the HTTP edge (no browser, no Google): the redirect comes back to this
 * server over loopback only, otherwise the answer names the CLI command; an unknown or expired flow is refused without
 * a code exchange, and the authorization code stays out of the log. The browser flow: test/e2e/dashboard-gphotos-sign-in.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { login, testServer, type Client, type TestServer } from './test-helpers.ts';
import { saveDestination } from '../app/connectors.ts';
import { createGphotosSignIns } from '../app/gphotos-sign-ins.ts';

describe('dashboard Google Photos sign-in', () => {
  let t: TestServer;
  let client: Client;
  before(async () => {
    t = await testServer({ publicNames: ['photos.example.net'] });
    client = await login(t.app);
    // Token endpoint on a closed port: no test here may reach it.
    await saveDestination(t.ctx, { name: 'gp', type: 'gphotos', options: { clientId: 'id.apps.googleusercontent.com', clientSecret: 'client-secret', tokenUrl: 'http://127.0.0.1:9/token' } });
  });
  after(async () => { await t.close(); });

  const start = (host: string) => t.app.inject({ method: 'POST', url: '/api/destinations/gp/google-sign-in', payload: {}, headers: { cookie: client.cookie, 'x-csrf-token': client.csrf, host } });

  test('opened on loopback: the authorization address sends Google back to this server, with PKCE and a state', async () => {
    const res = await start('127.0.0.1:8080');
    assert.equal(res.statusCode, 200, res.body);
    const url = new URL(res.json<{ url: string }>().url);
    assert.equal(url.searchParams.get('redirect_uri'), 'http://127.0.0.1:8080/oauth/gphotos/callback');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.ok((url.searchParams.get('state') ?? '').length >= 32);
    assert.ok(!res.body.includes('client-secret'), 'the client secret never reaches the browser');
  });

  test('opened by another name: refused with what to do instead (the CLI command)', async () => {
    const res = await start('photos.example.net');
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'not-loopback');
    assert.match(res.json<{ error: { message: string } }>().error.message, /only to this machine.*photoferry auth gphotos gp/);
  });

  test('a callback with an unknown state: 400 page, nothing exchanged, the code not logged', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/oauth/gphotos/callback?state=forged&code=4%2Fsecret-code-123' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /unknown, was already used or has expired/);
    assert.ok(!t.logs.join('').includes('secret-code-123'));
  });

  test('a flow older than its lifetime is refused before any code exchange', async () => {
    let clock = 1_000_000;
    const flows = createGphotosSignIns(t.ctx, { ttlMs: 60_000, now: () => clock });
    const begin = async () => new URL((await flows.begin('gp', 'http://127.0.0.1:8080/oauth/gphotos/callback')).url).searchParams.get('state')!;
    const [fresh, late] = [await begin(), await begin()];
    clock += 59_000;
    // Within its lifetime the answer is taken to the token endpoint (here a closed port, so the exchange fails).
    const taken = await flows.complete(new URLSearchParams({ state: fresh, code: '4/fresh' }), AbortSignal.timeout(5000));
    assert.equal(taken.page.title, 'Sign-in not completed', taken.page.text);
    clock += 1_001;
    const outcome = await flows.complete(new URLSearchParams({ state: late, code: '4/late' }), AbortSignal.timeout(5000));
    assert.equal(outcome.page.status, 400);
    assert.match(outcome.page.text, /has expired/);
    assert.equal(outcome.result, undefined);
  });
});
