/**
 * @module iCloud accounts signed in from the browser, where the 2FA code arrives in a later request than the password
 * (the dashboard's own admin password is admin-auth.ts).
 */
import { signIn, authStatus, signOut } from '../sources/icloud/auth/index.ts';
import { icloudOptions } from '../sources/icloud/index.ts';
import { silentLogger } from '../connectors/context.ts';
import type { AppContext } from './context.ts';
import { addRemote, listRemotes, removeRemote, remotesDepsOf, showRemote } from './remotes.ts';
import { NotFoundError } from './tasks.ts';
import { describeError } from './task-runner.ts';
import { withDeadline } from './deadline.ts';
import type { Notifier } from './notify.ts';

export type AccountState = 'needs-code' | 'signed-in' | 'failed' | 'expired';
export interface SignInStep { readonly id: string; readonly appleId: string; readonly state: AccountState; readonly hint?: string; readonly message?: string }
export interface AccountView { readonly id: string; readonly appleId: string; readonly state: AccountState; readonly daysLeft?: number; readonly trusted: boolean; readonly message?: string }
export interface SignInRequest { readonly appleId: string; readonly password: string; readonly delivery?: 'device' | 'sms'; readonly authUrl?: string; readonly setupUrl?: string }

/** Remote names allow letters, digits and `_ . @ -`; an Apple ID that is a phone number gets its `+` replaced. */
export const accountIdOf = (appleId: string): string => `icloud-${appleId.toLowerCase().replace(/[^a-z0-9_.@-]/g, '-')}`.slice(0, 64);

interface Pending {
  readonly appleId: string;
  code: { resolve: (code: string) => void; reject: (err: Error) => void } | undefined;
  /** The answer the current request waits for; re-armed before each code is handed over. */
  step: Promise<SignInStep>;
  report: (s: SignInStep) => void;
  readonly controller: AbortController;
  readonly timer: NodeJS.Timeout;
}

const PENDING_MS = 10 * 60_000;
const CHECK_DEADLINE_MS = 20_000;

function arm(p: Pending): void {
  p.step = new Promise<SignInStep>((resolve) => { p.report = resolve; });
}

export function createIcloudAccounts(ctx: AppContext) {
  const pending = new Map<string, Pending>();
  const deps = remotesDepsOf(ctx);
  const optionsOf = async (id: string) => {
    const view = await showRemote(deps, id);
    if (view.type !== 'icloud') throw new NotFoundError(`No iCloud account "${id}".`);
    return icloudOptions.parse(view.options);
  };

  return {
    /** Starts a sign-in; answers as soon as Apple signs in, asks for a code, or refuses. */
    async start(req: SignInRequest): Promise<SignInStep> {
      const id = accountIdOf(req.appleId);
      pending.get(id)?.controller.abort(new Error('replaced by a new sign-in'));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('the sign-in waited too long for its code')), PENDING_MS);
      timer.unref();
      const p: Pending = { appleId: req.appleId, code: undefined, step: Promise.resolve({ id, appleId: req.appleId, state: 'failed' }), report: () => {}, controller, timer };
      arm(p);
      pending.set(id, p);
      const urls = { ...(req.authUrl ? { authUrl: req.authUrl } : {}), ...(req.setupUrl ? { setupUrl: req.setupUrl } : {}) };
      const o = icloudOptions.parse({ appleId: req.appleId, ...urls });
      const interaction = {
        promptCode: (hint: string) => new Promise<string>((resolve, reject) => {
          p.code = { resolve, reject };
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
          p.report({ id, appleId: req.appleId, state: 'needs-code', hint });
        }),
      };
      const done = (step: SignInStep) => { clearTimeout(timer); if (pending.get(id) === p) pending.delete(id); p.report(step); };
      void (async () => {
        await signIn({ appleId: o.appleId, authUrl: o.authUrl, setupUrl: o.setupUrl, password: req.password, savePassword: true, forceSrp: true,
          ...(req.delivery ? { mfa: { delivery: req.delivery } } : {}) }, { secrets: await ctx.secrets(), interaction, log: silentLogger }, controller.signal);
        await addRemote(deps, { name: id, type: 'icloud', replace: true, options: { appleId: o.appleId, ...urls } });
      })().then(() => done({ id, appleId: req.appleId, state: 'signed-in' }),
        (err: unknown) => done({ id, appleId: req.appleId, state: 'failed', message: describeError(err).message }));
      return p.step;
    },

    /** The code for a sign-in waiting in `needs-code`; a wrong one answers `needs-code` again with Apple's hint. */
    async submitCode(id: string, code: string): Promise<SignInStep> {
      const p = pending.get(id);
      if (p?.code === undefined) throw new NotFoundError(`No sign-in of "${id}" is waiting for a code; start again.`);
      const { resolve } = p.code;
      p.code = undefined;
      arm(p);
      resolve(code.replace(/\s+/g, ''));
      const step = await p.step;
      // Apple's re-prompt after a wrong code starts with "Wrong code."; surface it as the message too.
      return step.state === 'needs-code' && step.hint?.startsWith('Wrong code') ? { ...step, message: step.hint } : step;
    },

    pendingState: (id: string): boolean => pending.get(id)?.code !== undefined,

    async list(check = false): Promise<AccountView[]> {
      const out: AccountView[] = [];
      const secrets = await ctx.secrets();
      for (const r of (await listRemotes(deps)).filter((x) => x.type === 'icloud')) {
        try {
          const o = await optionsOf(r.name);
          if (pending.get(r.name)?.code !== undefined) { out.push({ id: r.name, appleId: o.appleId, state: 'needs-code', trusted: false }); continue; }
          // A deadline, not only an abort signal: the check answers even if a socket ignores the abort.
          const controller = new AbortController();
          const s = await withDeadline(authStatus({ appleId: o.appleId, authUrl: o.authUrl, setupUrl: o.setupUrl, check }, { secrets }, controller.signal),
            CHECK_DEADLINE_MS, controller, `Apple did not answer within ${CHECK_DEADLINE_MS / 1000} s`);
          const expired = !s.saved || (s.valid === false && !s.trusted);
          out.push({ id: r.name, appleId: o.appleId, state: expired ? 'expired' : 'signed-in', trusted: s.trusted, ...(s.daysLeft === undefined ? {} : { daysLeft: s.daysLeft }) });
        } catch (err) {
          out.push({ id: r.name, appleId: r.name, state: 'failed', trusted: false, message: describeError(err).message });
        }
      }
      return out;
    },

    async remove(id: string): Promise<void> {
      const o = await optionsOf(id);
      await signOut({ appleId: o.appleId, authUrl: o.authUrl, setupUrl: o.setupUrl, forgetTrust: true }, { secrets: await ctx.secrets() }, AbortSignal.timeout(20_000));
      await removeRemote(deps, id);
    },

    /** Hourly: tell the user before a session needs a new code, and when it has expired (once a day per account). */
    async checkSessions(notifier: Notifier, expiringDays: number, sent: Map<string, number> = new Map()): Promise<void> {
      const today = Math.floor(Date.now() / 86_400_000);
      for (const a of await this.list(true)) {
        const event = a.state === 'expired' ? 'icloud.session-expired' : a.daysLeft !== undefined && a.daysLeft <= expiringDays ? 'icloud.session-expiring' : undefined;
        if (event === undefined || sent.get(`${a.id}:${event}`) === today) continue;
        sent.set(`${a.id}:${event}`, today);
        await notifier.send({ event, account: a.appleId, ...(a.daysLeft === undefined ? {} : { daysLeft: a.daysLeft }) });
      }
    },
  };
}
export type IcloudAccounts = ReturnType<typeof createIcloudAccounts>;
