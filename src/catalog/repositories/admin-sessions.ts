/** @module Dashboard admin sessions as stored rows (id = hash of the cookie token); expiry rules live in app/admin-sessions.ts. */
import type { Kysely } from 'kysely';
import type { AdminSessionTables, CatalogTables } from '../schema.ts';

export type AdminSessionRow = AdminSessionTables['admin_sessions'];

export function createAdminSessionStore(db: Kysely<CatalogTables>) {
  return {
    async insert(row: AdminSessionRow): Promise<void> {
      await db.insertInto('admin_sessions').values(row).execute();
    },
    /** Numbers as numbers on both dialects (PostgreSQL's bigint comes back as text). */
    async get(id: string): Promise<AdminSessionRow | undefined> {
      const row = await db.selectFrom('admin_sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { id: row.id, created_at: Number(row.created_at), last_seen_at: Number(row.last_seen_at) };
    },
    async touch(id: string, at: number): Promise<void> {
      await db.updateTable('admin_sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
    async delete(id: string): Promise<void> {
      await db.deleteFrom('admin_sessions').where('id', '=', id).execute();
    },
    /** Every session, or every one but `keepId`; returns how many ended. */
    async deleteAll(keepId?: string): Promise<number> {
      let q = db.deleteFrom('admin_sessions');
      if (keepId !== undefined) q = q.where('id', '!=', keepId);
      return Number((await q.executeTakeFirst()).numDeletedRows);
    },
    async deleteExpired(seenBefore: number, createdBefore: number): Promise<void> {
      await db.deleteFrom('admin_sessions')
        .where((eb) => eb.or([eb('last_seen_at', '<=', seenBefore), eb('created_at', '<=', createdBefore)])).execute();
    },
  };
}
export type AdminSessionStore = ReturnType<typeof createAdminSessionStore>;
