/** @module Migration 0003: dashboard admin sessions kept in the catalog, so a server restart does not log the admin out. */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Table types of this migration (viewed through `db.withTables<AdminSessionTables>()`). */
// A type alias, not an interface: Kysely's withTables<T> needs an index-signature-compatible type.
export type AdminSessionTables = {
  admin_sessions: {
    /** SHA-256 of the cookie token: the catalog never holds a token that would open a session. */
    id: string;
    created_at: number;
    last_seen_at: number;
  };
};

export const adminSessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('admin_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
