/** @module `auth icloud` and `auth status`: sign in once (password + 2FA code), then every run reuses the saved session. */
import { UsageError } from '../core/usage-error.ts';
import { authStatus, signIn, type AuthStatus } from '../sources/icloud/auth/index.ts';
import { icloudOptions, pcsTiming } from '../sources/icloud/index.ts';
import type { SourceInteraction } from '../sources/define.ts';
import type { AppContext } from './context.ts';
import { silentLogger } from '../connectors/context.ts';

export interface IcloudAuthRequest {
  /** `user@example.com`, or the name of an icloud remote (which may carry simulator URLs). */
  readonly account: string;
  readonly password: () => Promise<string>;
  readonly interaction: SourceInteraction;
  /** `--phone`: a trusted number's id or last digits; the code then comes by SMS. */
  readonly phone?: string;
}

/** The account's options: from a named remote of type icloud, else defaults for an Apple ID. */
function accountOptions(ctx: AppContext, account: string) {
  const remote = ctx.config.remotes[account.replace(/:$/, '')];
  const raw = remote ? (({ type: _t, ...rest }) => rest)(remote) : { appleId: account.replace(/^icloud:/, '') };
  if (remote && remote.type !== 'icloud') throw new UsageError(`remote "${account}" is a ${remote.type} remote, not icloud`);
  const parsed = icloudOptions.safeParse(raw);
  if (!parsed.success) throw new UsageError(`bad iCloud account options for "${account}":`, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

export async function signInIcloud(ctx: AppContext, request: IcloudAuthRequest, signal: AbortSignal): Promise<AuthStatus> {
  const o = accountOptions(ctx, request.account);
  const secrets = await ctx.secrets();
  await signIn({
    appleId: o.appleId, authUrl: o.authUrl, setupUrl: o.setupUrl, password: await request.password(), savePassword: true, forceSrp: true,
    pcs: pcsTiming(o), ...(request.phone === undefined ? {} : { mfa: { phone: request.phone } }),
  },
    { secrets, interaction: request.interaction, log: silentLogger }, signal);
  return authStatus({ appleId: o.appleId, authUrl: o.authUrl, setupUrl: o.setupUrl }, { secrets }, signal);
}

export async function icloudStatus(ctx: AppContext, account: string, signal: AbortSignal): Promise<AuthStatus> {
  const o = accountOptions(ctx, account);
  return authStatus({ appleId: o.appleId, authUrl: o.authUrl, setupUrl: o.setupUrl }, { secrets: await ctx.secrets() }, signal);
}
