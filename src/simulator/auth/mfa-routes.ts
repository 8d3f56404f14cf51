/** @module Simulated HSA2 second factor: the /appleauth/auth page, trusted-device and SMS codes, 2sv/trust. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SimRequest } from '../types.ts';
import { authJson, bootArgsPage, phoneVerification } from './bodies.ts';
import type { AuthState, SimAccount } from './state.ts';
import { header, newScnt, send, verifyErrors } from './wire.ts';

/** Not in any recording: the service error the simulator uses once code entry is locked. */
export const TOO_MANY_CODES = '-22951';

const codeBody = z.object({ securityCode: z.object({ code: z.string() }), phoneNumber: z.object({ id: z.number() }).optional() });
const phoneBody = z.object({ phoneNumber: z.object({ id: z.number() }), mode: z.enum(['sms', 'voice']).optional() });

type Ctx = { appleId: string; token: string; scnt: string; sessionId: string; account: SimAccount };

/** The idmsa conversation: the client must echo the latest X-Apple-ID-Session-Id and scnt. */
function contextOf(state: AuthState, request: SimRequest): Ctx | null {
  const sessionId = header(request, 'X-Apple-ID-Session-Id') ?? '';
  const ctx = state.contexts.get(sessionId);
  const account = ctx === undefined ? undefined : state.account(ctx.appleId);
  if (ctx === undefined || account === undefined || header(request, 'scnt') !== ctx.scnt) return null;
  return { ...ctx, sessionId, account };
}

/** After a good code: Apple rotates the session token (now second-factor complete) and scnt (2fa_flow_valid_code.yml). */
function rotate(state: AuthState, ctx: Ctx): Record<string, string> {
  const token = state.newIdmsaSession(ctx.appleId, true);
  const scnt = newScnt();
  state.contexts.set(ctx.sessionId, { appleId: ctx.appleId, token, scnt });
  return {
    'X-Apple-Session-Token': token, 'X-Apple-ID-Session-Id': ctx.sessionId, scnt, 'X-Apple-ID-Account-Country': 'USA',
    'X-Apple-OAuth-Grant-Code': randomBytes(12).toString('hex'), 'X-Apple-Auth-Attributes': randomBytes(12).toString('base64url'),
  };
}

const LANG_COOKIES = ['dslang=US-EN; Path=/; HttpOnly', 'site=USA; Path=/; HttpOnly'];

function checkCode(state: AuthState, request: SimRequest, ctx: Ctx, okStatus: number, okBody?: unknown): true {
  const body = codeBody.safeParse(request.body);
  if (!body.success) return send(request, { status: 400, body: {} }, true);
  const verdict = state.checkCode(ctx.appleId, body.data.securityCode.code);
  if (verdict === 'ok') {
    // Mid-2026 (§1.12b.4): a taken code may come back as 409, with a fresh session token or (rclone #9730) without one.
    const answer = state.codeAnswer(ctx.account);
    if (answer === 'none') return send(request, { status: okStatus, body: okBody, headers: rotate(state, ctx), cookies: LANG_COOKIES }, true);
    const conflict = { securityCode: { valid: true }, authenticationType: 'hsa2' };
    if (answer === 'no-token') return send(request, { status: 409, body: conflict, headers: { scnt: ctx.scnt }, cookies: LANG_COOKIES }, true);
    return send(request, { status: 409, body: conflict, headers: { ...rotate(state, ctx), 'X-Apple-Edp': 'true' }, cookies: LANG_COOKIES }, true);
  }
  const [code, title, message] = verdict === 'wrong'
    ? ['-21669', 'Incorrect Verification Code', 'Incorrect verification code.']
    : [TOO_MANY_CODES, 'Too Many Attempts', 'Too many verification codes have been entered. Try again later.'];
  return send(request, { status: 400, body: verifyErrors(code, title, message), headers: { scnt: ctx.scnt, 'X-Apple-I-Ercd': code }, cookies: LANG_COOKIES }, true);
}

function trust(state: AuthState, request: SimRequest, ctx: Ctx): true {
  if (state.idmsa.get(ctx.token)?.secondFactor !== true) return send(request, { status: 401, body: {} }, true);
  const trustToken = state.newTrustToken(ctx.appleId);
  return send(request, {
    status: 204, headers: { ...rotate(state, ctx), 'X-Apple-TwoSV-Trust-Token': trustToken }, cookies: LANG_COOKIES, contentType: 'text/html;charset=UTF-8',
  }, true);
}

/** Routes under /appleauth/auth for the second factor; false for anything else. */
export async function mfaRoutes(state: AuthState, request: SimRequest, path: string): Promise<boolean> {
  const method = request.req.method ?? 'GET';
  const known = ['', '/', '/verify/trusteddevice/securitycode', '/verify/phone', '/verify/phone/securitycode', '/2sv/trust'];
  if (!known.includes(path)) return false;
  const ctx = contextOf(state, request);
  if (ctx === null) return send(request, { status: 401, body: {} }, true);
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET ': case 'GET /': {
      const wantsHtml = (header(request, 'Accept') ?? '').includes('text/html');
      return wantsHtml
        ? send(request, { status: 200, body: bootArgsPage(state, ctx.account), contentType: 'text/html; charset=UTF-8' }, true)
        : send(request, { status: 200, body: authJson(state, ctx.account) }, true);
    }
    case 'PUT /verify/trusteddevice/securitycode':
      state.issueCode(ctx.appleId);
      return send(request, { status: 202, body: { trustedDeviceCount: 1, securityCode: phoneVerification(state, ctx.account).securityCode, phoneNumberVerification: phoneVerification(state, ctx.account) } }, true);
    case 'POST /verify/trusteddevice/securitycode':
      return checkCode(state, request, ctx, 204);
    case 'PUT /verify/phone': {
      const body = phoneBody.safeParse(request.body);
      const phone = body.success ? ctx.account.phones.find((p) => p.id === body.data.phoneNumber.id) : undefined;
      if (phone === undefined) return send(request, { status: 400, body: verifyErrors('-21425', 'Invalid Phone Number', 'The phone number is not a trusted number.') }, true);
      state.issueCode(ctx.appleId);
      return send(request, { status: 200, body: { ...phoneVerification(state, ctx.account, phone), mode: body.success ? body.data.mode ?? 'sms' : 'sms' } }, true);
    }
    case 'POST /verify/phone/securitycode':
      return checkCode(state, request, ctx, 200, phoneVerification(state, ctx.account));
    case 'GET /2sv/trust':
      return trust(state, request, ctx);
    default:
      return send(request, { status: 405, body: {} }, true);
  }
}
