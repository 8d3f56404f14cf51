/** @module Shape conformance: the auth simulator's answers vs. the recorded Apple answers for the same requests. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCassette, recordedJson, shapeDiff } from '../../../test/fixtures/icloud/cassette-replayer.ts';
import { signIn, type SignInOptions } from '../../sources/icloud/auth/index.ts';
import { memorySecrets, scriptedPrompt, testCtx } from '../../sources/icloud/auth/testing/fakes.ts';
import { authRoutes, createAuthState, type AuthState, type SimAccountInit } from './index.ts';
import { startShell, type TestShell } from './testing/shell.ts';

interface Seen { method: string; path: string; status: number; headers: Headers; text: string }

let state: AuthState;
let shell: TestShell;
let n = 0;
const PASSWORD = 'pw-for-conformance';

before(async () => {
  state = await createAuthState({ apple2026: false }); // the recordings predate 2026
  shell = await startShell([authRoutes(state)]);
  state.ckdatabaseUrl = `${shell.url}/ck`;
});
after(() => shell.close());

/** Runs the real client against the simulator and keeps every answer the simulator gave. */
async function drive(init: Partial<SimAccountInit>, extra: Partial<SignInOptions> = {}, codes: Array<string | ((h: string) => string)> = []): Promise<Seen[]> {
  const appleId = `shape${++n}@example.com`;
  await state.addAccount({ appleId, password: PASSWORD, iterations: 300, ...init });
  const seen: Seen[] = [];
  const fetchAndKeep = async (url: string, req: RequestInit) => {
    const r = await fetch(url, req);
    seen.push({ method: req.method ?? 'GET', path: new URL(url).pathname, status: r.status, headers: r.headers, text: await r.clone().text() });
    return r;
  };
  const answers = codes.map((c) => (c === 'CODE' ? () => state.lastCode(appleId) ?? '' : c));
  await signIn({ appleId, password: PASSWORD, authUrl: `${shell.url}/appleauth/auth`, setupUrl: `${shell.url}/setup/ws/1`, fetch: fetchAndKeep, ...extra },
    testCtx(memorySecrets(), scriptedPrompt(answers)), AbortSignal.timeout(20_000)).catch(() => undefined);
  return seen;
}

const bootArgs = (html: string) => JSON.parse(/class="boot_args">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? 'null') as unknown;
const mediaType = (h: string | null | undefined) => (h ?? '').split(';')[0]!.trim().toLowerCase();

/** Status, media type, key headers and body shape of the simulator's answer vs. the n-th recorded one for the same method+path. */
function conforms(seen: Seen[], cassette: string, method: string, path: string, keyHeaders: readonly string[], required: readonly string[] = [], nth: number | { sim: number; rec: number } = 0): void {
  const at = typeof nth === 'number' ? { sim: nth, rec: nth } : nth;
  const sim = seen.filter((s) => s.method === method && s.path === path)[at.sim];
  assert.ok(sim, `simulator saw no ${method} ${path}`);
  const rec = loadCassette(cassette).interactions.filter((i) => i.request.method === method && new URL(i.request.uri).pathname === path)[at.rec];
  assert.ok(rec, `${cassette} has no ${method} ${path}`);
  const where = `${method} ${path} vs ${cassette}`;
  assert.equal(sim.status, rec.response.status, `${where}: status`);
  const recHeaders = Object.fromEntries(Object.entries(rec.response.headers).map(([k, v]) => [k.toLowerCase(), v.join(', ')]));
  if (sim.status !== 204) assert.equal(mediaType(sim.headers.get('content-type')), mediaType(recHeaders['content-type']), `${where}: content type`);
  for (const h of keyHeaders) {
    assert.ok(h.toLowerCase() in recHeaders, `${where}: recording lacks ${h} (test bug)`);
    assert.ok(sim.headers.has(h), `${where}: simulator lacks header ${h}`);
  }
  const recText = typeof rec.response.body === 'string' ? rec.response.body : Buffer.from(rec.response.body).toString('utf8');
  const [a, r] = recText.includes('boot_args') ? [bootArgs(sim.text), bootArgs(recText)] : [recordedJson(sim.text), recordedJson(recText)];
  if (sim.status === 204) assert.equal(sim.text, '', `${where}: 204 has no body`); // the recordings' "{}" on 204s is a vcrpy artifact
  else if (r === null) assert.equal(sim.text.trim(), recText.trim(), `${where}: text body`);
  else assert.deepEqual(shapeDiff(a, r, required), [], `${where}: body shape`);
}

const LOGIN_FIELDS = ['dsInfo.dsid', 'dsInfo.hsaVersion', 'dsInfo.isWebAccessAllowed', 'dsInfo.iCDPEnabled', 'hsaChallengeRequired', 'hsaTrustedBrowser',
  'iCDPEnabled', 'webservices.ckdatabasews.url', 'webservices.ckdatabasews.status'];

test('HSA2 flow: init, GET /appleauth/auth (boot_args), accountLogin, securitycode 204, 2sv/trust 204 match 2fa_flow_valid_code', async () => {
  const seen = await drive({}, {}, ['CODE']);
  const c = '2fa_flow_valid_code';
  conforms(seen, c, 'POST', '/appleauth/auth/signin/init', ['scnt'], ['iteration', 'salt', 'protocol', 'b', 'c']);
  conforms(seen, c, 'GET', '/appleauth/auth', [], ['direct.twoSV.phoneNumberVerification.trustedPhoneNumbers', 'direct.twoSV.phoneNumberVerification.securityCode.length']);
  conforms(seen, c, 'POST', '/setup/ws/1/accountLogin', ['set-cookie'], LOGIN_FIELDS);
  conforms(seen, c, 'POST', '/appleauth/auth/verify/trusteddevice/securitycode', ['scnt', 'X-Apple-Session-Token', 'X-Apple-ID-Session-Id', 'X-Apple-OAuth-Grant-Code']);
  conforms(seen, c, 'GET', '/appleauth/auth/2sv/trust', ['X-Apple-TwoSV-Trust-Token', 'X-Apple-Session-Token', 'scnt']);
  conforms(seen, c, 'POST', '/setup/ws/1/accountLogin', ['set-cookie'], LOGIN_FIELDS, 1);
  const login = JSON.parse(seen.filter((s) => s.path.endsWith('/accountLogin'))[1]!.text) as { hsaTrustedBrowser: boolean };
  assert.equal(login.hsaTrustedBrowser, true);
});

test('signin/complete 200 for a trusted sign-in matches the recorded 200 (auth_requires_2fa)', async () => {
  const seen = await drive({ hsaVersion: 0 }, {}, []);
  // An "sa" account answers 412 first; compare that one with auth_non_2fa, and repair/complete too.
  conforms(seen, 'auth_non_2fa', 'POST', '/appleauth/auth/signin/complete', ['scnt', 'X-Apple-Session-Token', 'X-Apple-ID-Session-Id', 'X-Apple-ID-Account-Country', 'X-Apple-TwoSV-Trust-Eligible'], ['auth_type']);
  conforms(seen, 'auth_non_2fa', 'POST', '/appleauth/auth/repair/complete', []);
  const hsa1 = await drive({ hsaVersion: 1 }, {}, ['CODE']);
  conforms(hsa1, 'auth_requires_2fa', 'POST', '/appleauth/auth/signin/complete', ['scnt', 'X-Apple-Session-Token', 'X-Apple-ID-Session-Id', 'X-Apple-ID-Account-Country'], ['auth_type']);
});

test('wrong code: 400 service_errors -21669 with X-Apple-I-Ercd (2fa_flow_invalid_code)', async () => {
  const seen = await drive({}, { mfa: { maxCodeAttempts: 1 } }, ['999999x']);
  conforms(seen, '2fa_flow_invalid_code', 'POST', '/appleauth/auth/verify/trusteddevice/securitycode', ['X-Apple-I-Ercd', 'scnt'], ['service_errors', 'hasError']);
});

test('wrong password: signin/complete 401 serviceErrors, legacy signin 200 + X-Apple-I-Rscd (failed_auth)', async () => {
  const appleId = `wrongpw${++n}@example.com`;
  await state.addAccount({ appleId, password: 'the-real-one', iterations: 300 });
  const seen: Seen[] = [];
  await signIn({ appleId, password: PASSWORD, authUrl: `${shell.url}/appleauth/auth`, setupUrl: `${shell.url}/setup/ws/1`,
    fetch: async (url, req) => { const r = await fetch(url, req); seen.push({ method: req.method ?? 'GET', path: new URL(url).pathname, status: r.status, headers: r.headers, text: await r.clone().text() }); return r; } },
  testCtx(), AbortSignal.timeout(20_000)).catch(() => undefined);
  conforms(seen, 'failed_auth', 'POST', '/appleauth/auth/signin/complete', ['scnt'], ['serviceErrors']);
  conforms(seen, 'failed_auth', 'POST', '/appleauth/auth/signin', ['X-Apple-I-Rscd', 'scnt']);
});

test('503 on signin/init: text body "Service Temporary Unavailable" (failed_auth_503)', async () => {
  state.faults.signinUnavailable = 1;
  conforms(await drive({}), 'failed_auth_503', 'POST', '/appleauth/auth/signin/init', ['scnt']);
});

test('validate: 421 without a session (errors/failed_auth), 200 account body with one (successful_auth)', async () => {
  const secrets = memorySecrets();
  const appleId = `validate${++n}@example.com`;
  await state.addAccount({ appleId, password: PASSWORD, iterations: 300, hsaVersion: 0 });
  const base = { appleId, password: PASSWORD, authUrl: `${shell.url}/appleauth/auth`, setupUrl: `${shell.url}/setup/ws/1` };
  await signIn(base, testCtx(secrets), AbortSignal.timeout(20_000));
  const seen: Seen[] = [];
  const keep = async (url: string, req: RequestInit) => { const r = await fetch(url, req); seen.push({ method: req.method ?? 'GET', path: new URL(url).pathname, status: r.status, headers: r.headers, text: await r.clone().text() }); return r; };
  await signIn({ ...base, fetch: keep }, testCtx(secrets), AbortSignal.timeout(20_000));
  conforms(seen, 'successful_auth', 'POST', '/setup/ws/1/validate', [], LOGIN_FIELDS.filter((f) => f !== 'dsInfo.hsaVersion'));
  state.expireSessions(appleId);
  await signIn({ ...base, fetch: keep }, testCtx(secrets), AbortSignal.timeout(20_000));
  conforms(seen, 'errors/failed_auth', 'POST', '/setup/ws/1/validate', [], ['success', 'error'], { sim: 1, rec: 0 });
});

test('legacy 2SA: listDevices and sendVerificationCode shapes (errors/2sa_flow_failed_send_code)', async () => {
  const seen = await drive({ hsaVersion: 1 }, {}, ['CODE']);
  conforms(seen, 'errors/2sa_flow_failed_send_code', 'GET', '/setup/ws/1/listDevices', [], ['devices']);
  conforms(seen, 'errors/2sa_flow_failed_send_code', 'POST', '/setup/ws/1/sendVerificationCode', [], ['success']);
});
