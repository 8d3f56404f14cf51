/**
 * @module `photoferry auth gphotos` through the real binary against the Google fake (issue 14): the test plays the
 * browser, following the printed address with fetch. Allow → the refresh token lands in the vault (never printed) and
 * a copy works with it; denial, a forged state, a wrong client secret and no answer at all end with clear errors and
 * a non-zero exit, and nothing is stored.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, startCli, tempHome, type CliResult } from './cli.ts';
import { FAKE_CLIENT, startFakeGphotos, type FakeGphotos } from '../../src/destinations/gphotos/testing/fake-server.ts';

/** Runs `auth gphotos`, and once it prints the address, hands it to `browse` (the test's stand-in for a browser). */
function signIn(args: string[], env: Record<string, string>, browse: (url: string) => Promise<void>): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = startCli(['auth', 'gphotos', ...args], env);
    let stdout = '';
    let stderr = '';
    let browsed = false;
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(stderr)?.[1];
      if (url && !browsed) { browsed = true; browse(url).catch(fail); }
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The authorization endpoint answers with a redirect to photoferry's loopback listener; `edit` may tamper with it. */
async function follow(url: string, edit: (back: URL) => void = () => undefined): Promise<number> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302, 'the authorization endpoint sends the browser back');
  const back = new URL(res.headers.get('location')!);
  assert.equal(back.hostname, '127.0.0.1');
  edit(back);
  return (await fetch(back)).status;
}

describe('photoferry auth gphotos (loopback + PKCE, Google fake)', () => {
  let fake: FakeGphotos;
  let env: Record<string, string>;
  const add = async (name: string, secret: string) => {
    const r = await runCli(['remote', 'add', name, 'gphotos', `clientId=${FAKE_CLIENT.id}`, `clientSecret=${secret}`, 'testingMode=true',
      `apiUrl=${fake.url}`, `tokenUrl=${fake.tokenUrl}`, `authUrl=${fake.authUrl}`], env);
    assert.equal(r.code, 0, r.stderr);
  };
  const config = () => readFile(join(env.PHOTOFERRY_HOME!, 'config.yaml'), 'utf8');
  before(async () => {
    fake = await startFakeGphotos({ testingMode: true });
    env = { PHOTOFERRY_HOME: await tempHome('pf-gauth-'), PHOTOFERRY_PASSPHRASE: 'gauth-test-passphrase' };
    await add('gp', FAKE_CLIENT.secret);
    await add('badclient', 'not-the-secret');
  });
  after(async () => { await fake?.stop(); });

  it('a remote without sign-in tells the user to run auth gphotos (exit 3)', async () => {
    const r = await runCli(['remote', 'test', 'gp'], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /no sign-in yet: run "photoferry auth gphotos/);
  });

  it('denial in the consent screen: clear message, exit 3, nothing stored', async () => {
    fake.oauth.consent = 'deny';
    try {
      let page = 0;
      const r = await signIn(['gp'], env, async (url) => { page = await follow(url); });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(page, 200, 'the browser tab gets a page saying what happened');
      assert.match(r.stderr, /declined.*access_denied/);
      assert.doesNotMatch(await config(), /refreshToken/);
    } finally {
      fake.oauth.consent = 'allow';
    }
  });

  it('an answer with another state is refused (exit 3) and its code never exchanged', async () => {
    const exchanges = fake.oauth.stats.codeExchanges;
    let page = 0;
    const r = await signIn(['gp'], env, async (url) => { page = await follow(url, (back) => back.searchParams.set('state', 'forged')); });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(page, 400);
    assert.match(r.stderr, /did not carry the state photoferry sent/);
    assert.equal(fake.oauth.stats.codeExchanges, exchanges);
    assert.doesNotMatch(await config(), /refreshToken/);
  });

  it('a wrong client secret: Google refuses the client at the code exchange (exit 2, says what to fix)', async () => {
    const r = await signIn(['badclient'], env, async (url) => { await follow(url); });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /refused the OAuth client \(invalid_client\).*clientId and clientSecret/);
    assert.ok(!r.stderr.includes('not-the-secret'), 'the secret is not printed');
  });

  it('nobody opens the address: gives up after --timeout with exit 3, no hang', async () => {
    const r = await signIn(['gp', '--timeout', '1'], env, async () => undefined);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /no answer from the browser within 1 s/);
    assert.ok(r.ms < 15_000, `ended in ${r.ms} ms`);
  });

  it('allow: refresh token stored in the vault (never printed), Testing warning, then a copy works with it', async () => {
    const r = await signIn(['gp'], env, async (url) => { assert.equal(await follow(url), 200); });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /gp: signed in to Google Photos; refresh token stored in the vault/);
    assert.match(r.stderr, /warning: .*"Testing".*expires at \d{4}-/);
    assert.equal(fake.oauth.issued.length, 1);
    const token = fake.oauth.issued[0]!;
    assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), 'the refresh token is not printed');
    assert.match(await config(), /refreshToken: <vault>/);
    const shown = await runCli(['remote', 'show', 'gp'], env);
    assert.match(shown.stdout, /refreshToken = \*\*\*/);
    assert.ok(!shown.stdout.includes(token));

    // The remote never held the fake's preset refresh token: anything uploaded was authorised by the vault's token.
    const library = join(env.PHOTOFERRY_HOME!, 'library');
    assert.equal((await runCli(['sample', library, '--photos', '3', '--videos', '0'], env)).code, 0);
    const copy = await runCli(['copy', `folder:${library}`, 'gp:'], env);
    assert.equal(copy.code, 0, copy.stderr);
    assert.ok(fake.items.size >= 3, `${fake.items.size} items created`);
    assert.match(copy.stderr, /gphotos: this OAuth app is in "Testing": its refresh token expires 7 days/);
    assert.ok(!copy.stdout.includes(token) && !copy.stderr.includes(token));
  });
});
