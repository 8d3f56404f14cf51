/**
 * @module Dashboard admin sessions: a random cookie token (the catalog keeps only its SHA-256), a CSRF token derived
 * from it, idle and absolute expiry, rotation on login and "log out everywhere".
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AdminSessionStore } from '../catalog/repositories/admin-sessions.ts';

export interface SessionPolicy {
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after login, used or not. */
  readonly absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 12 * 3600_000, absoluteMs: 7 * 24 * 3600_000 };

const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');
/** The CSRF token is a function of the cookie token: nothing more to store, and it cannot lead back to the cookie. */
const csrfOf = (token: string) => createHash('sha256').update(`csrf:${token}`).digest('base64url');

export function adminSessions(store: AdminSessionStore, policy: SessionPolicy = DEFAULT_SESSION_POLICY, now: () => number = Date.now) {
  // last_seen_at is written at most this often, so reads do not each turn into a write.
  const touchEveryMs = Math.min(60_000, policy.idleMs / 10);
  const alive = (row: { created_at: number; last_seen_at: number }, t: number) =>
    row.last_seen_at + policy.idleMs > t && row.created_at + policy.absoluteMs > t;
  return {
    async create(): Promise<{ token: string; csrf: string }> {
      const token = randomBytes(32).toString('base64url');
      const t = now();
      await store.insert({ id: idOf(token), created_at: t, last_seen_at: t });
      // Expired rows go here rather than on a timer: logins are rare, and nothing else needs them gone.
      await store.deleteExpired(t - policy.idleMs, t - policy.absoluteMs);
      return { token, csrf: csrfOf(token) };
    },
    /** The session's CSRF token, or undefined when the cookie is missing, unknown or expired. */
    async lookup(token: string | undefined): Promise<string | undefined> {
      if (token === undefined || token === '' || token.length > 200) return undefined;
      const id = idOf(token);
      const row = await store.get(id);
      const t = now();
      if (row === undefined) return undefined;
      if (!alive(row, t)) { await store.delete(id); return undefined; }
      if (t - row.last_seen_at > touchEveryMs) await store.touch(id, t);
      return csrfOf(token);
    },
    async destroy(token: string | undefined): Promise<void> {
      if (token !== undefined) await store.delete(idOf(token));
    },
    /** Log out everywhere: every session ends, except `keep` when given. */
    async destroyAll(keep?: string): Promise<number> {
      return store.deleteAll(keep === undefined ? undefined : idOf(keep));
    },
  };
}
export type AdminSessions = ReturnType<typeof adminSessions>;
