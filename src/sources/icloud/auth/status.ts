/** @module `photoferry auth status` and sign-out: is a session saved, does Apple still accept it, how many days are left. */
import type { SecretStore } from '../../define.ts';
import { requires2fa, requires2sa, validate } from './account-login.ts';
import { AppleHttp, type FetchLike } from './http.ts';
import type { CookieJar } from './cookie-jar.ts';
import { passwordKey, SessionStore } from './session-store.ts';
import { toTransferError } from '../errors.ts';

export interface AuthStatusOptions {
  readonly appleId: string;
  readonly authUrl: string;
  readonly setupUrl: string;
  /** Ask Apple whether the session is still accepted (one `validate` call); default true. */
  readonly check?: boolean;
  readonly fetch?: FetchLike;
  readonly now?: () => number;
}

export interface AuthStatus {
  readonly appleId: string;
  /** A session token or trust token is stored for this Apple ID. */
  readonly saved: boolean;
  /** Apple accepted the saved session just now; null when not checked. */
  readonly valid: boolean | null;
  /** This machine holds a 2FA trust token (a new sign-in needs the password but no code). */
  readonly trusted: boolean;
  readonly passwordSaved: boolean;
  /** When Apple's web session cookie expires. */
  readonly sessionExpiresAt?: Date;
  /** When the 2FA trust expires, after which a new code is needed. */
  readonly trustExpiresAt?: Date;
  /** Whole days until a new code is needed: the trust cookie's expiry, else ~30 days from the trust token's age. */
  readonly daysLeft?: number;
  /** Whole days since Apple handed out the trust token, when known. */
  readonly trustAgeDays?: number;
}

/** The trust token's lifetime (rclone docs, protocol notes §1.12b.7) when no cookie says otherwise. */
export const TRUST_DAYS = 30;

const DAY = 86_400_000;

/** Apple's Expires on these cookies is the only place it says how long a session or trust lasts. */
function expiries(jar: CookieJar): { session?: number; trust?: number } {
  const session = jar.find('X-APPLE-WEBAUTH-TOKEN')?.expires ?? undefined;
  const trust = (jar.find(/^X-APPLE-WEBAUTH-HSA-TRUST/) ?? jar.find(/^X_APPLE_WEB_KB-/))?.expires ?? undefined;
  return { ...(session === undefined || session === null ? {} : { session }), ...(trust === undefined || trust === null ? {} : { trust }) };
}

export async function authStatus(options: AuthStatusOptions, ctx: { readonly secrets: SecretStore }, signal: AbortSignal): Promise<AuthStatus> {
  const store = new SessionStore(ctx.secrets, options.appleId);
  const saved = await store.load();
  const passwordSaved = (await store.password()) !== undefined;
  if (saved === null) return { appleId: options.appleId, saved: false, valid: false, trusted: false, passwordSaved };
  const http = new AppleHttp({ authUrl: options.authUrl, setupUrl: options.setupUrl, fetch: options.fetch ?? globalThis.fetch }, saved);
  let valid: boolean | null = null;
  if (options.check !== false) {
    // Whatever Apple set goes to validate; whether one particular cookie is there is Apple's call, not ours.
    if (saved.sessionToken === undefined && saved.cookies.length === 0) valid = false;
    else {
      try {
        const login = await validate(http, signal);
        valid = login !== null && !requires2fa(login) && !requires2sa(login);
      } catch (err) {
        throw toTransferError(err);
      }
      if (http.takeCookiesChanged()) await store.save(http.snapshot());
    }
  }
  const now = (options.now ?? Date.now)();
  const { session, trust } = expiries(http.jar);
  const trustAge = saved.trustTokenAt === undefined ? undefined : now - saved.trustTokenAt;
  const horizon = trust ?? (trustAge === undefined ? session : saved.trustTokenAt! + TRUST_DAYS * DAY);
  return {
    appleId: options.appleId,
    saved: saved.sessionToken !== undefined || saved.trustToken !== undefined,
    valid,
    trusted: saved.trustToken !== undefined,
    passwordSaved,
    ...(session === undefined ? {} : { sessionExpiresAt: new Date(session) }),
    ...(trust === undefined ? {} : { trustExpiresAt: new Date(trust) }),
    ...(horizon === undefined ? {} : { daysLeft: Math.max(0, Math.floor((horizon - now) / DAY)) }),
    ...(trustAge === undefined ? {} : { trustAgeDays: Math.max(0, Math.floor(trustAge / DAY)) }),
  };
}

/** Logs out at Apple (best effort) and forgets the saved session; `forgetTrust` also drops the 2FA trust and password. */
export async function signOut(options: AuthStatusOptions & { readonly forgetTrust?: boolean }, ctx: { readonly secrets: SecretStore }, signal: AbortSignal): Promise<void> {
  const store = new SessionStore(ctx.secrets, options.appleId);
  const saved = await store.load();
  if (saved !== null && saved.sessionToken !== undefined) {
    const http = new AppleHttp({ authUrl: options.authUrl, setupUrl: options.setupUrl, fetch: options.fetch ?? globalThis.fetch }, saved);
    try {
      const r = await http.send('setup', http.setupEndpoint('/logout'), {
        method: 'POST', signal, headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ trustBrowser: options.forgetTrust !== true, allBrowsers: false }),
      });
      await r.body?.cancel();
    } catch {
      // Logging out is a courtesy to Apple; the local session is forgotten either way.
    }
  }
  await store.clear({ forgetTrust: options.forgetTrust === true });
  if (options.forgetTrust === true) await ctx.secrets.delete(passwordKey(options.appleId));
}
