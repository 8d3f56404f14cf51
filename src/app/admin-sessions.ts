/**
 * @module Dashboard admin sessions in the catalog: a random cookie token (stored only as its SHA-256), a CSRF token
 * derived from it, idle and absolute expiry, rotation on login and "log out everywhere".
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CatalogDatabase } from '../catalog/schema.ts';
import type { AdminSessionTables } from '../catalog/migrations/0003-admin-sessions.ts';

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

export function adminSessionRepository(base: Kysely<CatalogDatabase>, policy: SessionPolicy = DEFAULT_SESSION_POLICY, now: () => number = Date.now) {
  const db = base.withTables<AdminSessionTables>();
  // last_seen_at is written at most this often, so reads do not each turn into a write.
  const touchEveryMs = Math.min(60_000, policy.idleMs / 10);
  const alive = (row: { created_at: number; last_seen_at: number }, t: number) =>
    Number(row.last_seen_at) + policy.idleMs > t && Number(row.created_at) + policy.absoluteMs > t;
  return {
    async create(): Promise<{ token: string; csrf: string }> {
      const token = randomBytes(32).toString('base64url');
      const t = now();
      await db.insertInto('admin_sessions').values({ id: idOf(token), created_at: t, last_seen_at: t }).execute();
      // Expired rows go here rather than on a timer: logins are rare, and nothing else needs them gone.
      await db.deleteFrom('admin_sessions').where((eb) => eb.or([
        eb('last_seen_at', '<=', t - policy.idleMs), eb('created_at', '<=', t - policy.absoluteMs),
      ])).execute();
      return { token, csrf: csrfOf(token) };
    },
    /** The session's CSRF token, or undefined when the cookie is missing, unknown or expired. */
    async lookup(token: string | undefined): Promise<string | undefined> {
      if (token === undefined || token === '' || token.length > 200) return undefined;
      const id = idOf(token);
      const row = await db.selectFrom('admin_sessions').selectAll().where('id', '=', id).executeTakeFirst();
      const t = now();
      if (row === undefined) return undefined;
      if (!alive(row, t)) { await db.deleteFrom('admin_sessions').where('id', '=', id).execute(); return undefined; }
      if (t - Number(row.last_seen_at) > touchEveryMs) await db.updateTable('admin_sessions').set({ last_seen_at: t }).where('id', '=', id).execute();
      return csrfOf(token);
    },
    async destroy(token: string | undefined): Promise<void> {
      if (token !== undefined) await db.deleteFrom('admin_sessions').where('id', '=', idOf(token)).execute();
    },
    /** Log out everywhere: every session ends, except `keep` when given (the one that asked, after a password change). */
    async destroyAll(keep?: string): Promise<number> {
      let q = db.deleteFrom('admin_sessions');
      if (keep !== undefined) q = q.where('id', '!=', idOf(keep));
      const result = await q.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
export type AdminSessions = ReturnType<typeof adminSessionRepository>;
