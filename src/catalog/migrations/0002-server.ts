/** @module Migration 0002: what `photoferry serve` keeps — settings (admin password hash), tasks, and which task started which run. */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** Table types of this migration; the server's repositories view the catalog through `db.withTables<ServerTables>()`. */
// A type alias, not an interface: Kysely's withTables<T> needs an index-signature-compatible type.
export type ServerTables = {
  server_settings: { key: string; value: string };
  tasks: {
    id: string;
    name: string;
    /** The TaskInput as JSON (validated by the app's zod schema on the way in and out). */
    spec: string;
    paused: number;
    created_at: number;
    updated_at: number;
    /** The scheduled time the scheduler last ran (or skipped) this task for: how missed runs are found after a restart. */
    last_slot_at: number | null;
  };
  task_runs: {
    run_id: string;
    task_id: string;
    error_code: string | null;
    error_message: string | null;
  };
};

export const server: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('server_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('last_slot_at', 'bigint')
      .execute();
    await db.schema.createTable('task_runs')
      .addColumn('run_id', 'text', (c) => c.primaryKey())
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .execute();
    await db.schema.createIndex('task_runs_task').on('task_runs').columns(['task_id']).execute();
  },
};
