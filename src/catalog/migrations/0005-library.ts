/** @module Migration 0005: library destinations — remote ids and checksums on placements, remote albums and album memberships. */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Table types of this migration; the library records view the catalog through `db.withTables<LibraryTables>()`. */
// A type alias, not an interface: Kysely's withTables<T> needs an index-signature-compatible type.
export type LibraryTables = {
  /** Our album id → the service's album id, and the name it was last given there (a change means rename). */
  remote_albums: { destination_id: string; source_id: string; album_id: string; remote_id: string; name: string };
  /** Which of our assets the service's album holds (the still's remote id is on its placement). */
  album_members: { destination_id: string; source_id: string; album_id: string; asset_id: string };
};

export const library: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('placements').addColumn('remote_id', 'text').execute();
    await db.schema.alterTable('placements').addColumn('remote_checksum', 'text').execute();
    await db.schema.createTable('remote_albums')
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('album_id', 'text', (c) => c.notNull())
      .addColumn('remote_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('remote_albums_pk', ['destination_id', 'source_id', 'album_id'])
      .execute();
    await db.schema.createTable('album_members')
      .addColumn('destination_id', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('album_id', 'text', (c) => c.notNull())
      .addColumn('asset_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('album_members_pk', ['destination_id', 'source_id', 'album_id', 'asset_id'])
      .execute();
  },
};
