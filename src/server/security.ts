/** @module Constant-time token comparison and the login slow-down, per client and per account. */
import { timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'pf_session';

export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface LoginLimits {
  /** Wait after a client's first failure; it doubles with each further one. */
  readonly baseMs: number;
  /** Longest wait for one client. */
  readonly clientMaxMs: number;
  /** Failures from all clients together before the account itself is slowed (a botnet rotating addresses). */
  readonly accountFreeFailures: number;
  /** Longest wait for the account: low, so an attacker cannot keep the owner out for long. */
  readonly accountMaxMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { baseMs: 1000, clientMaxMs: 300_000, accountFreeFailures: 5, accountMaxMs: 30_000 };

/**
 * Exponential slow-down: after n failures the next attempt must wait base·2^(n-1) (capped), per client address and,
 * past a few failures, for the account. A success resets both. Refusing early (429) rather than sleeping keeps a
 * flood from tying up the server.
 */
export function createLoginLimiter(limits: Partial<LoginLimits> = {}, now: () => number = Date.now) {
  const l = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  const clients = new Map<string, { failures: number; notBefore: number }>();
  const account = { failures: 0, notBefore: 0 };
  const refuse = (wait: number, who: string) => {
    const s = Math.ceil(wait / 1000);
    throw new HttpError(429, 'rate-limited', `Too many failed logins ${who}: try again in ${s} s.`, { 'retry-after': String(s) });
  };
  return {
    check(client: string): void {
      const own = (clients.get(client)?.notBefore ?? 0) - now();
      if (own > 0) refuse(own, 'from this address');
      const shared = account.notBefore - now();
      if (shared > 0) refuse(shared, 'for this account');
    },
    failed(client: string): void {
      const failures = (clients.get(client)?.failures ?? 0) + 1;
      clients.set(client, { failures, notBefore: now() + Math.min(l.clientMaxMs, l.baseMs * 2 ** (failures - 1)) });
      if (clients.size > 10_000) clients.delete(clients.keys().next().value!);
      account.failures += 1;
      const over = account.failures - l.accountFreeFailures;
      if (over > 0) account.notBefore = now() + Math.min(l.accountMaxMs, l.baseMs * 2 ** (over - 1));
    },
    succeeded(client: string): void {
      clients.delete(client);
      account.failures = 0;
      account.notBefore = 0;
    },
  };
}
export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
