/**
 * @module `auth gphotos REMOTE`: signs in to Google with the remote's own OAuth client (loopback redirect + PKCE) and
 * stores the refresh token in the vault as the remote's `refreshToken`. The token is never printed. The dashboard's
 * sign-in (gphotos-sign-ins.ts) runs the same flow with its own callback.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../core/usage-error.ts';
import { gphotosOptions } from '../destinations/gphotos/index.ts';
import { authorizationUrl, exchangeCode, listenForRedirect, pkcePair, type Redirect } from '../destinations/gphotos/oauth.ts';
import type { AppContext } from './context.ts';
import { remotesDepsOf, resolveRemote, storeRemoteSecret } from './remotes.ts';

export interface GphotosSignInRequest {
  readonly remote: string;
  /** How long to wait for the browser to come back. */
  readonly timeoutMs: number;
  /** Shows the user the address to open (and where photoferry listens). */
  readonly open: (url: string, redirectUri: string) => void;
}

export interface GphotosSignInResult {
  readonly remote: string;
  readonly scopes: readonly string[];
  /** When Google limits the grant (apps in "Testing": 7 days), the time the refresh token stops working. */
  readonly expiresAt?: string;
  /** The remote says its OAuth app is in "Testing", or Google reported a time-limited grant. */
  readonly testingWarning: boolean;
}

/** One sign-in under way: the address for the browser, and the step that turns the code it brings back into a stored token. */
export interface PreparedSignIn {
  readonly remote: string;
  readonly url: string;
  readonly state: string;
  finish(code: string, signal: AbortSignal): Promise<GphotosSignInResult>;
}

/**
 * The flow's first half, for the CLI's loopback listener and the dashboard's own callback alike: a PKCE pair and a
 * state for the remote's OAuth client, with `redirectUri` wherever the browser is to come back.
 */
export async function prepareGphotosSignIn(ctx: AppContext, remote: string, redirectUri: (state: string) => string | Promise<string>): Promise<PreparedSignIn> {
  const name = remote.replace(/:$/, '');
  const deps = remotesDepsOf(ctx);
  const resolved = await resolveRemote(deps, name);
  if (resolved.definition.kind !== 'gphotos') throw new UsageError(`remote "${name}" is a ${resolved.definition.kind} remote, not gphotos`);
  const o = gphotosOptions.parse(resolved.options);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(24).toString('base64url');
  const back = await redirectUri(state);
  return {
    remote: name, state,
    url: authorizationUrl({ authUrl: o.authUrl, clientId: o.clientId, redirectUri: back, state, challenge }),
    async finish(code, signal) {
      const grant = await exchangeCode({ tokenUrl: o.tokenUrl, clientId: o.clientId, clientSecret: o.clientSecret, code, verifier, redirectUri: back, signal });
      await storeRemoteSecret(deps, name, 'refreshToken', grant.refreshToken);
      return {
        remote: name, scopes: grant.scopes, testingWarning: o.testingMode || grant.expiresInS !== undefined,
        ...(grant.expiresInS === undefined ? {} : { expiresAt: new Date(Date.now() + grant.expiresInS * 1000).toISOString() }),
      };
    },
  };
}

export async function signInGphotos(ctx: AppContext, request: GphotosSignInRequest, signal: AbortSignal): Promise<GphotosSignInResult> {
  let redirect: Redirect | undefined;
  try {
    const flow = await prepareGphotosSignIn(ctx, request.remote, async (state) => {
      redirect = await listenForRedirect({ state, timeoutMs: request.timeoutMs, signal });
      return redirect.redirectUri;
    });
    request.open(flow.url, redirect!.redirectUri);
    return await flow.finish(await redirect!.code, signal);
  } finally {
    await redirect?.close();
  }
}
