/** @module Tasks: a saved copy job (source → destination, albums, filters, schedule) kept in the catalog, and its run links. */
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { z } from 'zod';
import { filterSchema, type Filters } from '../engine/filters.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { TaskRow, TaskRunRow } from '../catalog/repositories/tasks.ts';

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

export const taskInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  source: z.string().min(1).max(500).describe('account id or remote name, or a source spec such as folder:/photos'),
  destination: z.string().min(1).max(500).describe('destination name, or a spec such as local:/backup'),
  albums: z.array(z.string().min(1)).optional(),
  filters: filterSchema.optional(),
  template: z.string().min(1).max(300).optional(),
  policy: policySchema.optional(),
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

function toRecord(row: TaskRow): TaskRecord {
  const spec = taskInputSchema.parse(JSON.parse(row.spec));
  return {
    ...spec, id: row.id, paused: row.paused !== 0, createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at), lastSlotAt: row.last_slot_at === null ? null : new Date(row.last_slot_at),
  };
}

/** Tasks as the app sees them: the catalog's rows, validated through the task schema. */
export function taskRepository(catalog: Pick<Catalog, 'tasks' | 'settings'>) {
  const { tasks, settings } = catalog;
  const get = async (id: string): Promise<TaskRecord> => {
    const row = await tasks.get(id);
    if (row === undefined) throw new NotFoundError(`No task "${id}".`);
    return toRecord(row);
  };
  const specOf = (input: TaskInput) => JSON.stringify({ ...input, paused: undefined });
  return {
    get,
    async list(): Promise<TaskRecord[]> {
      return (await tasks.list()).map(toRecord);
    },
    async create(input: TaskInput): Promise<TaskRecord> {
      const id = `t_${randomUUID().slice(0, 8)}`;
      const now = Date.now();
      await tasks.insert({
        id, name: input.name, spec: specOf(input), paused: input.paused === true ? 1 : 0, created_at: now, updated_at: now, last_slot_at: null,
      });
      return get(id);
    },
    async update(id: string, input: TaskInput): Promise<TaskRecord> {
      const before = await get(id);
      await tasks.update(id, { name: input.name, spec: specOf(input), paused: (input.paused ?? before.paused) ? 1 : 0, updated_at: Date.now() });
      return get(id);
    },
    async remove(id: string): Promise<void> {
      await get(id);
      await tasks.remove(id);
    },
    async setPaused(id: string, paused: boolean): Promise<TaskRecord> {
      await get(id);
      await tasks.update(id, { paused: paused ? 1 : 0, updated_at: Date.now() });
      return get(id);
    },
    async setLastSlot(id: string, at: Date): Promise<void> {
      await tasks.update(id, { last_slot_at: at.getTime() });
    },
    /** True for the one server (of all sharing the catalog) that takes this slot. */
    claimSlot: (id: string, at: Date): Promise<boolean> => tasks.claimSlot(id, at.getTime()),
    linkRun: (runId: string, taskId: string): Promise<void> => tasks.linkRun(runId, taskId),
    setRunError: (runId: string, code: string, message: string): Promise<void> => tasks.setRunError(runId, code, message),
    runLink: (runId: string): Promise<TaskRunRow | undefined> => tasks.runLink(runId),
    runIdsOf: (taskId: string, limit: number): Promise<string[]> => tasks.runIdsOf(taskId, limit),
    setting: (key: string): Promise<string | undefined> => settings.get(key),
    setSetting: (key: string, value: string): Promise<void> => settings.set(key, value),
  };
}
export type TaskRepository = ReturnType<typeof taskRepository>;
