/**
 * @module Migration 0010: a change sequence (one counter row, bumped in every transaction that writes assets or
 * placements, stamped on the rows it wrote) so the library files can be patched with only what changed since they
 * were last written, instead of rebuilt from every asset.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// A type alias, not an interface: Kysely's withTables<T> needs an index-signature-compatible type.
export type ChangeSeqTables = {
  /** One row (id 1). Its update row-locks until commit, so sequence order is commit order on both databases. */
  change_seq: { id: number; n: number };
};

export const changeSeq: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('change_seq')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .execute();
    await (db as Kysely<ChangeSeqTables>).insertInto('change_seq').values({ id: 1, n: 0 }).execute();
    await db.schema.alterTable('assets').addColumn('changed_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('placements').addColumn('changed_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.createIndex('assets_changed').on('assets').columns(['source_id', 'changed_seq']).execute();
    await db.schema.createIndex('placements_changed').on('placements').columns(['destination_id', 'changed_seq']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('placements_changed').execute();
    await db.schema.dropIndex('assets_changed').execute();
    await db.schema.alterTable('placements').dropColumn('changed_seq').execute();
    await db.schema.alterTable('assets').dropColumn('changed_seq').execute();
    await db.schema.dropTable('change_seq').execute();
  },
};
