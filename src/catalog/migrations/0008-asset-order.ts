/** @module Migration 0008: an index in the order assets are paged (source, taken_at, id), so each keyset page is a range read, not a sort of the library. */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export const assetOrder: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('assets_order').on('assets').columns(['source_id', 'taken_at', 'id']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('assets_order').execute();
  },
};
