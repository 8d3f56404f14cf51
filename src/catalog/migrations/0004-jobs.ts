/** @module Migration 0004: what a cluster of workers shares beside pg-boss's own schema — run batches, live workers, one pacer per account. */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// A type alias, not an interface: Kysely's withTables<T> needs an index-signature-compatible type.
export type JobTables = {
  /** One row per batch job of a run: planned once, its summary written by the worker that finished it. */
  run_batches: {
    run_id: string;
    batch: number;
    files: number;
    bytes: number;
    /** The batch's RunSummary-like counts as JSON, null until a worker finished it. */
    result: string | null;
    worker: string | null;
    attempts: number;
    updated_at: number;
  };
  /** Workers as the server shows them: alive while their heartbeat is recent. */
  workers: {
    id: string;
    host: string;
    pid: number;
    started_at: number;
    heartbeat_at: number;
    current_job: string | null;
    files_done: number;
    bytes_done: number;
  };
  /**
   * One token bucket per source account, shared by every worker: tokens refill at `rate` per second up to `burst`;
   * a throttle anyone saw sets `cooldown_until` for all; `lease_*` is the one sign-in in progress.
   */
  account_pacer: {
    account: string;
    tokens: number;
    rate: number;
    burst: number;
    refilled_at: number;
    cooldown_until: number;
    throttles: number;
    lease_holder: string | null;
    lease_until: number;
  };
};

export const jobs: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('run_batches')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('batch', 'integer', (c) => c.notNull())
      .addColumn('files', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('worker', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('run_batches_pk', ['run_id', 'batch'])
      .execute();
    await db.schema.createTable('workers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
      .addColumn('current_job', 'text')
      .addColumn('files_done', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('bytes_done', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createTable('account_pacer')
      .addColumn('account', 'text', (c) => c.primaryKey())
      .addColumn('tokens', 'double precision', (c) => c.notNull())
      .addColumn('rate', 'double precision', (c) => c.notNull())
      .addColumn('burst', 'double precision', (c) => c.notNull())
      .addColumn('refilled_at', 'bigint', (c) => c.notNull())
      .addColumn('cooldown_until', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('throttles', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_holder', 'text')
      .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
