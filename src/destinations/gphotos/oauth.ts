/**
 * @module Google sign-in for installed apps (RFC 8252 loopback redirect with PKCE, RFC 7636): the authorization URL the
 * user opens, a one-shot listener on 127.0.0.1 that receives `code` and `state`, and the code → refresh token exchange.
 * Google's device flow cannot be used instead: it grants only a short list of scopes (sign-in, drive.file, YouTube),
 * and the photoslibrary scopes are not on it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { z } from 'zod';
import { TransferError } from '../../core/transfer-error.ts';
import { UsageError } from '../../core/usage-error.ts';
import { KIND } from './api.ts';

/** What the destination calls: upload and create items, read and edit what this app created. */
export const GPHOTOS_SCOPES = [
  'https://www.googleapis.com/auth/photoslibrary.appendonly',
  'https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata',
  'https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata',
] as const;

const base64url = (b: Buffer) => b.toString('base64url');

export interface Pkce { readonly verifier: string; readonly challenge: string }

export function pkcePair(): Pkce {
  const verifier = base64url(randomBytes(48)); // 64 characters, within RFC 7636's 43–128
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

export function authorizationUrl(o: { authUrl: string; clientId: string; redirectUri: string; state: string; challenge: string }): string {
  const url = new URL(o.authUrl);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: o.clientId, redirect_uri: o.redirectUri, scope: GPHOTOS_SCOPES.join(' '),
    state: o.state, code_challenge: o.challenge, code_challenge_method: 'S256',
    // offline + consent: Google returns a refresh token even when this account granted the app before.
    access_type: 'offline', prompt: 'consent',
  }).toString();
  return url.toString();
}

const failed = (kind: TransferError['kind'], message: string) => new TransferError(kind, message, { connector: KIND });

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif"><h1>${title}</h1><p>${text}</p></body>`;

export interface Redirect {
  /** `http://127.0.0.1:PORT/`: the redirect_uri to send in the authorization URL and the code exchange. */
  readonly redirectUri: string;
  /** Resolves with the code once Google sends the browser back with the expected state; rejects on anything else. */
  readonly code: Promise<string>;
  close(): Promise<void>;
}

/** Why Google sent the browser back without a code, in the user's words. */
function describeError(error: string, description: string | null): TransferError {
  if (error === 'access_denied') {
    return failed('auth-required', 'Google Photos access was declined in the consent screen (access_denied): run the sign-in again and choose Allow; if your app is in "Testing", your Google account must be listed as a test user');
  }
  return failed('auth-required', `Google refused the sign-in (${error}${description ? `: ${description}` : ''})`);
}

/** What the browser brought back to the redirect URI, and the page to show in its tab. */
export type RedirectAnswer =
  | { readonly code: string; readonly page: BrowserPage }
  | { readonly error: TransferError; readonly page: BrowserPage };

export interface BrowserPage { readonly status: number; readonly title: string; readonly text: string }

/** Reads `state`, `code` or `error` from the redirect's query (the CLI's listener and the dashboard's callback alike). */
export function readRedirect(p: URLSearchParams, state: string): RedirectAnswer {
  if (p.get('state') !== state) {
    return {
      page: { status: 400, title: 'Sign-in refused', text: 'This answer does not belong to the sign-in photoferry started. Run the sign-in again.' },
      error: failed('auth-required', 'the answer from the browser did not carry the state photoferry sent (a stale tab, or a forged request): nothing was stored; run the sign-in again and use the newest address'),
    };
  }
  const error = p.get('error');
  if (error !== null) {
    return { page: { status: 200, title: 'Sign-in not completed', text: 'Google did not grant access. You can close this tab and return to photoferry.' }, error: describeError(error, p.get('error_description')) };
  }
  const code = p.get('code');
  if (!code) {
    return {
      page: { status: 400, title: 'Sign-in refused', text: 'The answer carried no authorization code.' },
      error: failed('auth-required', 'Google sent the browser back without an authorization code: run the sign-in again'),
    };
  }
  return { code, page: { status: 200, title: 'Signed in', text: 'photoferry received the authorization. You can close this tab.' } };
}

/** A minimal page for the browser tab; `text` is escaped (it may carry an error message). */
export function renderPage(page: Pick<BrowserPage, 'title' | 'text'>): string {
  const esc = (t: string) => t.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return PAGE(esc(page.title), esc(page.text));
}

/**
 * Listens on 127.0.0.1 on a port the system picks, for one redirect. Requests for other paths (a browser's favicon)
 * get 404 and are ignored; a redirect with another state is refused at once (it is not the answer to our request).
 */
export async function listenForRedirect(o: { state: string; timeoutMs: number; signal: AbortSignal }): Promise<Redirect> {
  let settle!: { resolve(code: string): void; reject(err: unknown): void };
  const code = new Promise<string>((resolve, reject) => { settle = { resolve, reject }; });
  code.catch(() => undefined); // observed by the caller; never an unhandled rejection while it sets up
  const answer = (res: ServerResponse, status: number, title: string, text: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    res.end(renderPage({ title, text }));
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/' || req.method !== 'GET') return answer(res, 404, 'Not found', '');
    const got = readRedirect(url.searchParams, o.state);
    answer(res, got.page.status, got.page.title, got.page.text);
    return 'code' in got ? settle.resolve(got.code) : settle.reject(got.error);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const timer = setTimeout(() => settle.reject(failed('auth-required',
    `no answer from the browser within ${Math.round(o.timeoutMs / 1000)} s: open the address shown, sign in and allow access (or run again with a longer --timeout)`)), o.timeoutMs);
  const onAbort = () => settle.reject(failed('cancelled', 'sign-in cancelled'));
  o.signal.addEventListener('abort', onAbort, { once: true });
  return {
    redirectUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    code,
    close: () => new Promise<void>((resolve) => {
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const tokenAnswer = z.object({
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  /** Set when the grant is time-limited (Google reports it for such grants; apps in "Testing" get 7 days). */
  refresh_token_expires_in: z.number().optional(),
}).loose();
const errorAnswer = z.object({ error: z.string(), error_description: z.string().optional() }).loose();

export interface Grant { readonly refreshToken: string; readonly expiresInS?: number; readonly scopes: readonly string[] }

/** The authorization_code grant with the PKCE verifier; the client secret is sent too (Google's Desktop clients need it). */
export async function exchangeCode(o: {
  tokenUrl: string; clientId: string; clientSecret: string; code: string; verifier: string; redirectUri: string; signal: AbortSignal;
}): Promise<Grant> {
  const res = await request(o.tokenUrl, {
    method: 'POST', signal: o.signal, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: o.code, code_verifier: o.verifier, redirect_uri: o.redirectUri,
      client_id: o.clientId, client_secret: o.clientSecret,
    }).toString(),
  }).catch((err: unknown) => { throw failed('transient', `cannot reach the Google token endpoint ${o.tokenUrl}: ${(err as Error).message}`); });
  const text = await res.body.text();
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = undefined; }
  if (res.statusCode !== 200) {
    const e = errorAnswer.safeParse(body);
    const error = e.success ? e.data.error : `HTTP ${res.statusCode}`;
    if (error === 'invalid_client' || error === 'unauthorized_client') {
      throw new UsageError(`Google refused the OAuth client (${error}): check the remote's clientId and clientSecret (Google Cloud console → APIs & Services → Credentials; an OAuth client of type "Desktop app") and store them again with "photoferry remote add NAME gphotos … --replace"`);
    }
    if (error === 'invalid_grant') throw failed('auth-required', 'Google refused the authorization code (invalid_grant: expired, used twice, or the PKCE verifier did not match): run the sign-in again');
    throw failed(res.statusCode >= 500 ? 'transient' : 'permanent', `Google token endpoint: ${error}${e.success && e.data.error_description ? ` (${e.data.error_description})` : ''}`);
  }
  const grant = tokenAnswer.safeParse(body);
  if (!grant.success) throw failed('permanent', 'unexpected answer from the Google token endpoint');
  if (grant.data.refresh_token === undefined) {
    throw failed('auth-required', 'Google granted access but sent no refresh token: remove photoferry under myaccount.google.com → Security → Third-party access, then run the sign-in again');
  }
  const scopes = (grant.data.scope ?? GPHOTOS_SCOPES.join(' ')).split(/\s+/).filter(Boolean);
  const missing = GPHOTOS_SCOPES.filter((s) => !scopes.includes(s));
  if (missing.length > 0) {
    throw failed('auth-required', `Google granted only part of the access photoferry needs (missing ${missing.map((s) => s.replace(/^.*\//, '')).join(', ')}): run the sign-in again and tick every box on the consent screen`);
  }
  return { refreshToken: grant.data.refresh_token, scopes, ...(grant.data.refresh_token_expires_in === undefined ? {} : { expiresInS: grant.data.refresh_token_expires_in }) };
}
