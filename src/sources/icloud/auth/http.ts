/** @module The wire to Apple: constant browser headers, idmsa session headers (scnt, session id), cookies in and out. */
import { CookieJar } from './cookie-jar.ts';
import { SESSION_HEADERS, type PersistedSession } from './session-store.ts';
import { AppleHttpError, toTransferError } from '../errors.ts';

/** icloud.com's public widget key; idmsa refuses requests without it. */
export const WIDGET_KEY = 'd39ba9916b7251055b22c7f910e2ea796ee65e98b2ddecea8f5dde8d9d1a815d';
/** A current desktop browser: Apple rejected old UAs and build numbers (icloudpd 1.29.2). */
export const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36';
/** Sent as CloudKit/setup query parameters, as icloud.com does. */
export const CLIENT_BUILD = { clientBuildNumber: '2522Project44', clientMasteringNumber: '2522B2' } as const;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface AppleHttpOptions {
  readonly authUrl: string;
  readonly setupUrl: string;
  readonly fetch: FetchLike;
  readonly userAgent?: string;
}

export type RequestKind = 'idmsa' | 'setup' | 'icloud';

export class AppleHttp {
  readonly jar: CookieJar;
  readonly authUrl: string;
  readonly setupUrl: string;
  /** The browser origin Apple expects on setup/CloudKit calls; China accounts use the .com.cn site. */
  readonly webOrigin: string;
  #cookiesChanged = false;

  constructor(readonly options: AppleHttpOptions, readonly state: PersistedSession) {
    this.authUrl = options.authUrl.replace(/\/+$/, '');
    this.setupUrl = options.setupUrl.replace(/\/+$/, '');
    this.jar = new CookieJar(state.cookies);
    this.webOrigin = new URL(this.setupUrl).hostname.endsWith('.com.cn') ? 'https://www.icloud.com.cn' : 'https://www.icloud.com';
  }

  /** The headers idmsa wants on every call, rebuilt each time so scnt and session id are the latest. */
  authHeaders(accept = 'application/json, text/javascript'): Record<string, string> {
    const origin = new URL(this.authUrl).origin;
    const h: Record<string, string> = {
      Accept: accept,
      'Content-Type': 'application/json',
      'X-Apple-Widget-Key': WIDGET_KEY,
      'X-Apple-OAuth-Client-Id': WIDGET_KEY,
      'X-Apple-OAuth-Client-Type': 'firstPartyAuth',
      'X-Apple-OAuth-Redirect-URI': this.webOrigin,
      'X-Apple-OAuth-Require-Grant-Code': 'true',
      'X-Apple-OAuth-Response-Mode': 'web_message',
      'X-Apple-OAuth-Response-Type': 'code',
      'X-Apple-OAuth-State': this.state.clientId,
      Origin: origin,
      Referer: `${origin}/`,
    };
    if (this.state.scnt !== undefined) h.scnt = this.state.scnt;
    if (this.state.sessionId !== undefined) h['X-Apple-ID-Session-Id'] = this.state.sessionId;
    if (this.state.authAttributes !== undefined) h['X-Apple-Auth-Attributes'] = this.state.authAttributes;
    return h;
  }

  webHeaders(): Record<string, string> {
    return { Origin: this.webOrigin, Referer: `${this.webOrigin}/` };
  }

  /** setup URL with the query icloud.com sends (needed by the 2SA endpoints and logout). */
  setupEndpoint(path: string, dsid?: string): string {
    const q = new URLSearchParams({ ...CLIENT_BUILD, clientId: this.state.clientId });
    if (dsid !== undefined) q.set('dsid', dsid);
    return `${this.setupUrl}${path}?${q}`;
  }

  /**
   * One HTTP exchange. Never throws for an HTTP status (callers branch on it); network and abort
   * failures become TransferErrors.
   */
  async send(kind: RequestKind, url: string, init: RequestInit & { signal: AbortSignal }): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(kind === 'idmsa' ? this.authHeaders() : this.webHeaders());
    new Headers(init.headers).forEach((v, k) => headers.set(k, v));
    headers.set('User-Agent', this.options.userAgent ?? USER_AGENT);
    const cookie = this.jar.headerFor(target);
    if (cookie !== undefined) headers.set('Cookie', cookie);
    let response: Response;
    try {
      // idmsa/setup answers are read as-is (a redirect there is a signal, not a detour); content hosts may redirect.
      // fetch hangs an abort listener on the signal it gets and drops it only when the request is collected; on
      // one run-wide signal that piles up (MaxListenersExceededWarning). A per-request signal that follows it does not.
      const signal = AbortSignal.any([init.signal]);
      response = await this.options.fetch(url, { ...init, signal, headers, redirect: kind === 'icloud' ? init.redirect ?? 'follow' : 'manual' });
    } catch (err) {
      throw toTransferError(err);
    }
    if (this.jar.capture(response, target) > 0) this.#cookiesChanged = true;
    if (kind !== 'icloud') this.captureSessionHeaders(response.headers);
    return response;
  }

  captureSessionHeaders(headers: Headers): void {
    for (const [header, field] of SESSION_HEADERS) {
      const value = headers.get(header);
      if (value === null || value === '') continue;
      if (field === 'trustToken' && value !== this.state.trustToken) this.state.trustTokenAt = Date.now();
      this.state[field] = value;
    }
  }

  /** True once since the last call when a response set cookies (so the caller knows to persist). */
  takeCookiesChanged(): boolean {
    const changed = this.#cookiesChanged;
    this.#cookiesChanged = false;
    return changed;
  }

  snapshot(): PersistedSession {
    return { ...this.state, cookies: this.jar.toJSON() };
  }
}

/** Reads a body as JSON when it is JSON (idmsa labels JSON as text/html), else as text. */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try { return JSON.parse(text) as unknown; } catch { return text; }
}

export async function failure(what: string, response: Response): Promise<AppleHttpError> {
  return new AppleHttpError(what, response.status, response.headers, await readBody(response));
}
