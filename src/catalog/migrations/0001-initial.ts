/** @module Migration 0001: sources, assets, albums, placements, runs, outcomes, connector state. */
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { withRowNumber } from './dialect.ts';

export const initial: Migration = {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .addColumn('listing_gen', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('listing_open', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createTable('assets')
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('taken_at', 'bigint', (c) => c.notNull())
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('bytes', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('seen_gen', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('assets_pk', ['source_id', 'id'])
        .execute();
      await db.schema.createTable('albums')
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('albums_pk', ['source_id', 'id'])
        .execute();
      await db.schema.createTable('placements')
        .addColumn('destination_id', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('asset_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('path_key', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('verified_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('placements_pk', ['destination_id', 'source_id', 'asset_id', 'role'])
        .execute();
      await db.schema.createIndex('placements_path').on('placements').columns(['destination_id', 'path_key']).execute();
      await db.schema.createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('destination_id', 'text', (c) => c.notNull())
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .execute();
      await withRowNumber(db, db.schema.createTable('outcomes'), 'seq')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('asset_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('bytes', 'bigint', (c) => c.notNull())
        .addColumn('path', 'text')
        .addColumn('error_kind', 'text')
        .addColumn('message', 'text')
        .execute();
      await db.schema.createIndex('outcomes_run').on('outcomes').columns(['run_id']).execute();
      await db.schema.createTable('connector_state')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('connector_state_pk', ['scope', 'key'])
        .execute();
      await sql`select 1`.execute(db);
    },
};
