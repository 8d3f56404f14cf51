/** @module Simulated setup.icloud.com: validate, accountLogin (web session cookies), logout, and the legacy 2SA endpoints. */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SimRequest } from '../types.ts';
import { accountLoginBody, validate421Body } from './bodies.ts';
import { TOO_MANY_CODES } from './mfa-routes.ts';
import { requestPcs } from './pcs-routes.ts';
import type { AuthState, SimAccount } from './state.ts';
import { send, setCookie, UNAVAILABLE } from './wire.ts';

const loginBody = z.object({ dsWebAuthToken: z.string().optional(), trustToken: z.string().optional(), accountCountryCode: z.string().optional() });

const bases = (request: SimRequest) => {
  const origin = `http://${request.req.headers.host ?? '127.0.0.1'}`;
  return { setup: `${origin}/setup/ws/1`, auth: `${origin}/appleauth/auth` };
};

/** The cookie set of the recorded accountLogin; HSA-LOGIN carries Apple's 1970 Expires on purpose. */
function webCookies(state: AuthState, account: SimAccount, webToken: string, trustExpires: number | null): string[] {
  const expires = state.now() + state.sessionTtlMs;
  const id = createHash('sha1').update(account.appleId).digest('base64url').slice(0, 26).toUpperCase();
  const v = (s: string) => `v=1:t=${s}~~`;
  const cookies = [
    setCookie('X-APPLE-UNIQUE-CLIENT-ID', randomBytes(2).toString('base64'), undefined, false),
    setCookie('X-APPLE-WEBAUTH-LOGIN', v(randomBytes(8).toString('base64url'))),
    setCookie('X-APPLE-WEBAUTH-VALIDATE', v(randomBytes(8).toString('base64url')), undefined, false),
    setCookie('X-APPLE-WEBAUTH-HSA-LOGIN', v(randomBytes(8).toString('base64url')), 1_000_000),
    setCookie('X-APPLE-WEBAUTH-USER', `v=1:s=1:d=${account.dsid}`, expires),
    setCookie('X-APPLE-WEBAUTH-TOKEN', webToken, expires),
    setCookie('X-APPLE-DS-WEB-SESSION-TOKEN', randomBytes(16).toString('base64'), expires),
  ];
  if (trustExpires !== null) {
    cookies.push(setCookie(`X-APPLE-WEBAUTH-HSA-TRUST-${id}`, v(randomBytes(8).toString('base64url')), trustExpires));
    cookies.push(setCookie(`X_APPLE_WEB_KB-${id}`, v(randomBytes(8).toString('base64url')), trustExpires));
  }
  if (trustExpires !== null && !account.faults.adp) {
    for (const svc of ['Photos', 'Sharing']) cookies.push(setCookie(`X-APPLE-WEBAUTH-PCS-${svc}`, randomBytes(12).toString('base64'), expires));
  }
  return cookies;
}

function accountLogin(state: AuthState, request: SimRequest): true {
  const body = loginBody.safeParse(request.body);
  const token = body.success ? body.data.dsWebAuthToken ?? '' : '';
  if (token === '') return send(request, { status: 421, body: { success: false, error: 'Missing apple_id field' } });
  const idmsa = state.idmsa.get(token);
  const account = idmsa === undefined ? undefined : state.account(idmsa.appleId);
  if (idmsa === undefined || account === undefined) return send(request, { status: 421, body: { success: false, error: 'Invalid Session Token' } });
  if (account.faults.domainToUse !== null) return send(request, { status: 200, body: { domainToUse: account.faults.domainToUse } });
  const trustToken = body.success ? body.data.trustToken ?? '' : '';
  const trustEntry = state.trustTokens.get(trustToken);
  const trustValid = trustEntry !== undefined && trustEntry.appleId === account.appleId && trustEntry.expiresAt > state.now();
  if (trustValid && account.hsaVersion === 2) idmsa.secondFactor = true;
  const verified = account.hsaVersion === 0 || idmsa.secondFactor;
  const webToken = state.newWebSession(account, token, verified);
  return send(request, {
    status: 200,
    body: accountLoginBody(state, account, verified, bases(request)),
    cookies: webCookies(state, account, webToken, verified && trustValid ? trustEntry.expiresAt : null),
  });
}

function validate(state: AuthState, request: SimRequest): true {
  if (state.faults.validateUnavailable > 0) {
    state.faults.validateUnavailable -= 1;
    return send(request, { status: 503, body: UNAVAILABLE });
  }
  const session = state.webSessionOf(request);
  const account = session === null ? undefined : state.account(session.appleId);
  if (session === null || account === undefined) return send(request, { status: 421, body: validate421Body(bases(request)) });
  return send(request, { status: 200, body: accountLoginBody(state, account, session.verified, bases(request)) });
}

/** Legacy 2SA (hsaVersion 1): list devices, send a code, validate it; success completes the web session. */
function twoStep(state: AuthState, request: SimRequest, path: string): true {
  const session = state.webSessionOf(request);
  const account = session === null ? undefined : state.account(session.appleId);
  if (session === null || account === undefined) return send(request, { status: 421, body: validate421Body(bases(request)) });
  const devices = account.phones.map((p) => ({ deviceType: 'SMS', areaCode: '', phoneNumber: `*******${p.number.replace(/\D/g, '').slice(-2)}`, deviceId: String(p.id) }));
  if (path === '/listDevices') return send(request, { status: 200, body: { devices } });
  if (path === '/sendVerificationCode') {
    state.issueCode(account.appleId);
    return send(request, { status: 200, body: { success: true } });
  }
  const code = z.object({ verificationCode: z.string() }).safeParse(request.body);
  const verdict = code.success ? state.checkCode(account.appleId, code.data.verificationCode) : 'wrong';
  if (verdict === 'ok') {
    session.verified = true;
    const idmsa = state.idmsa.get(session.idmsaToken);
    if (idmsa !== undefined) idmsa.secondFactor = true;
    return send(request, { status: 200, body: { success: true } });
  }
  return send(request, {
    status: 200,
    body: verdict === 'wrong'
      ? { success: false, errorTitle: 'Invalid Code', errorMessage: 'The code you entered is not valid.', errorCode: -21669 }
      : { success: false, errorTitle: 'Too Many Attempts', errorMessage: 'Too many verification codes have been entered.', errorCode: Number(TOO_MANY_CODES) },
  });
}

function logout(state: AuthState, request: SimRequest): true {
  const session = state.webSessionOf(request);
  if (session === null) return send(request, { status: 421, body: validate421Body(bases(request)) });
  for (const [t, s] of state.web) if (s === session) state.web.delete(t);
  return send(request, { status: 200, body: { success: true } });
}

/** Routes under /setup/ws/1; false for anything else. */
export async function setupRoutes(state: AuthState, request: SimRequest, path: string): Promise<boolean> {
  const key = `${request.req.method ?? 'GET'} ${path}`;
  switch (key) {
    case 'POST /accountLogin': return accountLogin(state, request);
    case 'POST /validate': return validate(state, request);
    case 'POST /logout': return logout(state, request);
    case 'POST /requestPCS': return requestPcs(state, request);
    case 'GET /listDevices': case 'POST /sendVerificationCode': case 'POST /validateVerificationCode': return twoStep(state, request, path);
    default: return false;
  }
}
