/** @module idmsa password step: signin/init → signin/complete (SRP), repair for "sa" accounts, legacy raw-password fallback. */
import { randomBytes } from 'node:crypto';
import type { AppleHttp } from './http.ts';
import { failure, readBody } from './http.ts';
import { challengeSchema, serviceErrorsSchema, signinInitSchema } from './schemas.ts';
import { clientProof, fromBytes, startClient, toBytes, type RandomBytes } from './srp.ts';
import { fromAppleResponse, icloudErrors, IcloudError } from '../errors.ts';

/** Apple's "bad credentials" service error on signin/complete. */
export const WRONG_PASSWORD_CODE = '-20101';
/** Apple's "account locked for security reasons" service error. */
export const ACCOUNT_LOCKED_CODE = '-20209';
/** 2026: SRP refuses app-specific passwords with this service error. */
export const APP_SPECIFIC_PASSWORD_CODE = '-20283';

/** Apple lower-cases the Apple ID before SRP (icloudpd, rclone 2026): a capitalised one would fail the proof. */
export const srpAccountName = (appleId: string) => appleId.trim().toLowerCase();

export interface PasswordStepOptions {
  readonly appleId: string;
  readonly password: string;
  readonly random?: RandomBytes;
  /** Retry a rejected SRP proof with the deprecated raw-password endpoint, as the recorded clients did. */
  readonly legacyFallback: boolean;
}

export interface PasswordStepResult {
  /** Apple answered 409: the password is right and a second factor is due. */
  readonly challenged: boolean;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const rscd = (r: Response) => r.headers.get('x-apple-i-rscd');

function serviceErrorCodes(body: unknown): string[] {
  const parsed = serviceErrorsSchema.safeParse(body);
  return parsed.success ? parsed.data.map((e) => e.code) : [];
}

/** 403: kei saw it for unknown accounts and for throttled ones; only a locked account is told apart. */
async function rejectCredentials(appleId: string, response: Response): Promise<never> {
  if ((serviceErrorCodes(await readBody(response))).includes(ACCOUNT_LOCKED_CODE)) throw icloudErrors.accountLocked(appleId);
  throw icloudErrors.wrongPassword(appleId);
}

async function init(http: AppleHttp, accountName: string, A: bigint, signal: AbortSignal) {
  const response = await http.send('idmsa', `${http.authUrl}/signin/init`, {
    method: 'POST', signal,
    body: JSON.stringify({ a: b64(toBytes(A)), accountName, protocols: ['s2k', 's2k_fo'] }),
  });
  if (response.status === 401) {
    // kei: a 401 here means a stale idmsa context, not a bad password; retrying later fixes it.
    await response.body?.cancel();
    throw new IcloudError('transient', 'unavailable', 'Apple refused to start the sign-in (stale sign-in context); will retry.');
  }
  if (!response.ok) throw fromAppleResponse(await failure('signin/init', response));
  const parsed = signinInitSchema.safeParse(await readBody(response));
  if (!parsed.success) throw icloudErrors.unexpected('signin/init');
  return parsed.data;
}

async function legacySignin(http: AppleHttp, opts: PasswordStepOptions, signal: AbortSignal): Promise<PasswordStepResult> {
  const response = await http.send('idmsa', `${http.authUrl}/signin?isRememberMeEnabled=true`, {
    method: 'POST', signal,
    body: JSON.stringify({ accountName: srpAccountName(opts.appleId), password: opts.password, rememberMe: true, trustTokens: http.state.trustToken ? [http.state.trustToken] : [] }),
  });
  await response.body?.cancel();
  // This endpoint hides failure in X-Apple-I-Rscd behind a 200; anything but success keeps SRP's verdict.
  const code = rscd(response);
  if (!response.ok || code === '401' || code === '403') throw icloudErrors.wrongPassword(opts.appleId);
  return { challenged: code === '409' };
}

/** Proves the password; on success the idmsa session token is in `http.state`. */
export async function passwordStep(http: AppleHttp, opts: PasswordStepOptions, signal: AbortSignal): Promise<PasswordStepResult> {
  const start = startClient(opts.random ?? randomBytes);
  const accountName = srpAccountName(opts.appleId);
  const ch = await init(http, accountName, start.A, signal);
  let proof;
  try {
    proof = await clientProof(start, {
      accountName, password: opts.password, salt: Buffer.from(ch.salt, 'base64'),
      iterations: ch.iteration, protocol: ch.protocol, B: fromBytes(Buffer.from(ch.b, 'base64')),
    });
  } catch (err) {
    throw icloudErrors.unexpected('signin/init returned unusable SRP values', err);
  }
  const response = await http.send('idmsa', `${http.authUrl}/signin/complete?isRememberMeEnabled=true`, {
    method: 'POST', signal,
    body: JSON.stringify({
      accountName, c: ch.c, m1: b64(proof.M1), m2: b64(proof.M2), rememberMe: true,
      trustTokens: http.state.trustToken ? [http.state.trustToken] : [],
    }),
  });
  switch (response.status) {
    case 200: case 204: {
      await response.body?.cancel();
      if (rscd(response) === '401' || rscd(response) === '403') throw icloudErrors.wrongPassword(opts.appleId);
      return { challenged: false };
    }
    case 409: {
      const challenge = challengeSchema.safeParse(await readBody(response));
      if (challenge.success && (challenge.data.fsaChallenge !== undefined || (challenge.data.keyNames?.length ?? 0) > 0)) {
        throw icloudErrors.securityKeyUnsupported();
      }
      return { challenged: true };
    }
    case 412: {
      // Non-2FA ("sa") account that Apple wants repaired; repair/complete with {} clears it (auth_non_2fa.yml).
      await response.body?.cancel();
      const repair = await http.send('idmsa', `${http.authUrl}/repair/complete`, { method: 'POST', body: '{}', signal });
      if (!repair.ok) throw fromAppleResponse(await failure('repair/complete', repair));
      await repair.body?.cancel();
      return { challenged: false };
    }
    case 401: {
      const body = await readBody(response);
      const codes = serviceErrorCodes(body);
      if (codes.includes(ACCOUNT_LOCKED_CODE)) throw icloudErrors.accountLocked(opts.appleId);
      // The raw-password endpoint would refuse it too: say what is wrong instead of "wrong password".
      if (codes.includes(APP_SPECIFIC_PASSWORD_CODE)) throw icloudErrors.appSpecificPassword(opts.appleId);
      if (opts.legacyFallback) return legacySignin(http, opts, signal);
      throw icloudErrors.wrongPassword(opts.appleId);
    }
    case 403:
      return rejectCredentials(opts.appleId, response);
    default:
      throw fromAppleResponse(await failure('signin/complete', response));
  }
}
