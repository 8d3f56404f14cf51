/** @module Recorded Apple traffic (vcrpy cassettes) replayed to the real sign-in client: results, errors, requests sent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCassette, replay, type Replayer } from '../../../../test/fixtures/icloud/cassette-replayer.ts';
import { signIn, type SignInOptions } from './index.ts';
import { fromBytes, N } from './srp.ts';
import { sessionKey } from './session-store.ts';
import { memorySecrets, scriptedPrompt, testCtx } from './testing/fakes.ts';
import { IcloudError, type IcloudErrorReason } from '../errors.ts';

const appleId = 'jdoe@gmail.com';
const password = 'password1';
const base = { appleId, authUrl: 'https://idmsa.apple.com/appleauth/auth', setupUrl: 'https://setup.icloud.com/setup/ws/1' };
const signal = AbortSignal.timeout(20_000);

/** A session as a previous run would have saved it: token plus the web-auth cookie that makes validate worth trying. */
const savedSession = () => memorySecrets({
  [sessionKey(appleId)]: JSON.stringify({
    clientId: 'auth-11111111-2222-3333-4444-555555555555', sessionToken: 'token-old', scnt: 'scnt-old', sessionId: 'sess-old',
    cookies: [{ name: 'X-APPLE-WEBAUTH-TOKEN', value: '"v=2:t=old~~"', domain: 'icloud.com', hostOnly: false, path: '/', secure: true, expires: null }],
  }),
});

function run(cassette: string, opts: Partial<SignInOptions> = {}, codes: string[] = [], secrets = memorySecrets()) {
  const player = replay(loadCassette(cassette));
  const prompt = scriptedPrompt(codes);
  const promise = signIn({ ...base, password, ...opts, fetch: player.fetch }, testCtx(secrets, prompt), signal);
  return { player, prompt, promise, secrets };
}

const paths = (p: Replayer) => p.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`);

async function rejectsWith(promise: Promise<unknown>, reason: IcloudErrorReason, kind = 'auth-required'): Promise<IcloudError> {
  const err = await promise.then(() => assert.fail('expected a failure'), (e: unknown) => e);
  assert.ok(err instanceof IcloudError, `expected IcloudError, got ${String(err)}`);
  assert.equal(err.reason, reason, err.message);
  assert.equal(err.kind, kind);
  assert.ok(!err.message.includes(password), 'error message must not contain the password');
  return err;
}

test('successful_auth: a saved session is validated and reused without password or code', async () => {
  const { promise, player } = run('successful_auth', { password: undefined as never }, [], savedSession());
  const session = await promise;
  assert.equal(session.dsid, '12345678901');
  assert.equal(session.webservices.ckdatabasews?.url, 'https://p61-ckdatabasews.icloud.com:443');
  assert.deepEqual(paths(player), ['POST /setup/ws/1/validate']);
  const call = player.calls[0]!;
  assert.equal(call.body, 'null');
  assert.match(call.headers.get('cookie') ?? '', /X-APPLE-WEBAUTH-TOKEN=/);
  assert.equal(call.headers.get('origin'), 'https://www.icloud.com');
});

test('auth_requires_2fa: after SRP, accountLogin asks for 2FA and the client goes for the code', async () => {
  const { promise, player } = run('auth_requires_2fa', {}, ['123456']);
  await assert.rejects(promise);
  assert.deepEqual(paths(player), ['POST /appleauth/auth/signin/init', 'POST /appleauth/auth/signin/complete', 'POST /setup/ws/1/accountLogin']);
  const init = JSON.parse(player.calls[0]!.body!) as { a: string; accountName: string; protocols: string[] };
  assert.equal(init.accountName, appleId);
  assert.deepEqual(init.protocols, ['s2k', 's2k_fo']);
  // A as Apple's SRP clients send it: minimal big-endian bytes of a value of the 2048-bit group. Its top byte is zero one
  // time in 256, and then A is 255 bytes long (a fixed 256 failed this test that often).
  const A = Buffer.from(init.a, 'base64');
  assert.ok(A.length <= 256 && A[0] !== 0, `A is minimal big-endian bytes (${A.length} bytes, first ${A[0]})`);
  const value = fromBytes(A);
  assert.ok(value > 1n && value < N, 'A lies in the group');
  const complete = JSON.parse(player.calls[1]!.body!) as Record<string, unknown>;
  assert.deepEqual(Object.keys(complete).sort(), ['accountName', 'c', 'm1', 'm2', 'rememberMe', 'trustTokens']);
  assert.equal(complete.c, 'd-123-456789ab-cdef-0123-4567-89abcdef0123:MSA');
  assert.equal(player.calls[1]!.headers.get('scnt'), 'scnt-1234567890', 'scnt from init is sent back');
  assert.equal(player.calls[0]!.headers.get('x-apple-widget-key')?.length, 64);
  const login = JSON.parse(player.calls[2]!.body!) as Record<string, unknown>;
  assert.deepEqual(login, { accountCountryCode: 'USA', dsWebAuthToken: 'token-1234567890', extended_login: true, trustToken: '' });
});

test('an A whose top byte is zero goes out as 255 bytes, as Apple\'s SRP clients send it, and sign-in carries on', async () => {
  // This private exponent makes A = g^a mod N start with a zero byte (found by trying seeds).
  const seed = Buffer.alloc(32, 7);
  seed.writeUInt32BE(1212, 28);
  const { promise, player } = run('auth_requires_2fa', { random: () => Buffer.from(seed) }, ['123456']);
  await assert.rejects(promise);
  assert.deepEqual(paths(player), ['POST /appleauth/auth/signin/init', 'POST /appleauth/auth/signin/complete', 'POST /setup/ws/1/accountLogin']);
  const init = JSON.parse(player.calls[0]!.body!) as { a: string };
  assert.equal(Buffer.from(init.a, 'base64').length, 255);
});

test('auth_non_2fa: 412 "sa" is repaired, then accountLogin succeeds', async () => {
  const { promise, player } = run('auth_non_2fa');
  const session = await promise;
  assert.equal(session.dsid, '12345678901');
  assert.deepEqual(paths(player), ['POST /appleauth/auth/signin/init', 'POST /appleauth/auth/signin/complete',
    'POST /appleauth/auth/repair/complete', 'POST /setup/ws/1/accountLogin']);
  assert.equal(player.calls[2]!.headers.get('x-apple-id-session-id'), 'sess-1234567890');
});

for (const [cassette, code] of [['2fa_flow_valid_code', '654321'], ['2fa_flow_valid_code_zero_lead', '012345']] as const) {
  test(`${cassette}: trusted-device code, 2sv/trust, then a trusted accountLogin; tokens persisted`, async () => {
    const { promise, player, prompt, secrets } = run(cassette, {}, [code]);
    const session = await promise;
    assert.equal(session.dsid, '12345678901');
    assert.equal(prompt.hints.length, 1);
    assert.match(prompt.hints[0]!, /trusted Apple device/);
    const verify = player.calls.find((c) => c.url.endsWith('/verify/trusteddevice/securitycode'))!;
    assert.deepEqual(JSON.parse(verify.body!), { securityCode: { code } });
    assert.equal(verify.headers.get('scnt'), 'scnt-1234567890');
    assert.equal(verify.headers.get('x-apple-id-session-id'), 'sess-1234567890');
    const lastLogin = player.calls.filter((c) => c.url.endsWith('/accountLogin')).at(-1)!;
    assert.equal((JSON.parse(lastLogin.body!) as { trustToken: string }).trustToken, '2svtoken-1234567890');
    const saved = JSON.parse(secrets.map.get(sessionKey(appleId))!) as Record<string, unknown>;
    assert.equal(saved.trustToken, '2svtoken-1234567890');
    assert.equal(saved.sessionToken, 'sessiontoken-1234567890');
    assert.ok(JSON.stringify(saved.cookies).includes('X-APPLE-WEBAUTH-TOKEN'));
    assert.equal(player.unused().length, 0);
    assert.ok(![...secrets.map.values()].some((v) => v.includes(code)), 'the 2FA code is never stored');
  });
}

test('2fa_flow_invalid_code: Apple says -21669 → wrong-code error', async () => {
  const { promise } = run('2fa_flow_invalid_code', { mfa: { maxCodeAttempts: 1 } }, ['901431']);
  const err = await rejectsWith(promise, 'wrong-code');
  assert.match(err.message, /auth icloud/);
});

test('failed_auth: SRP 401, legacy fallback hides 401 in X-Apple-I-Rscd → wrong-password', async () => {
  const { promise, player } = run('failed_auth');
  await rejectsWith(promise, 'wrong-password');
  assert.deepEqual(paths(player).at(-1), 'POST /appleauth/auth/signin');
});

test('failed_auth: without the legacy fallback, SRP 401 alone is wrong-password', async () => {
  const { promise, player } = run('failed_auth', { legacyPasswordFallback: false });
  await rejectsWith(promise, 'wrong-password');
  assert.equal(player.calls.length, 2);
});

test('failed_auth_503: signin/init 503 → rate-limited', async () => {
  await rejectsWith(run('failed_auth_503').promise, 'rate-limited', 'rate-limited');
});

test('fallback_raw_password: SRP 401, legacy signin accepted (Rscd 409) → accountLogin', async () => {
  const { promise, player } = run('fallback_raw_password');
  assert.equal((await promise).dsid, '12345678901');
  const legacy = player.calls.find((c) => new URL(c.url).pathname === '/appleauth/auth/signin')!;
  assert.equal((JSON.parse(legacy.body!) as { password: string }).password, password);
});

test('errors/failed_auth: saved session refused (421) → SRP → wrong-password', async () => {
  const { promise, player } = run('errors/failed_auth', {}, [], savedSession());
  await rejectsWith(promise, 'wrong-password');
  assert.equal(paths(player)[0], 'POST /setup/ws/1/validate');
});

test('errors/failed_auth_503: validate 503 → rate-limited, no SRP attempted', async () => {
  const { promise, player } = run('errors/failed_auth_503', {}, [], savedSession());
  await rejectsWith(promise, 'rate-limited', 'rate-limited');
  assert.equal(player.calls.length, 1);
});

test('errors/2sa_flow_failed_send_code: legacy 2SA, sendVerificationCode refused → code-not-sent', async () => {
  const { promise, player } = run('errors/2sa_flow_failed_send_code', {}, ['123456'], savedSession());
  await rejectsWith(promise, 'code-not-sent');
  const send = player.calls.find((c) => c.url.includes('/sendVerificationCode'))!;
  assert.deepEqual(JSON.parse(send.body!), { deviceType: 'SMS', areaCode: '', phoneNumber: '*******03', deviceId: '1' });
  assert.match(send.url, /dsid=12345678901/);
});
