/**
 * @module Google's OAuth endpoints as the Google Photos fake serves them: the authorization endpoint (a browser lands
 * there; the fake "user" allows or denies at once and is sent back to the loopback redirect_uri), and the token
 * endpoint's authorization_code grant (PKCE S256 verified, codes single-use and bound to client and redirect_uri) and
 * refresh_token grant.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeClient { readonly id: string; readonly secret: string; readonly refreshToken: string }

export interface FakeOauth {
  /** What the fake user answers on the consent screen. */
  consent: 'allow' | 'deny';
  /** Refresh tokens issued by code exchange (valid beside the client's preset one). */
  readonly issued: string[];
  readonly stats: { authorizations: number; codeExchanges: number };
  handle(req: IncomingMessage, res: ServerResponse, url: URL, form: () => Promise<URLSearchParams>): Promise<boolean>;
  /** A valid access token for the API routes. */
  isAccessToken(token: string): boolean;
}

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d+(\/.*)?$/;

export function createFakeOauth(client: FakeClient, options: { testingMode?: boolean } = {}): FakeOauth {
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>();
  const access = new Set<string>();
  const refresh = new Set([client.refreshToken]);
  const issued: string[] = [];
  const stats = { authorizations: 0, codeExchanges: 0 };
  const json = (res: ServerResponse, status: number, body: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  const page = (res: ServerResponse, status: number, text: string) => { res.writeHead(status, { 'content-type': 'text/html' }); res.end(`<h1>${text}</h1>`); };
  const grant = (res: ServerResponse, refreshToken?: string) => {
    const token = randomUUID();
    access.add(token);
    json(res, 200, {
      access_token: token, expires_in: 3599, token_type: 'Bearer',
      ...(refreshToken ? { refresh_token: refreshToken, scope: SCOPES, ...(options.testingMode ? { refresh_token_expires_in: 604_799 } : {}) } : {}),
    });
  };
  const self: FakeOauth = {
    consent: 'allow', issued, stats,
    isAccessToken: (token) => access.has(token),
    async handle(req, res, url, form) {
      if (url.pathname === '/authorize' && req.method === 'GET') {
        stats.authorizations += 1;
        const q = url.searchParams;
        // Google shows its own error page for these and never redirects.
        if (q.get('client_id') !== client.id) { page(res, 401, 'Error 401: invalid_client'); return true; }
        const redirectUri = q.get('redirect_uri') ?? '';
        if (!LOOPBACK.test(redirectUri)) { page(res, 400, 'Error 400: redirect_uri_mismatch'); return true; }
        if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !q.get('scope')?.includes('photoslibrary')) {
          page(res, 400, 'Error 400: invalid_request'); return true;
        }
        const back = new URL(redirectUri);
        back.searchParams.set('state', q.get('state') ?? '');
        if (self.consent === 'deny') back.searchParams.set('error', 'access_denied');
        else {
          const code = `4/${randomUUID()}`;
          codes.set(code, { challenge: q.get('code_challenge')!, redirectUri, clientId: client.id });
          back.searchParams.set('code', code);
          back.searchParams.set('scope', q.get('scope')!);
        }
        res.writeHead(302, { location: back.toString() });
        res.end();
        return true;
      }
      if (url.pathname !== '/token') return false;
      const f = await form();
      if (f.get('client_id') !== client.id || f.get('client_secret') !== client.secret) { json(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }); return true; }
      if (f.get('grant_type') === 'authorization_code') {
        stats.codeExchanges += 1;
        const code = codes.get(f.get('code') ?? '');
        codes.delete(f.get('code') ?? '');
        const verifier = f.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (!code || code.redirectUri !== f.get('redirect_uri') || challenge !== code.challenge) {
          json(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' }); return true;
        }
        const token = `1//${randomUUID()}`;
        refresh.add(token);
        issued.push(token);
        grant(res, token);
        return true;
      }
      if (f.get('grant_type') === 'refresh_token' && refresh.has(f.get('refresh_token') ?? '')) { grant(res); return true; }
      json(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      return true;
    },
  };
  return self;
}

const SCOPES = ['appendonly', 'readonly.appcreateddata', 'edit.appcreateddata'].map((s) => `https://www.googleapis.com/auth/photoslibrary.${s}`).join(' ');
