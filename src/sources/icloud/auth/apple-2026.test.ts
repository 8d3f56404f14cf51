/** @module The sign-in client against the auth simulator in its 2026 mode: code only after the PUT, bridge phones, 409 code answers, -20283, ADP approval. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { authRoutes, createAuthState, type AuthState, type SimAccountInit } from '../../../simulator/auth/index.ts';
import { startShell, type TestShell } from '../../../simulator/auth/testing/shell.ts';
import { signIn, type SignInOptions } from './index.ts';
import { sessionKey } from './session-store.ts';
import { memorySecrets, scriptedPrompt, testCtx } from './testing/fakes.ts';
import { IcloudError, type IcloudErrorReason } from '../errors.ts';

let state: AuthState;
let shell: TestShell;
const PASSWORD = 'hunter2-Secret!';
const signal = () => AbortSignal.timeout(20_000);
let n = 0;

before(async () => {
  state = await createAuthState({ apple2026: true });
  shell = await startShell([authRoutes(state)]);
  state.ckdatabaseUrl = `${shell.url}/ck`;
});
after(() => shell.close());

async function account(init: Partial<SimAccountInit> = {}) {
  const appleId = `User${++n}@Example.com`;
  await state.addAccount({ appleId, password: PASSWORD, iterations: 500, ...init });
  return appleId;
}

const opts = (appleId: string, extra: Partial<SignInOptions> = {}): SignInOptions =>
  ({ appleId, password: PASSWORD, authUrl: `${shell.url}/appleauth/auth`, setupUrl: `${shell.url}/setup/ws/1`, pcs: { pollIntervalMs: 20, maxWaitMs: 400 }, ...extra });

async function fails(p: Promise<unknown>, reason: IcloudErrorReason, next: RegExp): Promise<IcloudError> {
  const err = await p.then(() => assert.fail('expected failure'), (e: unknown) => e);
  assert.ok(err instanceof IcloudError, String(err));
  assert.equal(err.reason, reason, err.message);
  assert.match(err.message, next);
  return err;
}

test('no code exists until the client PUTs for it; the mixed-case Apple ID signs in (lower-cased for SRP)', async () => {
  const appleId = await account();
  let seenAtPrompt: string | undefined;
  const prompt = scriptedPrompt([() => (seenAtPrompt = state.lastCode(appleId) ?? 'none')]);
  const session = await signIn(opts(appleId), testCtx(memorySecrets(), prompt), signal());
  assert.match(seenAtPrompt ?? '', /^\d{6}$/, 'the PUT made Apple send a code before the prompt');
  assert.match(prompt.hints[0]!, /Apple sent a code to your trusted Apple devices/);
  assert.match(prompt.hints[0]!, /type "sms"/, 'the SMS route is offered');
  assert.ok(session.dsid.length > 0);
});

test('without the PUT (simulated old client) no code would ever arrive', async () => {
  const appleId = await account();
  const prompt = scriptedPrompt([() => state.lastCode(appleId) ?? 'none']);
  // Apple 2026 never pushed by itself: before the client asked, nothing was issued.
  assert.equal(state.lastCode(appleId), undefined);
  await signIn(opts(appleId), testCtx(memorySecrets(), prompt), signal());
});

test('"sms" at the prompt: the code goes by SMS to a phone read from bridgeInitiateData', async () => {
  const appleId = await account({ phones: [{ id: 3, number: '+1 555 0133' }, { id: 9, number: '+1 555 0199' }] });
  const prompt = scriptedPrompt(['sms9', () => state.lastCode(appleId) ?? 'none']);
  await signIn(opts(appleId), testCtx(memorySecrets(), prompt), signal());
  assert.match(prompt.hints[1]!, /SMS to .*99/);
});

test('--phone by last digits picks the bridge phone', async () => {
  const appleId = await account({ phones: [{ id: 3, number: '+1 555 0133' }, { id: 9, number: '+1 555 0199' }] });
  const prompt = scriptedPrompt([() => state.lastCode(appleId) ?? 'none']);
  await signIn(opts(appleId, { mfa: { phone: '99' } }), testCtx(memorySecrets(), prompt), signal());
  assert.match(prompt.hints[0]!, /SMS to .*99/);
});

test('a valid code answered 409 with a session token is success; the trust token is saved', async () => {
  const appleId = await account({ faults: { code409: 'token' } });
  const secrets = memorySecrets();
  await signIn(opts(appleId), testCtx(secrets, scriptedPrompt([() => state.lastCode(appleId) ?? 'none'])), signal());
  const saved = JSON.parse(secrets.map.get(sessionKey(appleId))!) as { trustToken?: string };
  assert.ok(saved.trustToken?.startsWith('trust-'));
});

test('a valid code answered 409 without a token → a clear error naming the SMS route', async () => {
  const appleId = await account({ faults: { code409: 'no-token' } });
  await fails(signIn(opts(appleId), testCtx(memorySecrets(), scriptedPrompt([() => state.lastCode(appleId) ?? 'none'])), signal()),
    'code-conflict', /409.*SMS route.*--phone 1/);
});

test('an app-specific password → -20283 → "use your Apple ID password"', async () => {
  const appleId = await account({ faults: { appSpecificPassword: true } });
  await fails(signIn(opts(appleId), testCtx(), signal()), 'app-specific-password', /use your Apple ID password, not an app-specific password/);
});

test('ADP: approved on the device after two polls → signed in, PCS cookies kept in the vault', async () => {
  const appleId = await account({ faults: { adp: true, adpApproval: 'grant', adpApproveAfterPolls: 2 } });
  const secrets = memorySecrets();
  const notices: string[] = [];
  const prompt = scriptedPrompt([() => state.lastCode(appleId) ?? 'none']);
  // a generous wait: approval ends it anyway, and under load three polls may take longer than the default 400 ms
  await signIn(opts(appleId, { pcs: { pollIntervalMs: 20, maxWaitMs: 15_000 } }), testCtx(secrets, { ...prompt, notice: (x) => notices.push(x.kind) }), signal());
  assert.deepEqual(notices, ['approve-on-device', 'approve-on-device', 'approved']);
  const saved = secrets.map.get(sessionKey(appleId))!;
  assert.match(saved, /X-APPLE-WEBAUTH-PCS-Photos/);
  assert.match(saved, /X-APPLE-WEBAUTH-PCS-Sharing/);
});

test('ADP: declined on the device, or never answered → pcs-not-approved, nothing saved', async () => {
  const declined = await account({ faults: { adp: true, adpApproval: 'deny' } });
  const secrets = memorySecrets();
  await fails(signIn(opts(declined), testCtx(secrets, scriptedPrompt([() => state.lastCode(declined) ?? 'none'])), signal()),
    'pcs-not-approved', /declined on your trusted device/);
  assert.equal(secrets.map.size, 0, 'no session or password stored');

  const silent = await account({ faults: { adp: true, adpApproval: 'pending' } });
  const started = Date.now();
  await fails(signIn(opts(silent), testCtx(memorySecrets(), scriptedPrompt([() => state.lastCode(silent) ?? 'none'])), signal()),
    'pcs-not-approved', /within 0 s|within \d+ s/);
  assert.ok(Date.now() - started < 15_000, 'gave up after the configured wait');
});

test('the 2026 mode off: Apple pushes at once again (recorded behaviour), phones in the old place', async () => {
  state.apple2026 = false;
  try {
    const appleId = await account({ phones: [{ id: 4, number: '+1 555 0144' }] });
    const prompt = scriptedPrompt([() => state.lastCode(appleId) ?? 'none']);
    await signIn(opts(appleId, { mfa: { phone: '4' } }), testCtx(memorySecrets(), prompt), signal());
    assert.match(prompt.hints[0]!, /SMS to .*44/);
  } finally {
    state.apple2026 = true;
  }
});
