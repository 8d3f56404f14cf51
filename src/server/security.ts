/** @module Dashboard sessions (random token cookie + CSRF token) and the per-IP login slow-down. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'pf_session';

interface Session { readonly csrf: string; expiresAt: number }

/** In memory on purpose: a restart logs everyone out, and no session token ever touches the disk. */
export function createSessions(idleMs = 12 * 3600_000, now: () => number = Date.now) {
  const sessions = new Map<string, Session>();
  // Keyed by a hash of the token, so even a heap dump does not hand out live cookies.
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  return {
    create(): { token: string; csrf: string } {
      const token = randomBytes(32).toString('base64url');
      const csrf = randomBytes(24).toString('base64url');
      sessions.set(keyOf(token), { csrf, expiresAt: now() + idleMs });
      return { token, csrf };
    },
    /** The session's CSRF token, or undefined when the cookie is missing, unknown or idle too long. */
    lookup(token: string | undefined): string | undefined {
      if (token === undefined || token === '') return undefined;
      const s = sessions.get(keyOf(token));
      if (s === undefined) return undefined;
      if (s.expiresAt < now()) { sessions.delete(keyOf(token)); return undefined; }
      s.expiresAt = now() + idleMs;
      return s.csrf;
    },
    destroy(token: string | undefined): void { if (token !== undefined) sessions.delete(keyOf(token)); },
  };
}
export type Sessions = ReturnType<typeof createSessions>;

export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Exponential slow-down per IP: after n failures the next attempt must wait base·2^(n-1) (capped). A success resets it.
 * Refusing early (429) rather than sleeping keeps a flood from tying up the server.
 */
export function createLoginLimiter(baseMs = 1000, maxMs = 300_000, now: () => number = Date.now) {
  const state = new Map<string, { failures: number; notBefore: number }>();
  return {
    check(ip: string): void {
      const s = state.get(ip);
      const wait = s === undefined ? 0 : s.notBefore - now();
      if (wait > 0) throw new HttpError(429, 'rate-limited', `Too many failed logins: try again in ${Math.ceil(wait / 1000)} s.`, { 'retry-after': String(Math.ceil(wait / 1000)) });
    },
    failed(ip: string): void {
      const failures = (state.get(ip)?.failures ?? 0) + 1;
      state.set(ip, { failures, notBefore: now() + Math.min(maxMs, baseMs * 2 ** (failures - 1)) });
      if (state.size > 10_000) state.delete(state.keys().next().value!);
    },
    succeeded(ip: string): void { state.delete(ip); },
  };
}
export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
