/** @module Tasks and task↔run links as stored rows; the app validates a task's spec (zod) on the way in and out. */
import type { Kysely } from 'kysely';
import type { CatalogTables, ServerTables } from '../schema.ts';

export type TaskRow = ServerTables['tasks'];
export type TaskRunRow = ServerTables['task_runs'];

/** Numbers come back as text from PostgreSQL's bigint; the store hands out plain numbers on both dialects. */
const toRow = (r: TaskRow): TaskRow => ({
  ...r, paused: Number(r.paused), created_at: Number(r.created_at), updated_at: Number(r.updated_at),
  last_slot_at: r.last_slot_at === null ? null : Number(r.last_slot_at),
});

export function createTaskStore(db: Kysely<CatalogTables>) {
  return {
    async get(id: string): Promise<TaskRow | undefined> {
      const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRow(row);
    },
    async list(): Promise<TaskRow[]> {
      return (await db.selectFrom('tasks').selectAll().orderBy('created_at').orderBy('id').execute()).map(toRow);
    },
    async insert(row: TaskRow): Promise<void> {
      await db.insertInto('tasks').values(row).execute();
    },
    async update(id: string, fields: Partial<Omit<TaskRow, 'id'>>): Promise<void> {
      await db.updateTable('tasks').set(fields).where('id', '=', id).execute();
    },
    async remove(id: string): Promise<void> {
      await db.deleteFrom('tasks').where('id', '=', id).execute();
    },
    /**
     * Moves a task's last slot forward to `at` unless it is already there: with several servers on one catalog the
     * one whose update wins runs the slot (true), the others skip it (false).
     */
    async claimSlot(id: string, at: number): Promise<boolean> {
      const result = await db.updateTable('tasks').set({ last_slot_at: at }).where('id', '=', id)
        .where((eb) => eb.or([eb('last_slot_at', 'is', null), eb('last_slot_at', '<', at)])).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async linkRun(runId: string, taskId: string): Promise<void> {
      await db.insertInto('task_runs').values({ run_id: runId, task_id: taskId, error_code: null, error_message: null })
        .onConflict((oc) => oc.column('run_id').doNothing()).execute();
    },
    async setRunError(runId: string, code: string, message: string): Promise<void> {
      await db.updateTable('task_runs').set({ error_code: code, error_message: message }).where('run_id', '=', runId).execute();
    },
    async runLink(runId: string): Promise<TaskRunRow | undefined> {
      return db.selectFrom('task_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    },
    async runIdsOf(taskId: string, limit: number): Promise<string[]> {
      const rows = await db.selectFrom('task_runs').innerJoin('runs', 'runs.id', 'task_runs.run_id')
        .select('task_runs.run_id').where('task_runs.task_id', '=', taskId).orderBy('runs.started_at', 'desc').limit(limit).execute();
      return rows.map((r) => r.run_id);
    },
  };
}
export type TaskStore = ReturnType<typeof createTaskStore>;

/** Server-wide settings (admin password hash, notification settings): text values by key. */
export function createSettingsStore(db: Kysely<CatalogTables>) {
  return {
    async get(key: string): Promise<string | undefined> {
      return (await db.selectFrom('server_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
    },
    async set(key: string, value: string): Promise<void> {
      await db.insertInto('server_settings').values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    },
    /** Sets `key` only if it has no value yet; true when this call set it (the row is the lock, on both dialects). */
    async setIfAbsent(key: string, value: string): Promise<boolean> {
      const result = await db.insertInto('server_settings').values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async delete(key: string): Promise<void> {
      await db.deleteFrom('server_settings').where('key', '=', key).execute();
    },
  };
}
export type SettingsStore = ReturnType<typeof createSettingsStore>;
