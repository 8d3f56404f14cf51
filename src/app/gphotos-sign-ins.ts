/**
 * @module Google Photos sign-ins started from the dashboard: the same authorization-code + PKCE flow as
 * `auth gphotos`, with Google sending the browser back to the dashboard server's own callback. Pending flows are
 * keyed by their state, used once, and forgotten after `ttlMs`.
 */
import { readRedirect, renderPage, type BrowserPage } from '../destinations/gphotos/oauth.ts';
import type { AppContext } from './context.ts';
import { prepareGphotosSignIn, type GphotosSignInResult, type PreparedSignIn } from './gphotos-auth.ts';

/** Google's codes live about 10 minutes; a consent screen left open longer starts again. */
export const SIGN_IN_TTL_MS = 10 * 60_000;

export interface CallbackOutcome {
  readonly page: BrowserPage;
  /** The remote signed in (undefined when the answer was refused before any flow matched). */
  readonly remote?: string;
  readonly result?: GphotosSignInResult;
}

export interface GphotosSignIns {
  /** Starts a sign-in for a gphotos remote; the browser is to open the returned address. */
  begin(remote: string, redirectUri: string): Promise<{ url: string }>;
  /** The browser came back to the callback with this query. Never throws: the outcome is the page to show. */
  complete(query: URLSearchParams, signal: AbortSignal): Promise<CallbackOutcome>;
}

/** The callback's page as HTML, with a way back to the dashboard's connections. */
export const callbackHtml = (page: BrowserPage): string =>
  renderPage(page).replace('</body>', '<p><a href="/#/connections">Back to the dashboard</a></p></body>');

export function createGphotosSignIns(ctx: AppContext, o: { ttlMs?: number; now?: () => number } = {}): GphotosSignIns {
  const ttl = o.ttlMs ?? SIGN_IN_TTL_MS;
  const now = o.now ?? Date.now;
  const pending = new Map<string, { flow: PreparedSignIn; expiresAt: number }>();
  const prune = () => { for (const [state, p] of pending) if (p.expiresAt <= now()) pending.delete(state); };
  const refused = (text: string): CallbackOutcome => ({ page: { status: 400, title: 'Sign-in refused', text } });
  return {
    async begin(remote, redirectUri) {
      prune();
      const flow = await prepareGphotosSignIn(ctx, remote, () => redirectUri);
      pending.set(flow.state, { flow, expiresAt: now() + ttl });
      return { url: flow.url };
    },
    async complete(query, signal) {
      prune();
      const state = query.get('state') ?? '';
      const entry = pending.get(state);
      if (!entry) return refused('This sign-in is unknown, was already used or has expired. Start it again from the dashboard (Connections → Sign in with Google).');
      pending.delete(state);
      const answer = readRedirect(query, entry.flow.state);
      const remote = entry.flow.remote;
      if ('error' in answer) return { remote, page: { status: answer.page.status, title: answer.page.title, text: answer.error.message } };
      try {
        const result = await entry.flow.finish(answer.code, signal);
        const expiry = result.expiresAt ? ` Google limits this grant: it stops working at ${result.expiresAt} (the OAuth app is in "Testing"; publish it for a lasting one).` : '';
        return { remote, result, page: { status: 200, title: 'Signed in to Google Photos', text: `Destination "${remote}" can now upload to Google Photos.${expiry} You can return to the dashboard.` } };
      } catch (err) {
        return { remote, page: { status: 400, title: 'Sign-in not completed', text: err instanceof Error ? err.message : String(err) } };
      }
    },
  };
}
