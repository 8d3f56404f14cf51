/** @module signIn: saved session → SRP → second factor → accountLogin, persisted per Apple ID; refresh after CloudKit says the session expired. */
import type { SourceContext, SourceInteraction } from '../../define.ts';
import type { IcloudSession, WebService } from '../session.ts';
import { accountLogin, checkAccount, checkPhotos, needsPcs, requires2fa, requires2sa, validate, webservicesOf } from './account-login.ts';
import { AppleHttp, type FetchLike } from './http.ts';
import { hsa2, twoStep, type MfaOptions } from './mfa.ts';
import type { AccountLogin } from './schemas.ts';
import { hasPcsCookies, requestPcs, type PcsOptions } from './pcs.ts';
import { newClientId, SessionStore } from './session-store.ts';
import { passwordStep } from './signin.ts';
import type { RandomBytes } from './srp.ts';
import { icloudErrors, IcloudError, toTransferError } from '../errors.ts';
import { isTransferError } from '../../../core/transfer-error.ts';

export interface SignInOptions {
  readonly appleId: string;
  /** Falls back to the password kept in the SecretStore. */
  readonly password?: string;
  /** idmsa base, e.g. https://idmsa.apple.com/appleauth/auth */
  readonly authUrl: string;
  /** setup base, e.g. https://setup.icloud.com/setup/ws/1 */
  readonly setupUrl: string;
  readonly mfa?: MfaOptions;
  /** Keep `password` in the SecretStore so later runs and refreshes can sign in without asking. */
  readonly savePassword?: boolean;
  /** Try the deprecated raw-password endpoint when Apple rejects the SRP proof (default true). */
  readonly legacyPasswordFallback?: boolean;
  /** Skip the saved session and prove the password again. */
  readonly forceSrp?: boolean;
  /** Advanced Data Protection: how often and how long to wait for the approval on a trusted device. */
  readonly pcs?: PcsOptions;
  readonly fetch?: FetchLike;
  readonly random?: RandomBytes;
}

type Ctx = Pick<SourceContext, 'secrets' | 'interaction' | 'log'>;

/** The session plus the stable client id, which CloudKit calls carry as `clientId=` next to `dsid=`. */
export interface IcloudAuthSession extends IcloudSession {
  readonly clientId: string;
}

/** A prompt that cannot be answered (no terminal, a schedule) becomes the one clear "2FA needed" error. */
function guarded(interaction: SourceInteraction, appleId: string): SourceInteraction {
  return {
    promptCode: async (hint) => {
      try {
        return await interaction.promptCode(hint);
      } catch (err) {
        if (isTransferError(err) && err.kind !== 'auth-required') throw err;
        if ((err as Error | undefined)?.name === 'AbortError') throw err;
        throw icloudErrors.mfaRequired(appleId);
      }
    },
    notice: (n) => interaction.notice?.(n),
  };
}

const noPrompt = (appleId: string): SourceInteraction => ({ promptCode: async () => { throw icloudErrors.mfaRequired(appleId); } });

interface Flow { readonly http: AppleHttp; readonly store: SessionStore; readonly options: SignInOptions; readonly interaction: SourceInteraction }

class Session implements IcloudAuthSession {
  constructor(readonly http: AppleHttp, private login: AccountLogin, private readonly flow: Flow,
    private readonly refresher: (signal: AbortSignal) => Promise<AccountLogin>) {}

  get appleId(): string { return this.flow.store.appleId; }
  get clientId(): string { return this.http.state.clientId; }
  get dsid(): string { return this.login.dsInfo.dsid; }
  get webservices(): Readonly<Record<string, WebService>> { return webservicesOf(this.login); }
  get adp(): boolean { return needsPcs(this.login); }

  async fetch(url: string, init: RequestInit & { signal: AbortSignal }): Promise<Response> {
    const response = await this.http.send('icloud', url, init);
    if (this.http.takeCookiesChanged()) await this.flow.store.save(this.http.snapshot());
    return response;
  }

  async refresh(signal: AbortSignal): Promise<void> {
    this.login = await this.refresher(signal);
  }

  /** CloudKit refused Photos although we hold PCS cookies: they lapsed (about hourly), ask for new ones. */
  async renewPcs(signal: AbortSignal): Promise<boolean> {
    if (!needsPcs(this.login)) return false;
    try {
      await requestPcs(this.http, this.appleId, this.dsid, this.flow.interaction, this.flow.options.pcs ?? {}, signal);
    } catch (err) {
      throw toTransferError(err);
    }
    await this.flow.store.save(this.http.snapshot());
    return true;
  }
}

/** Checks the account, gets the PCS cookies an ADP account needs, and only then persists the session. */
async function finish(flow: Flow, login: AccountLogin, signal: AbortSignal): Promise<AccountLogin> {
  checkAccount(login, flow.options.appleId);
  checkPhotos(login);
  if (needsPcs(login) && !hasPcsCookies(flow.http)) {
    await requestPcs(flow.http, flow.options.appleId, login.dsInfo.dsid, flow.interaction, flow.options.pcs ?? {}, signal);
  }
  await flow.store.save(flow.http.snapshot());
  return login;
}

/** SRP with the trust token, then accountLogin; asks for a code through `interaction` when Apple wants one. */
async function fullSignIn(flow: Flow, password: string, interaction: SourceInteraction, signal: AbortSignal): Promise<AccountLogin> {
  const { http, options } = flow;
  await passwordStep(http, {
    appleId: options.appleId, password, legacyFallback: options.legacyPasswordFallback ?? true,
    ...(options.random === undefined ? {} : { random: options.random }),
  }, signal);
  let login = await accountLogin(http, options.appleId, signal);
  checkAccount(login, options.appleId);
  const mfa = options.mfa ?? {};
  if (requires2fa(login)) {
    await hsa2(http, options.appleId, interaction, mfa, signal);
    login = await accountLogin(http, options.appleId, signal);
  } else if (requires2sa(login)) {
    await twoStep(http, options.appleId, login.dsInfo.dsid, interaction, mfa, signal);
    login = await accountLogin(http, options.appleId, signal);
  }
  if (requires2fa(login) || requires2sa(login)) throw icloudErrors.unexpected('accountLogin still asks for a second factor after it was given');
  return finish(flow, login, signal);
}

/**
 * Signs in to iCloud and returns a session for the Photos client. Reuses the saved session when Apple
 * still accepts it (no password or code needed); otherwise proves the password and, when Apple asks,
 * a 2FA code from `ctx.interaction.promptCode`. Every failure is a TransferError (see errors.ts).
 */
export async function signIn(options: SignInOptions, ctx: Ctx, signal: AbortSignal): Promise<IcloudAuthSession> {
  const store = new SessionStore(ctx.secrets, options.appleId);
  try {
    const saved = await store.load();
    const http = new AppleHttp({ authUrl: options.authUrl, setupUrl: options.setupUrl, fetch: options.fetch ?? globalThis.fetch },
      saved ?? { clientId: newClientId(), cookies: [] });
    const interaction = guarded(ctx.interaction, options.appleId);
    const flow: Flow = { http, store, options, interaction };
    const passwordOf = async () => options.password ?? await store.password() ?? (() => { throw icloudErrors.passwordMissing(options.appleId); })();

    let login: AccountLogin | null = null;
    // Apple decides whether the saved session still holds: whatever it set (cookies, token) goes to validate,
    // rather than guessing from one cookie's presence.
    if (!options.forceSrp && saved !== null && (saved.sessionToken !== undefined || saved.cookies.length > 0)) {
      login = await validate(http, signal);
      if (login !== null && (requires2fa(login) || requires2sa(login))) login = null;
      if (login !== null) { ctx.log.debug({ appleId: options.appleId }, 'icloud: saved session still valid'); login = await finish(flow, login, signal); }
    }
    login ??= await fullSignIn(flow, await passwordOf(), interaction, signal);
    if (options.savePassword === true && options.password !== undefined) await store.savePassword(options.password);

    /** validate → accountLogin with the stored token → SRP with the trust token; never prompts for a code. */
    const refresher = async (s: AbortSignal): Promise<AccountLogin> => {
      try {
        const again = await validate(http, s);
        if (again !== null && !requires2fa(again)) return await finish(flow, again, s);
        try {
          const viaToken = await accountLogin(http, options.appleId, s);
          if (!requires2fa(viaToken) && !requires2sa(viaToken)) return await finish(flow, viaToken, s);
        } catch (err) {
          if (!(err instanceof IcloudError && err.reason === 'session-expired')) throw err;
        }
        return await fullSignIn(flow, await passwordOf(), noPrompt(options.appleId), s);
      } catch (err) {
        const e = toTransferError(err);
        if (e instanceof IcloudError && e.reason === 'mfa-required') throw icloudErrors.sessionExpired(options.appleId);
        throw e;
      }
    };
    return new Session(http, login, flow, refresher);
  } catch (err) {
    throw toTransferError(err);
  }
}
