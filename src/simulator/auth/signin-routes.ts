/** @module Simulated idmsa password step: signin/init, signin/complete (SRP), legacy raw-password signin, repair/complete. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { modPow, g, N, passwordKey, computeX } from '../../sources/icloud/auth/srp.ts';
import type { SimRequest } from '../types.ts';
import { fidoChallenge } from './bodies.ts';
import { serverStart, serverVerify } from './srp-server.ts';
import type { AuthState, SimAccount } from './state.ts';
import { header, newScnt, newSessionId, send, serviceErrors, UNAVAILABLE } from './wire.ts';

const initBody = z.object({ a: z.string(), accountName: z.string(), protocols: z.array(z.string()).optional() });
const completeBody = z.object({ accountName: z.string(), c: z.string(), m1: z.string(), m2: z.string(), trustTokens: z.array(z.string()).optional() });
const legacyBody = z.object({ accountName: z.string(), password: z.string(), trustTokens: z.array(z.string()).optional() });

const WRONG_PASSWORD = serviceErrors('-20101', 'Enter the email or phone number and password for your Apple Account.');
const LOCKED = serviceErrors('-20209', 'This Apple Account has been locked for security reasons. Visit iForgot to reset your account (https://iforgot.apple.com).');

const APP_SPECIFIC = serviceErrors('-20283', 'Your Apple Account password is required. App-specific passwords cannot be used here.');

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Headers Apple sends once the password is proven (recorded on signin/complete 200/409/412). */
function signedInHeaders(state: AuthState, account: SimAccount, secondFactor: boolean): Record<string, string> {
  const token = state.newIdmsaSession(account.appleId, secondFactor);
  const sessionId = newSessionId();
  const scnt = newScnt();
  state.contexts.set(sessionId, { appleId: account.appleId, token, scnt });
  return {
    'X-Apple-Session-Token': token, 'X-Apple-ID-Session-Id': sessionId, scnt, 'X-Apple-ID-Account-Country': 'USA',
    'X-Apple-TwoSV-Trust-Eligible': 'true', 'X-Apple-Auth-Attributes': randomBytes(12).toString('base64url'), Location: '/auth',
  };
}

/** After the password: what Apple answers depends on the account's second factor and the trust tokens sent. */
function afterPassword(state: AuthState, request: SimRequest, account: SimAccount, trustTokens: readonly string[]): true {
  if (account.faults.fidoOnly) return send(request, { status: 409, body: fidoChallenge(), headers: signedInHeaders(state, account, false) }, true);
  if (account.hsaVersion === 0 && !account.repaired) {
    return send(request, { status: 412, body: { auth_type: 'sa' }, headers: signedInHeaders(state, account, true) }, true);
  }
  if (account.hsaVersion === 2 && !state.trusted(account.appleId, trustTokens)) {
    // Before iOS 26.4 Apple pushed a code as soon as it asked for one; since then only when the client PUTs for it.
    if (!state.apple2026) state.issueCode(account.appleId);
    return send(request, {
      status: 409,
      body: { authType: 'hsa2', trustedPhoneNumbers: [], securityCode: { length: 6 } },
      headers: { ...signedInHeaders(state, account, false), 'X-Apple-I-Rscd': '409' },
    }, true);
  }
  const trusted = account.hsaVersion !== 1 || state.trusted(account.appleId, trustTokens);
  return send(request, { status: 200, body: { auth_type: account.hsaVersion === 1 ? 'hsa' : account.hsaVersion === 2 ? 'hsa2' : 'sa' }, headers: signedInHeaders(state, account, trusted) }, true);
}

async function init(state: AuthState, request: SimRequest): Promise<true> {
  if (state.faults.signinUnavailable > 0) {
    state.faults.signinUnavailable -= 1;
    return send(request, { status: 503, body: UNAVAILABLE, headers: { scnt: newScnt() } }, true);
  }
  const body = initBody.safeParse(request.body);
  if (!body.success) return send(request, { status: 400, body: {} }, true);
  const account = state.account(body.data.accountName);
  // Unknown accounts get a plausible challenge too, so the answer does not reveal which Apple IDs exist.
  const salt = account?.salt ?? randomBytes(16);
  const verifier = account?.verifier ?? modPow(g, computeX(salt, await passwordKey(randomBytes(8).toString('hex'), salt, 1, 's2k')), N);
  const { b, B } = serverStart(verifier);
  const c = `d-${randomBytes(3).toString('hex')}-${randomBytes(16).toString('hex')}:MSA`;
  const A = BigInt('0x' + (Buffer.from(body.data.a, 'base64').toString('hex') || '0'));
  state.pendingSrp.set(c, { appleId: account?.appleId ?? body.data.accountName, A, b, B });
  return send(request, {
    status: 200,
    body: { iteration: account?.iterations ?? 1000, salt: b64(salt), protocol: account?.protocol ?? 's2k', version: 1, b: b64(Buffer.from(B.toString(16).padStart(512, '0'), 'hex')), c },
    headers: { scnt: newScnt() },
    contentType: 'text/html;charset=UTF-8',
  }, true);
}

function complete(state: AuthState, request: SimRequest): true {
  const body = completeBody.safeParse(request.body);
  if (!body.success) return send(request, { status: 400, body: {} }, true);
  const pending = state.pendingSrp.get(body.data.c);
  state.pendingSrp.delete(body.data.c);
  const account = state.account(body.data.accountName);
  if (pending === undefined || account === undefined || pending.appleId !== account.appleId) {
    return send(request, { status: 401, body: WRONG_PASSWORD, headers: { scnt: newScnt() } }, true);
  }
  if (account.faults.locked) return send(request, { status: 403, body: LOCKED, headers: { scnt: newScnt() } }, true);
  if (state.apple2026 && account.faults.appSpecificPassword) return send(request, { status: 401, body: APP_SPECIFIC, headers: { scnt: newScnt() } }, true);
  const ok = serverVerify({
    accountName: body.data.accountName, salt: account.salt, verifier: account.verifier, A: pending.A, b: pending.b, B: pending.B,
    m1: Buffer.from(body.data.m1, 'base64'), m2: Buffer.from(body.data.m2, 'base64'),
  });
  if (!ok) return send(request, { status: 401, body: WRONG_PASSWORD, headers: { scnt: newScnt() } }, true);
  return afterPassword(state, request, account, body.data.trustTokens ?? []);
}

/** The deprecated raw-password signin: failure hides behind 200 + X-Apple-I-Rscd (and a text/html label), as in failed_auth.yml. */
async function legacy(state: AuthState, request: SimRequest): Promise<true> {
  const answer = (headers: Record<string, string>) =>
    send(request, { status: 200, body: {}, headers, contentType: 'text/html;charset=UTF-8' }, true);
  const body = legacyBody.safeParse(request.body);
  const account = body.success ? state.account(body.data.accountName) : undefined;
  if (!body.success || account === undefined) return answer({ 'X-Apple-I-Rscd': '401', scnt: newScnt() });
  const candidate = modPow(g, computeX(account.salt, await passwordKey(body.data.password, account.salt, account.iterations, account.protocol)), N);
  const a = Buffer.from(candidate.toString(16)); const v = Buffer.from(account.verifier.toString(16));
  if (a.length !== v.length || !timingSafeEqual(a, v)) return answer({ 'X-Apple-I-Rscd': '401', scnt: newScnt() });
  if (account.faults.locked) return answer({ 'X-Apple-I-Rscd': '403', scnt: newScnt() });
  const needsCode = account.hsaVersion === 2 && !state.trusted(account.appleId, body.data.trustTokens ?? []);
  if (needsCode && !state.apple2026) state.issueCode(account.appleId);
  return answer({ ...signedInHeaders(state, account, !needsCode), 'X-Apple-I-Rscd': needsCode ? '409' : '200' });
}

function repair(state: AuthState, request: SimRequest): true {
  const ctx = state.contexts.get(header(request, 'X-Apple-ID-Session-Id') ?? '');
  const account = ctx === undefined ? undefined : state.account(ctx.appleId);
  if (ctx === undefined || account === undefined || ctx.scnt !== header(request, 'scnt')) return send(request, { status: 401, body: {} }, true);
  account.repaired = true;
  return send(request, { status: 200, body: '', contentType: 'application/json;charset=UTF-8', headers: { scnt: ctx.scnt, 'X-Apple-Session-Token': ctx.token } }, true);
}

/** Routes under /appleauth/auth for the password step; false for anything else. */
export async function signinRoutes(state: AuthState, request: SimRequest, path: string): Promise<boolean> {
  if (request.req.method !== 'POST') return false;
  switch (path) {
    case '/signin/init': return init(state, request);
    case '/signin/complete': return complete(state, request);
    case '/signin': return legacy(state, request);
    case '/repair/complete': return repair(state, request);
    default: return false;
  }
}
