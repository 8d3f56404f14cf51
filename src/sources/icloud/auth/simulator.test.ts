/** @module The real sign-in client against the auth simulator over loopback HTTP: 2FA, reuse, refresh, status, every fault. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { authRoutes, createAuthState, type AuthState, type SimAccountInit } from '../../../simulator/auth/index.ts';
import { startShell, type TestShell } from '../../../simulator/auth/testing/shell.ts';
import type { SimRequest } from '../../../simulator/types.ts';
import { authStatus, signIn, signOut, type SignInOptions } from './index.ts';
import { memorySecrets, scriptedPrompt, testCtx } from './testing/fakes.ts';
import { IcloudError, type IcloudErrorReason } from '../errors.ts';

let state: AuthState;
let shell: TestShell;
const PASSWORD = 'hunter2-Secret!';
const signal = () => AbortSignal.timeout(20_000);
let n = 0;

/** A CloudKit stand-in that authenticates by cookie through the auth half, as the CloudKit routes will. */
const whoami = async (request: SimRequest) => {
  if (request.url.pathname !== '/ck/whoami') return false;
  const s = state.sessionOf(request);
  request.res.statusCode = s === null ? 421 : 200;
  request.res.end(JSON.stringify(s === null ? { error: 'no session' } : { dsid: s.dsid }));
  return true;
};

before(async () => {
  state = await createAuthState();
  shell = await startShell([authRoutes(state), whoami]);
  state.ckdatabaseUrl = `${shell.url}/ck`;
});
after(() => shell.close());

async function account(init: Partial<SimAccountInit> = {}) {
  const appleId = `user${++n}@example.com`;
  await state.addAccount({ appleId, password: PASSWORD, iterations: 500, ...init });
  return appleId;
}

const opts = (appleId: string, extra: Partial<SignInOptions> = {}): SignInOptions =>
  ({ appleId, password: PASSWORD, authUrl: `${shell.url}/appleauth/auth`, setupUrl: `${shell.url}/setup/ws/1`, ...extra });

/** The user reading the code off their phone: the simulator's test-only peek. */
const readPhone = (appleId: string) => () => state.lastCode(appleId) ?? 'no-code';

async function fails(p: Promise<unknown>, reason: IcloudErrorReason, next: RegExp): Promise<IcloudError> {
  const err = await p.then(() => assert.fail('expected failure'), (e: unknown) => e);
  assert.ok(err instanceof IcloudError, String(err));
  assert.equal(err.reason, reason, err.message);
  assert.match(err.message, next);
  assert.ok(!err.message.includes(PASSWORD));
  return err;
}

async function whoamiVia(session: { fetch: (u: string, i: RequestInit & { signal: AbortSignal }) => Promise<Response>; webservices: Readonly<Record<string, { url: string }>> }) {
  const r = await session.fetch(`${session.webservices.ckdatabasews!.url}/whoami`, { method: 'POST', signal: signal() });
  return { status: r.status, body: await r.json() as { dsid?: string } };
}

test('HSA2: device code, trust, CloudKit URL from webservices, cookies reach CloudKit; restart reuses the session', async () => {
  const appleId = await account({ protocol: 's2k_fo' });
  const secrets = memorySecrets();
  let code = '';
  const prompt = scriptedPrompt([() => (code = state.lastCode(appleId) ?? '')]);
  const session = await signIn(opts(appleId, { savePassword: true }), testCtx(secrets, prompt), signal());
  assert.equal(prompt.hints.length, 1);
  assert.equal(session.webservices.ckdatabasews?.url, `${shell.url}/ck`);
  assert.deepEqual(await whoamiVia(session), { status: 200, body: { dsid: session.dsid } });
  assert.ok(code.length === 6 && ![...secrets.map.values()].some((v) => v.includes(code)), 'the code is never stored');

  const again = await signIn(opts(appleId, { password: undefined as never }), testCtx(secrets, scriptedPrompt([])), signal());
  assert.equal(again.dsid, session.dsid, 'validate reused the saved session without a code');

  state.expireSessions(appleId);
  const afterExpiry = await signIn(opts(appleId, { password: undefined as never }), testCtx(secrets, scriptedPrompt([])), signal());
  assert.equal((await whoamiVia(afterExpiry)).status, 200, 'SRP with the stored password and trust token, no code');

  const status = await authStatus(opts(appleId), { secrets }, signal());
  assert.equal(status.valid, true);
  assert.equal(status.trusted, true);
  assert.equal(status.daysLeft, 59);
});

test('refresh: after the web session expires mid-run (421), refresh re-validates without a prompt', async () => {
  const appleId = await account();
  const secrets = memorySecrets();
  const session = await signIn(opts(appleId, { savePassword: true }), testCtx(secrets, scriptedPrompt([readPhone(appleId)])), signal());
  state.expireSessions(appleId);
  assert.equal((await whoamiVia(session)).status, 421);
  await session.refresh(signal());
  assert.equal((await whoamiVia(session)).status, 200);
  state.expireSessions(appleId);
  state.revokeTrust(appleId);
  await fails(session.refresh(signal()), 'session-expired', /auth icloud/);
});

test('SMS: code to the chosen trusted phone (PUT verify/phone), read through the /__sim/code control endpoint', async () => {
  const appleId = await account({ phones: [{ id: 1, number: '+1 555 0100' }, { id: 7, number: '+1 555 0177' }] });
  const viaHttp = async () => ((await (await fetch(`${shell.url}/__sim/code?appleId=${encodeURIComponent(appleId)}`)).json()) as { code: string }).code;
  const prompt = scriptedPrompt([viaHttp]);
  const session = await signIn(opts(appleId, { mfa: { delivery: 'sms', phoneNumberId: 7 } }), testCtx(memorySecrets(), prompt), signal());
  assert.match(prompt.hints[0]!, /SMS to .*77/);
  assert.equal((await whoamiVia(session)).status, 200);
});

test('a wrong code re-prompts; the right one then works', async () => {
  const appleId = await account();
  const prompt = scriptedPrompt(['000000', readPhone(appleId)]);
  await signIn(opts(appleId), testCtx(memorySecrets(), prompt), signal());
  assert.match(prompt.hints[1]!, /^Wrong code/);
});

test('wrong-code lockout after N wrong codes → code-locked', async () => {
  const appleId = await account();
  state.faults.codeLockoutAfter = 2;
  try {
    await fails(signIn(opts(appleId), testCtx(memorySecrets(), scriptedPrompt(['000000', '000001', '000002'])), signal()), 'code-locked', /iforgot|try again/i);
  } finally { state.faults.codeLockoutAfter = 5; }
});

test('wrong codes until attempts run out → wrong-code', async () => {
  const appleId = await account();
  await fails(signIn(opts(appleId, { mfa: { maxCodeAttempts: 2 } }), testCtx(memorySecrets(), scriptedPrompt(['000000', '000001'])), signal()), 'wrong-code', /auth icloud/);
});

test('legacy 2SA account (hsaVersion 1): code through setup, then a verified session', async () => {
  const appleId = await account({ hsaVersion: 1 });
  const session = await signIn(opts(appleId), testCtx(memorySecrets(), scriptedPrompt([readPhone(appleId)])), signal());
  assert.equal((await whoamiVia(session)).status, 200);
});

test('non-2FA "sa" account: 412 → repair/complete → signed in without a code', async () => {
  const appleId = await account({ hsaVersion: 0 });
  const session = await signIn(opts(appleId), testCtx(memorySecrets(), scriptedPrompt([])), signal());
  assert.equal((await whoamiVia(session)).status, 200);
});

test('no prompt available when a code is needed → mfa-required', async () => {
  const appleId = await account();
  const ctx = testCtx(memorySecrets(), { promptCode: async () => { throw new IcloudError('auth-required', 'mfa-required', 'Apple requires a two-factor code; run `photoferry auth icloud <Apple ID>`.'); } });
  await fails(signIn(opts(appleId), ctx, signal()), 'mfa-required', /auth icloud/);
});

const faultCases: Array<[string, Partial<SimAccountInit>, IcloudErrorReason, RegExp]> = [
  ['wrong password', {}, 'wrong-password', /password.*auth icloud/],
  ['Advanced Data Protection on, the request declined on the device', { faults: { adp: true, adpApproval: 'deny' } }, 'pcs-not-approved', /Advanced Data Protection is on.*declined.*approve the prompt on your iPhone/],
  ['"Access iCloud Data on the Web" off', { faults: { webAccessDisabled: true } }, 'web-access-disabled', /Access iCloud Data on the Web.*Settings/],
  ['China-mainland account on the global host', { faults: { domainToUse: 'iCloud.com.cn' } }, 'wrong-region', /iCloud\.com\.cn/],
  ['locked account', { faults: { locked: true } }, 'account-locked', /iforgot/],
  ['security-key (FIDO) account', { faults: { fidoOnly: true } }, 'security-key-unsupported', /security keys/],
  ['iCloud Photos not enabled', { faults: { photosDisabled: true } }, 'photos-not-enabled', /iCloud Photos/],
];
for (const [name, init, reason, next] of faultCases) {
  test(`fault: ${name} → ${reason}`, async () => {
    const appleId = await account(init);
    const password = reason === 'wrong-password' ? 'not-the-password' : PASSWORD;
    const err = await fails(signIn(opts(appleId, { password }), testCtx(memorySecrets(), scriptedPrompt([readPhone(appleId)])), signal()), reason, next);
    assert.equal(err.kind, 'auth-required');
    assert.ok(!err.message.includes(password));
  });
}

test('fault: 503 on signin/init → rate-limited', async () => {
  const appleId = await account();
  state.faults.signinUnavailable = 1;
  const err = await fails(signIn(opts(appleId), testCtx(), signal()), 'rate-limited', /retry/);
  assert.equal(err.kind, 'rate-limited');
});

test('auth status and sign-out: nothing saved, then saved and valid, then logged out', async () => {
  const appleId = await account();
  const secrets = memorySecrets();
  assert.deepEqual((await authStatus(opts(appleId), { secrets }, signal())).saved, false);
  await signIn(opts(appleId), testCtx(secrets, scriptedPrompt([readPhone(appleId)])), signal());
  state.expireSessions(appleId);
  assert.equal((await authStatus(opts(appleId), { secrets }, signal())).valid, false);
  await signOut(opts(appleId), { secrets }, signal());
  const after = await authStatus(opts(appleId), { secrets }, signal());
  assert.equal(after.valid, false);
  assert.equal(after.trusted, true, 'sign-out keeps the 2FA trust unless asked to forget it');
});
