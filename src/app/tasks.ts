/** @module Tasks: a saved copy job (source → destination, albums, filters, schedule) kept in the catalog, and its run links. */
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import { filterSchema, type Filters } from '../engine/filters.ts';
import type { ServerTables } from '../catalog/migrations/0002-server.ts';
import type { CatalogDatabase } from '../catalog/schema.ts';

/** Something the user named does not exist; the server answers 404. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request clashes with the current state (already running, already exists); the server answers 409. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

export const PRESETS = { daily: '0 3 * * *', weekly: '0 3 * * 0', monthly: '0 3 1 * *' } as const;

const cronText = z.string().min(1).max(120).refine((text) => {
  try { new Cron(text, { paused: true }).stop(); return true; } catch { return false; }
}, { error: 'not a valid cron expression (5 fields: minute hour day-of-month month day-of-week, or 6 with seconds first)' });

export const scheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('once') }),
  z.strictObject({ type: z.literal('cron'), cron: cronText }),
  z.strictObject({ type: z.literal('preset'), preset: z.enum(['daily', 'weekly', 'monthly']) }),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

export const policySchema = z.strictObject({
  liveVideo: z.boolean().default(true),
  raw: z.enum(['original', 'alternative', 'both']).default('both'),
  edits: z.enum(['original', 'edited', 'both']).default('both'),
});

/** What a task writes besides the originals; the defaults are the CLI's (XMP sidecars, album manifests, no conversion). */
export const taskFidelitySchema = z.strictObject({
  sidecars: z.enum(['xmp', 'json', 'both', 'none']).default('xmp'),
  albums: z.enum(['manifest', 'links', 'none']).default('manifest'),
  convertHeic: z.boolean().default(false),
});
export type TaskFidelity = z.output<typeof taskFidelitySchema>;

export const taskInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  source: z.string().min(1).max(500).describe('account id or remote name, or a source spec such as folder:/photos'),
  destination: z.string().min(1).max(500).describe('destination name, or a spec such as local:/backup'),
  albums: z.array(z.string().min(1)).optional(),
  filters: filterSchema.optional(),
  template: z.string().min(1).max(300).optional(),
  policy: policySchema.optional(),
  fidelity: taskFidelitySchema.optional(),
  /** Bytes per second for the whole run; absent = no limit. */
  bandwidth: z.int().min(1024).max(10 * 1024 ** 3).optional(),
  schedule: scheduleSchema,
  paused: z.boolean().optional(),
});
export type TaskInput = z.infer<typeof taskInputSchema>;

export interface TaskRecord extends TaskInput {
  readonly id: string;
  readonly paused: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastSlotAt: Date | null;
}

/** The cron pattern a schedule runs on, or null for `once`. */
export function cronOf(schedule: Schedule): string | null {
  if (schedule.type === 'cron') return schedule.cron;
  if (schedule.type === 'preset') return PRESETS[schedule.preset];
  return null;
}

/** Album choice and filters as one Filters value for the engine (chosen albums narrow any album filter). */
export function filtersOf(task: TaskInput): Filters {
  const albums = task.albums !== undefined && task.albums.length > 0 ? task.albums : task.filters?.albums;
  return { ...task.filters, ...(albums === undefined ? {} : { albums }) };
}

/** A CLI-style target: a bare remote name (what the dashboard stores) becomes `name:`. */
export const targetOf = (name: string): string => (name.includes(':') || name.includes('/') ? name : `${name}:`);

type Db = Kysely<CatalogDatabase & ServerTables>;
export const serverDb = (db: Kysely<CatalogDatabase>): Db => db.withTables<ServerTables>();
type Row = ServerTables['tasks'];

function toRecord(row: Row): TaskRecord {
  const spec = taskInputSchema.parse(JSON.parse(row.spec));
  return {
    ...spec, id: row.id, paused: row.paused !== 0, createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)), lastSlotAt: row.last_slot_at === null ? null : new Date(Number(row.last_slot_at)),
  };
}

export function taskRepository(base: Kysely<CatalogDatabase>) {
  const db = serverDb(base);
  const get = async (id: string): Promise<TaskRecord> => {
    const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`No task "${id}".`);
    return toRecord(row);
  };
  const specOf = (input: TaskInput) => JSON.stringify({ ...input, paused: undefined });
  return {
    get,
    async list(): Promise<TaskRecord[]> {
      return (await db.selectFrom('tasks').selectAll().orderBy('created_at').execute()).map(toRecord);
    },
    async create(input: TaskInput): Promise<TaskRecord> {
      const id = `t_${randomUUID().slice(0, 8)}`;
      const now = Date.now();
      await db.insertInto('tasks').values({
        id, name: input.name, spec: specOf(input), paused: input.paused === true ? 1 : 0, created_at: now, updated_at: now, last_slot_at: null,
      }).execute();
      return get(id);
    },
    async update(id: string, input: TaskInput): Promise<TaskRecord> {
      const before = await get(id);
      await db.updateTable('tasks').set({
        name: input.name, spec: specOf(input), paused: (input.paused ?? before.paused) ? 1 : 0, updated_at: Date.now(),
      }).where('id', '=', id).execute();
      return get(id);
    },
    async remove(id: string): Promise<void> {
      await get(id);
      await db.deleteFrom('tasks').where('id', '=', id).execute();
    },
    async setPaused(id: string, paused: boolean): Promise<TaskRecord> {
      await get(id);
      await db.updateTable('tasks').set({ paused: paused ? 1 : 0, updated_at: Date.now() }).where('id', '=', id).execute();
      return get(id);
    },
    async setLastSlot(id: string, at: Date): Promise<void> {
      await db.updateTable('tasks').set({ last_slot_at: at.getTime() }).where('id', '=', id).execute();
    },
    async linkRun(runId: string, taskId: string): Promise<void> {
      await db.insertInto('task_runs').values({ run_id: runId, task_id: taskId, error_code: null, error_message: null })
        .onConflict((oc) => oc.column('run_id').doNothing()).execute();
    },
    async setRunError(runId: string, code: string, message: string): Promise<void> {
      await db.updateTable('task_runs').set({ error_code: code, error_message: message }).where('run_id', '=', runId).execute();
    },
    async runLink(runId: string): Promise<ServerTables['task_runs'] | undefined> {
      return db.selectFrom('task_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    },
    async runIdsOf(taskId: string, limit: number): Promise<string[]> {
      const rows = await db.selectFrom('task_runs').innerJoin('runs', 'runs.id', 'task_runs.run_id')
        .select('task_runs.run_id').where('task_runs.task_id', '=', taskId).orderBy('runs.started_at', 'desc').limit(limit).execute();
      return rows.map((r) => r.run_id);
    },
    async setting(key: string): Promise<string | undefined> {
      return (await db.selectFrom('server_settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
    },
    async setSetting(key: string, value: string): Promise<void> {
      await db.insertInto('server_settings').values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    },
  };
}
export type TaskRepository = ReturnType<typeof taskRepository>;
