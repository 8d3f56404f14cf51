/**
 * @module iCloud accounts signed in from the browser, where the 2FA code arrives in a later request than the password
 * (the dashboard's own admin password is admin-auth.ts).
 */
import { signIn, authStatus, signOut } from '../sources/icloud/auth/index.ts';
import { icloudOptions, pcsTiming } from '../sources/icloud/index.ts';
import type { SourceInteraction } from '../sources/define.ts';
import { silentLogger } from '../connectors/context.ts';
import type { AppContext } from './context.ts';
import { addRemote, listRemotes, removeRemote, remotesDepsOf, showRemote } from './remotes.ts';
import { NotFoundError, type TaskRepository } from './tasks.ts';
import { describeError } from './task-runner.ts';
import { withDeadline } from './deadline.ts';
import type { Notifier } from './notify.ts';
import { clearSignInNeeded, signInNeeded } from './session-health.ts';

export type AccountState = 'needs-code' | 'needs-approval' | 'signed-in' | 'failed' | 'expired';
export interface SignInStep { readonly id: string; readonly appleId: string; readonly state: AccountState; readonly hint?: string; readonly message?: string; readonly deadline?: string }
export interface AccountView {
  readonly id: string; readonly appleId: string; readonly state: AccountState; readonly daysLeft?: number; readonly trustAgeDays?: number; readonly trusted: boolean; readonly message?: string;
  /** Signed in against the Apple simulator on this machine (a demo): the dashboard may show its 2FA code. */
  readonly simulator?: boolean;
  /** The simulator's endpoints, so "sign in again" can fill them in (real Apple accounts use the defaults). */
  readonly authUrl?: string;
  readonly setupUrl?: string;
}

/** The simulator listens on loopback; a real Apple endpoint never does. */
export const isLoopbackUrl = (url: string): boolean => /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(url);
export interface SignInRequest {
  readonly appleId: string; readonly password: string; readonly delivery?: 'device' | 'sms';
  /** A trusted number's id or last digits for the SMS (Apple may list it under bridgeInitiateData). */
  readonly phone?: string;
  readonly authUrl?: string; readonly setupUrl?: string;
}

/** Remote names allow letters, digits and `_ . @ -`; an Apple ID that is a phone number gets its `+` replaced. */
export const accountIdOf = (appleId: string): string => `icloud-${appleId.toLowerCase().replace(/[^a-z0-9_.@-]/g, '-')}`.slice(0, 64);

interface Pending {
  readonly appleId: string;
  readonly authUrl: string;
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

/** `repo` (the server's) knows what the last runs found; without it the state is what the saved session says. */
export function createIcloudAccounts(ctx: AppContext, repo?: TaskRepository) {
  const pending = new Map<string, Pending>();
  /** How recent sign-ins ended, for a browser that asks after the fact. */
  const finished = new Map<string, SignInStep>();
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
      const p: Pending = { appleId: req.appleId, authUrl: req.authUrl ?? '', code: undefined, step: Promise.resolve({ id, appleId: req.appleId, state: 'failed' }), report: () => {}, controller, timer };
      arm(p);
      pending.set(id, p);
      const urls = { ...(req.authUrl ? { authUrl: req.authUrl } : {}), ...(req.setupUrl ? { setupUrl: req.setupUrl } : {}) };
      const o = icloudOptions.parse({ appleId: req.appleId, ...urls });
      let approvalShown = false;
      const interaction: SourceInteraction = {
        promptCode: (hint: string) => new Promise<string>((resolve, reject) => {
          p.code = { resolve, reject };
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
          p.report({ id, appleId: req.appleId, state: 'needs-code', hint });
        }),
        // ADP: the browser shows "approve on your iPhone" and waits (GET …/step) for the outcome.
        notice: (n) => {
          if (n.kind !== 'approve-on-device' || approvalShown) return;
          approvalShown = true;
          const report = p.report;
          arm(p);
          report({ id, appleId: req.appleId, state: 'needs-approval', hint: n.message, deadline: new Date(n.deadline).toISOString() });
        },
      };
      const done = (step: SignInStep) => { clearTimeout(timer); if (pending.get(id) === p) pending.delete(id); finished.set(id, step); p.report(step); };
      void (async () => {
        await signIn({ appleId: o.appleId, authUrl: o.authUrl, setupUrl: o.setupUrl, password: req.password, savePassword: true, forceSrp: true,
          pcs: pcsTiming(o), ...(req.delivery || req.phone ? { mfa: { ...(req.delivery ? { delivery: req.delivery } : {}), ...(req.phone ? { phone: req.phone } : {}) } } : {}) },
          { secrets: await ctx.secrets(), interaction, log: silentLogger }, controller.signal);
        await addRemote(deps, { name: id, type: 'icloud', replace: true, options: { appleId: o.appleId, ...urls } });
        if (repo !== undefined) await clearSignInNeeded(repo, id);
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

    /** The next step of a sign-in waiting for an approval on a device (or its outcome, once known). */
    async nextStep(id: string): Promise<SignInStep> {
      const p = pending.get(id);
      if (p !== undefined) return p.step;
      const last = finished.get(id);
      if (last === undefined) throw new NotFoundError(`No sign-in of "${id}" is in progress; start again.`);
      return last;
    },

    /**
     * Demo only: the code the Apple simulator "sent to the phone", read from its own peek endpoint. Undefined for real
     * Apple accounts (never called for them: only a loopback sign-in service can be the simulator).
     */
    async demoCode(id: string): Promise<string | undefined> {
      const p = pending.get(id);
      const { appleId, authUrl } = p ?? await optionsOf(id);
      if (!isLoopbackUrl(authUrl)) return undefined;
      const response = await fetch(`${new URL(authUrl).origin}/__sim/code?appleId=${encodeURIComponent(appleId)}`, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) { await response.body?.cancel(); return undefined; }
      return ((await response.json()) as { code?: string }).code;
    },

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
          // A run Apple refused outranks what the saved cookies claim: the session is only as good as its last use.
          const refused = repo === undefined ? undefined : await signInNeeded(repo, r.name);
          const expired = !s.saved || (s.valid === false && !s.trusted) || refused !== undefined;
          out.push({
            id: r.name, appleId: o.appleId, state: expired ? 'expired' : 'signed-in', trusted: s.trusted,
            ...(s.daysLeft === undefined || expired ? {} : { daysLeft: s.daysLeft }), ...(s.trustAgeDays === undefined ? {} : { trustAgeDays: s.trustAgeDays }),
            ...(refused === undefined ? {} : { message: `A run on ${refused.since.slice(0, 10)} was refused by Apple: sign in again.` }),
            ...(isLoopbackUrl(o.authUrl) ? { simulator: true, authUrl: o.authUrl, setupUrl: o.setupUrl } : {}),
          });
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
