/** @module Simulated Apple account state: accounts with SRP verifiers, idmsa/web sessions, trust tokens, 2FA codes and fault knobs. */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { makeVerifier, type SrpProtocol } from '../../sources/icloud/auth/srp.ts';
import type { SimRequest } from '../types.ts';
import { parseCookies } from './wire.ts';

export interface SimPhone { readonly id: number; readonly number: string }

export interface AccountFaults {
  /** Advanced Data Protection on: accountLogin reports iCDPEnabled; CloudKit should answer ACCESS_DENIED. */
  adp: boolean;
  /** "Access iCloud Data on the Web" off. */
  webAccessDisabled: boolean;
  /** accountLogin answers only {"domainToUse": …}, as for a China-mainland account on the global host. */
  domainToUse: string | null;
  locked: boolean;
  /** Security-key (FIDO) account: signin/complete answers 409 with an fsaChallenge. */
  fidoOnly: boolean;
  /** iCloud Photos off: no ckdatabasews in webservices. */
  photosDisabled: boolean;
  /**
   * 2026 mode: how a valid code is answered — 204/200 ('none'), 409 with a fresh session token ('token'), 409 with
   * none ('no-token', rclone #9730); 'auto' picks by the state's `code409Share`.
   */
  code409: 'auto' | 'none' | 'token' | 'no-token';
  /** The user types an app-specific password: signin/complete answers 401 with -20283 (SRP hides the password, so this is declared). */
  appSpecificPassword: boolean;
  /** ADP: what the trusted device does with a requestPCS prompt ('pending' waits for POST /__sim/auth/approve or forever). */
  adpApproval: 'grant' | 'deny' | 'pending';
  /** ADP 'grant': requestPCS calls answered "Requested the device to upload cookies." before the grant. */
  adpApproveAfterPolls: number;
}

/** Per-account ADP progress: requestPCS calls seen, and until when the approval holds (Apple: about an hour). */
export interface PcsState { polls: number; grantedUntil: number; decided: 'granted' | 'declined' | undefined }

export interface SimAccountInit {
  readonly appleId: string;
  readonly password: string;
  readonly dsid?: string;
  readonly protocol?: SrpProtocol;
  readonly iterations?: number;
  /** 2 = HSA2 (default), 1 = legacy 2SA, 0 = no second factor ("sa", needs one repair). */
  readonly hsaVersion?: 0 | 1 | 2;
  readonly phones?: readonly SimPhone[];
  readonly faults?: Partial<AccountFaults>;
}

export interface SimAccount {
  readonly appleId: string;
  readonly dsid: string;
  readonly salt: Buffer;
  readonly iterations: number;
  readonly protocol: SrpProtocol;
  /** g^x mod N: the simulator, like Apple, never keeps the password. */
  readonly verifier: bigint;
  readonly hsaVersion: 0 | 1 | 2;
  readonly phones: readonly SimPhone[];
  readonly faults: AccountFaults;
  readonly pcs: PcsState;
  repaired: boolean;
}

export interface GlobalFaults {
  /** The next N signin/init calls answer 503 "Service Temporary Unavailable". */
  signinUnavailable: number;
  /** The next N validate calls answer 503. */
  validateUnavailable: number;
  /** Wrong codes accepted before code entry locks (per account). */
  codeLockoutAfter: number;
}

/** An idmsa sign-in in progress or done, known by X-Apple-Session-Token (accountLogin's dsWebAuthToken). */
export interface IdmsaSession { readonly appleId: string; secondFactor: boolean }
export interface WebSession { readonly appleId: string; readonly dsid: string; expiresAt: number; verified: boolean; idmsaToken: string }
interface CodeState { code: string | undefined; wrong: number; locked: boolean }

export interface AuthStateOptions {
  /** Base URL of the CloudKit half (same HTTP server); settable later because the port is known only after listen. */
  ckdatabaseUrl?: string;
  accounts?: readonly SimAccountInit[];
  sessionTtlMs?: number;
  trustTtlMs?: number;
  now?: () => number;
  /** Apple as of 2026 (default): no code until the client asks, phones under bridgeInitiateData, 409 code answers, -20283. */
  apple2026?: boolean;
  /** 2026 mode: share of accounts (by a hash of the Apple ID) whose valid code is answered 409 with / without a token. */
  code409Share?: { token: number; noToken: number };
}

const token = (prefix: string) => `${prefix}-${randomBytes(18).toString('base64url')}`;

export class AuthState {
  ckdatabaseUrl: string;
  readonly faults: GlobalFaults = { signinUnavailable: 0, validateUnavailable: 0, codeLockoutAfter: 5 };
  readonly sessionTtlMs: number;
  readonly trustTtlMs: number;
  readonly now: () => number;
  readonly accounts = new Map<string, SimAccount>();
  /** signin/init exchanges by `c`. */
  readonly pendingSrp = new Map<string, { appleId: string; A: bigint; b: bigint; B: bigint }>();
  readonly idmsa = new Map<string, IdmsaSession>();
  /** idmsa conversation by X-Apple-ID-Session-Id: the scnt the client must echo and the current session token. */
  readonly contexts = new Map<string, { appleId: string; token: string; scnt: string }>();
  readonly trustTokens = new Map<string, { appleId: string; expiresAt: number }>();
  readonly web = new Map<string, WebSession>();
  readonly codes = new Map<string, CodeState>();
  /** PCS cookie values handed out by requestPCS, with their account and expiry. */
  readonly pcsCookies = new Map<string, { appleId: string; expiresAt: number }>();
  apple2026: boolean;
  code409Share: { token: number; noToken: number };

  constructor(options: AuthStateOptions = {}) {
    this.apple2026 = options.apple2026 ?? true;
    this.code409Share = options.code409Share ?? { token: 0, noToken: 0 };
    this.ckdatabaseUrl = options.ckdatabaseUrl ?? 'http://127.0.0.1:0';
    this.sessionTtlMs = options.sessionTtlMs ?? 30 * 86_400_000;
    this.trustTtlMs = options.trustTtlMs ?? 60 * 86_400_000;
    this.now = options.now ?? Date.now;
  }

  async addAccount(init: SimAccountInit): Promise<SimAccount> {
    const salt = randomBytes(16);
    const iterations = init.iterations ?? 1000;
    const protocol = init.protocol ?? 's2k';
    const account: SimAccount = {
      appleId: init.appleId, dsid: init.dsid ?? String(10_000_000_000 + randomInt(1_000_000_000)), salt, iterations, protocol,
      verifier: await makeVerifier(init.password, salt, iterations, protocol),
      hsaVersion: init.hsaVersion ?? 2,
      phones: init.phones ?? [{ id: 1, number: '+1 (555) 555-0181' }],
      faults: {
        adp: false, webAccessDisabled: false, domainToUse: null, locked: false, fidoOnly: false, photosDisabled: false,
        code409: 'auto', appSpecificPassword: false, adpApproval: 'deny', adpApproveAfterPolls: 1, ...init.faults,
      },
      pcs: { polls: 0, grantedUntil: 0, decided: undefined },
      repaired: false,
    };
    this.accounts.set(init.appleId.toLowerCase(), account);
    return account;
  }

  account(appleId: string): SimAccount | undefined {
    return this.accounts.get(appleId.toLowerCase());
  }

  /** Simulator-only: the last 2FA/2SA code "sent" to this account (what the user would read on their phone). */
  lastCode(appleId: string): string | undefined {
    return this.codes.get(appleId.toLowerCase())?.code;
  }

  issueCode(appleId: string): string {
    const state = this.codes.get(appleId.toLowerCase()) ?? { code: undefined, wrong: 0, locked: false };
    state.code = String(randomInt(1_000_000)).padStart(6, '0');
    this.codes.set(appleId.toLowerCase(), state);
    return state.code;
  }

  /** 'ok', 'wrong', or 'locked' after `codeLockoutAfter` wrong codes; a used code cannot be replayed. */
  checkCode(appleId: string, code: string): 'ok' | 'wrong' | 'locked' {
    const state = this.codes.get(appleId.toLowerCase()) ?? { code: undefined, wrong: 0, locked: false };
    this.codes.set(appleId.toLowerCase(), state);
    if (state.locked) return 'locked';
    if (state.code !== undefined && code === state.code) { state.code = undefined; state.wrong = 0; return 'ok'; }
    state.wrong += 1;
    if (state.wrong >= this.faults.codeLockoutAfter) { state.locked = true; return 'locked'; }
    return 'wrong';
  }

  /** How this account's valid codes are answered in 2026 mode (a stable pick by Apple ID for 'auto'). */
  codeAnswer(account: SimAccount): 'none' | 'token' | 'no-token' {
    if (!this.apple2026) return 'none';
    if (account.faults.code409 !== 'auto') return account.faults.code409;
    const h = createHash('sha256').update(account.appleId.toLowerCase()).digest().readUInt32BE(0) / 0x100000000;
    return h < this.code409Share.token ? 'token' : h < this.code409Share.token + this.code409Share.noToken ? 'no-token' : 'none';
  }

  /** True when an ADP account's request carries a PCS cookie that requestPCS handed out and that has not lapsed. */
  hasPcs(request: SimRequest, appleId: string): boolean {
    const value = parseCookies(request.req.headers.cookie)['X-APPLE-WEBAUTH-PCS-Photos'];
    const entry = value === undefined ? undefined : this.pcsCookies.get(value);
    return entry !== undefined && entry.appleId === appleId && entry.expiresAt > this.now();
  }

  codeLocked(appleId: string): boolean {
    return this.codes.get(appleId.toLowerCase())?.locked === true;
  }

  newIdmsaSession(appleId: string, secondFactor: boolean): string {
    const t = token('sess-token');
    this.idmsa.set(t, { appleId, secondFactor });
    return t;
  }

  newTrustToken(appleId: string): string {
    const t = token('trust');
    this.trustTokens.set(t, { appleId, expiresAt: this.now() + this.trustTtlMs });
    return t;
  }

  trusted(appleId: string, tokens: readonly string[]): boolean {
    return tokens.some((t) => { const e = this.trustTokens.get(t); return e !== undefined && e.appleId === appleId && e.expiresAt > this.now(); });
  }

  newWebSession(account: SimAccount, idmsaToken: string, verified: boolean): string {
    const t = token('webauth');
    this.web.set(t, { appleId: account.appleId, dsid: account.dsid, expiresAt: this.now() + this.sessionTtlMs, verified, idmsaToken });
    return t;
  }

  /** The web session behind a request's X-APPLE-WEBAUTH-TOKEN cookie, if still alive. */
  webSessionOf(request: SimRequest): WebSession | null {
    const cookie = parseCookies(request.req.headers.cookie)['X-APPLE-WEBAUTH-TOKEN'];
    const session = cookie === undefined ? undefined : this.web.get(cookie);
    return session !== undefined && session.expiresAt > this.now() ? session : null;
  }

  /**
   * For the CloudKit routes: the signed-in, second-factor-complete account behind a request's cookies,
   * or null (answer 401/421). Sessions still waiting for 2FA do not count.
   */
  sessionOf(request: SimRequest): { appleId: string; dsid: string; account: SimAccount } | null {
    const session = this.webSessionOf(request);
    const account = session === null ? undefined : this.account(session.appleId);
    if (session === null || account === undefined || !session.verified) return null;
    return { appleId: account.appleId, dsid: account.dsid, account };
  }

  /**
   * Fault: ends web sessions and idmsa session tokens (all, or one account's) so CloudKit calls fail,
   * validate answers 421 and only a new SRP sign-in (with the trust token) helps.
   */
  expireSessions(appleId?: string): void {
    const hit = (id: string) => appleId === undefined || id.toLowerCase() === appleId.toLowerCase();
    for (const [t, s] of this.web) if (hit(s.appleId)) this.web.delete(t);
    for (const [t, s] of this.idmsa) if (hit(s.appleId)) this.idmsa.delete(t);
  }

  /** Fault: ends trust too, so the next sign-in needs a new code. */
  revokeTrust(appleId: string): void {
    for (const [t, s] of this.trustTokens) if (s.appleId.toLowerCase() === appleId.toLowerCase()) this.trustTokens.delete(t);
  }
}

export async function createAuthState(options: AuthStateOptions = {}): Promise<AuthState> {
  const state = new AuthState(options);
  for (const a of options.accounts ?? []) await state.addAccount(a);
  return state;
}
