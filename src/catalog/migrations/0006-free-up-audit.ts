/** @module Migration 0006: free-up runs and their audit trail (what was verified where, then sent to Recently Deleted, then maybe recovered). */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// A type alias, not an interface: Kysely's withTables<T> needs an index-signature-compatible type.
export type FreeUpTables = {
  free_up_runs: {
    id: string;
    source_id: string;
    /** What the user typed for the source (a remote name or icloud:ID), so `--undo RUN` can open it again. */
    source_spec: string;
    /** Required destinations as JSON: [{ id, spec }]. */
    destinations: string;
    /** The selection criteria as JSON (for the audit summary). */
    criteria: string;
    started_at: number;
    finished_at: number | null;
    /** running | done | stopped | failed | undone */
    status: string;
    message: string | null;
  };
  free_up_audit: {
    run_id: string;
    asset_id: string;
    batch: number;
    /** pending (written before the batch is sent) | deleted | failed | recovered | not-sent */
    state: string;
    /** The audit entry as JSON: asset, resources with SHA-256, destinations verified, bytes, year, type. */
    entry: string;
    bytes: number;
    at: number;
    updated_at: number;
  };
};

export const freeUpAudit: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('free_up_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('source_spec', 'text', (c) => c.notNull())
      .addColumn('destinations', 'text', (c) => c.notNull())
      .addColumn('criteria', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .execute();
    await db.schema.createTable('free_up_audit')
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('asset_id', 'text', (c) => c.notNull())
      .addColumn('batch', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('entry', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('free_up_audit_pk', ['run_id', 'asset_id'])
      .execute();
    await db.schema.createIndex('free_up_audit_state').on('free_up_audit').columns(['state']).execute();
  },
};
