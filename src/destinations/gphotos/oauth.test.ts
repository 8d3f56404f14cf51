/** @module The loopback sign-in pieces against the Google fake: PKCE is really checked, stray requests are ignored, a used code is refused. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransferError } from '../../core/transfer-error.ts';
import { authorizationUrl, exchangeCode, listenForRedirect, pkcePair } from './oauth.ts';
import { FAKE_CLIENT, startFakeGphotos, type FakeGphotos } from './testing/fake-server.ts';

describe('Google loopback sign-in (oauth.ts)', () => {
  let fake: FakeGphotos;
  before(async () => { fake = await startFakeGphotos(); });
  after(async () => { await fake.stop(); });

  /** Starts a listener, plays the browser (a favicon request first, as browsers do), returns the code and redirect_uri. */
  const authorize = async (challenge: string) => {
    const redirect = await listenForRedirect({ state: 's1', timeoutMs: 10_000, signal: new AbortController().signal });
    try {
      const res = await fetch(authorizationUrl({ authUrl: fake.authUrl, clientId: FAKE_CLIENT.id, redirectUri: redirect.redirectUri, state: 's1', challenge }), { redirect: 'manual' });
      assert.equal((await fetch(new URL('/favicon.ico', redirect.redirectUri))).status, 404);
      await fetch(res.headers.get('location')!);
      return { code: await redirect.code, redirectUri: redirect.redirectUri };
    } finally {
      await redirect.close();
    }
  };
  const exchange = (code: string, verifier: string, redirectUri: string) =>
    exchangeCode({ tokenUrl: fake.tokenUrl, clientId: FAKE_CLIENT.id, clientSecret: FAKE_CLIENT.secret, code, verifier, redirectUri, signal: AbortSignal.timeout(10_000) });

  it('the verifier that made the challenge gets a refresh token; the same code twice is refused', async () => {
    const pkce = pkcePair();
    assert.match(pkce.verifier, /^[A-Za-z0-9_-]{43,128}$/);
    const { code, redirectUri } = await authorize(pkce.challenge);
    const grant = await exchange(code, pkce.verifier, redirectUri);
    assert.equal(grant.refreshToken, fake.oauth.issued.at(-1));
    await assert.rejects(exchange(code, pkce.verifier, redirectUri), (e: unknown) => e instanceof TransferError && e.kind === 'auth-required' && /invalid_grant/.test(e.message));
  });

  it('another verifier is refused (invalid_grant), so the fake checks PKCE', async () => {
    const { code, redirectUri } = await authorize(pkcePair().challenge);
    await assert.rejects(exchange(code, pkcePair().verifier, redirectUri), /invalid_grant/);
  });
});
