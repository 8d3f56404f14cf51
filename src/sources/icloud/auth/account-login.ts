/** @module setup.icloud.com: validate a saved web session, accountLogin with the idmsa token, and what the answer tells us. */
import type { AppleHttp } from './http.ts';
import { failure, readBody } from './http.ts';
import { accountLoginSchema, setupFailureSchema, type AccountLogin } from './schemas.ts';
import { icloudErrors, fromAppleResponse, IcloudError } from '../errors.ts';
import type { WebService } from '../session.ts';

function parseLogin(what: string, body: unknown): AccountLogin {
  const failureBody = setupFailureSchema.safeParse(body);
  // A China-mainland account on the global host gets {"domainToUse": "iCloud.com.cn"} and nothing usable.
  if (failureBody.success && failureBody.data.domainToUse !== undefined) throw icloudErrors.wrongRegion(failureBody.data.domainToUse);
  const parsed = accountLoginSchema.safeParse(body);
  if (!parsed.success) throw icloudErrors.unexpected(`${what}: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
  return parsed.data;
}

const sessionGone = (appleId: string, error: string | undefined) =>
  new IcloudError('auth-required', 'session-expired', icloudErrors.sessionExpired(appleId).message, { cause: error });

/**
 * POST /accountLogin with the idmsa session token. Throws auth-required when Apple no longer honours the
 * token ("Invalid Session Token", "Missing apple_id field"), and the typed errors for unusable accounts.
 */
export async function accountLogin(http: AppleHttp, appleId: string, signal: AbortSignal): Promise<AccountLogin> {
  const token = http.state.sessionToken;
  if (token === undefined) throw sessionGone(appleId, 'no session token');
  const response = await http.send('setup', `${http.setupUrl}/accountLogin`, {
    method: 'POST', signal,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      accountCountryCode: http.state.accountCountry ?? '',
      dsWebAuthToken: token,
      extended_login: true,
      trustToken: http.state.trustToken ?? '',
    }),
  });
  if (response.ok) return parseLogin('accountLogin', await readBody(response));
  const err = await failure('accountLogin', response);
  const body = setupFailureSchema.safeParse(err.body);
  if (body.success && body.data.domainToUse !== undefined) throw icloudErrors.wrongRegion(body.data.domainToUse);
  if ([401, 403, 421, 450].includes(response.status) || (body.success && body.data.success === false)) {
    throw sessionGone(appleId, body.success ? body.data.error : undefined);
  }
  throw fromAppleResponse(err);
}

/**
 * POST /validate (body `null`) with the saved cookies. Null when the web session is gone (421/401/450);
 * throws rate-limited on 503/429, since then SRP would be refused as well.
 */
export async function validate(http: AppleHttp, signal: AbortSignal): Promise<AccountLogin | null> {
  const response = await http.send('setup', `${http.setupUrl}/validate`, { method: 'POST', body: 'null', signal });
  if (response.ok) return parseLogin('validate', await readBody(response));
  if ([401, 403, 421, 450].includes(response.status)) {
    await response.body?.cancel();
    return null;
  }
  throw fromAppleResponse(await failure('validate', response));
}

/** The decision rules of icloudpd/pyicloud: HSA2 needs a code until the browser is trusted. */
export const requires2fa = (login: AccountLogin): boolean =>
  login.dsInfo.hsaVersion === 2 && (login.hsaChallengeRequired === true || login.hsaTrustedBrowser !== true);

export const requires2sa = (login: AccountLogin): boolean =>
  (login.dsInfo.hsaVersion ?? 0) >= 1 && (login.hsaChallengeRequired === true || login.hsaTrustedBrowser !== true);

/** Throws the typed error for an account photoferry cannot read (checked before asking for a 2FA code). */
export function checkAccount(login: AccountLogin, appleId?: string): void {
  if (login.domainToUse !== undefined) throw icloudErrors.wrongRegion(login.domainToUse);
  if (login.dsInfo.locked === true) throw icloudErrors.accountLocked(appleId);
  if (login.dsInfo.isWebAccessAllowed === false) throw icloudErrors.webAccessDisabled();
  if (login.termsUpdateNeeded === true) throw icloudErrors.termsUpdateNeeded();
}

/**
 * ADP (§1.12b.6): Photos needs the PCS cookies Apple hands out after the user approves on a trusted device.
 * Apple marks CloudKit `pcsRequired` for every account; only with iCDPEnabled is the approval really needed.
 */
export const needsPcs = (login: AccountLogin): boolean =>
  (login.iCDPEnabled === true || login.dsInfo.iCDPEnabled === true) && login.webservices.ckdatabasews?.pcsRequired !== false;

/** Photos needs CloudKit; an account without it has iCloud Photos switched off or never set up. */
export function checkPhotos(login: AccountLogin): void {
  const ck = login.webservices.ckdatabasews;
  if (ck?.url === undefined || (ck.status !== undefined && ck.status !== 'active')) throw icloudErrors.photosNotEnabled();
}

export function webservicesOf(login: AccountLogin): Record<string, WebService> {
  const out: Record<string, WebService> = {};
  for (const [name, ws] of Object.entries(login.webservices)) {
    if (ws.url !== undefined) out[name] = ws.status === undefined ? { url: ws.url } : { url: ws.url, status: ws.status };
  }
  return out;
}
