/**
 * @module Migration 0009: who coordinates each run — the owning process's heart-beating lease (`run_owners`), the
 * owner on every run, and one lease per task (`task_leases`) so a task has at most one live run in the cluster.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// A type alias, not an interface: Kysely's withTables<T> needs an index-signature-compatible type.
export type OwnerTables = {
  /** One row per process that starts runs (a server or a CLI copy): alive while `lease_until` is ahead. */
  run_owners: {
    id: string;
    host: string;
    /** The machine and PID namespace the PID means something in (Linux), so a neighbour can tell a dead PID. */
    node: string | null;
    pid: number;
    started_at: number;
    lease_until: number;
  };
  /** The one live run of a task: held by an owner while its lease lasts, released when the run ends. */
  task_leases: {
    task_id: string;
    owner: string;
    run_id: string | null;
    since: number;
  };
};

export const runOwners: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('run_owners')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('node', 'text')
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_until', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createTable('task_leases')
      .addColumn('task_id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('since', 'bigint', (c) => c.notNull())
      .execute();
    // Runs recorded before this migration keep a null owner: treated as an owner that is gone.
    await db.schema.alterTable('runs').addColumn('owner', 'text').execute();
    await db.schema.createIndex('runs_status').on('runs').column('status').execute();
  },
};
