/** @module Migration 0007: what the dashboard keeps about runs beyond the engine's record — each run's log lines. */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Table types of this migration, viewed through `db.withTables<DashTables>()`. */
export type DashTables = {
  run_log: {
    run_id: string;
    seq: number;
    at: number;
    level: string;
    message: string;
  };
};

export const dash: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('run_log')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_log_pk', ['run_id', 'seq'])
      .execute();
  },
};
