/**
 * @module Run rows the engine does not write itself: a task run stopped before it planned (sign-in needed, destination
 * gone), runs a crash left "running" (marked interrupted at server start), and each run's log lines.
 */
import type { Kysely } from 'kysely';
import type { RunId, RunSummary } from '../core/outcome.ts';
import type { CatalogDatabase } from '../catalog/schema.ts';
import type { DashTables } from '../catalog/migrations/0007-dash.ts';
import type { ServerTables } from '../catalog/migrations/0002-server.ts';
import type { AppContext } from './context.ts';
import type { TaskRecord, TaskRepository } from './tasks.ts';

export const INTERRUPTED = 'interrupted';
export const INTERRUPTED_MESSAGE = 'The server stopped while this run was going (crash or kill). Resume finishes it: files already copied are kept.';

export interface LogLine { readonly at: number; readonly level: 'info' | 'warn' | 'error'; readonly message: string }

type Db = Kysely<CatalogDatabase & ServerTables & DashTables>;
const dbOf = (ctx: Pick<AppContext, 'db'>): Db => ctx.db.withTables<ServerTables & DashTables>();

const stoppedSummary = (status: RunSummary['status'], durationMs: number): RunSummary => ({
  assets: 0, files: { copied: 0, present: 0, removed: 0, failed: 0, filtered: 0 }, bytes: 0, durationMs, status,
});

/** A run that ended before the engine started one: recorded like any other, with its reason, so history never goes silent. */
export async function recordStoppedEarly(
  ctx: Pick<AppContext, 'catalog'>, repo: TaskRepository, task: TaskRecord, error: { code: string; message: string }, startedAt: Date,
): Promise<RunId> {
  const runId = await ctx.catalog.startRun({ sourceId: task.source, destinationId: task.destination, command: 'copy' });
  await repo.linkRun(runId, task.id);
  await repo.setRunError(runId, error.code, error.message);
  await ctx.catalog.finishRun(runId, stoppedSummary(error.code === 'cancelled' ? 'cancelled' : 'failed', Date.now() - startedAt.getTime()));
  return runId;
}

/**
 * At server start no task run can be going, so a task run still "running" was cut off by a crash or kill -9.
 * Runs of the CLI are left alone: one may be going right now in another process.
 */
export async function markInterrupted(ctx: Pick<AppContext, 'db'>, repo: TaskRepository): Promise<string[]> {
  const db = dbOf(ctx);
  const rows = await db.selectFrom('runs').innerJoin('task_runs', 'task_runs.run_id', 'runs.id')
    .select('runs.id').where('runs.status', '=', 'running').execute();
  for (const { id } of rows) {
    await db.updateTable('runs').set({ status: INTERRUPTED, finished_at: Date.now() }).where('id', '=', id).execute();
    await repo.setRunError(id, INTERRUPTED, INTERRUPTED_MESSAGE);
    await appendLog(ctx, id, [{ at: Date.now(), level: 'error', message: INTERRUPTED_MESSAGE }]);
  }
  return rows.map((r) => r.id);
}

export async function appendLog(ctx: Pick<AppContext, 'db'>, runId: string, lines: readonly LogLine[]): Promise<void> {
  if (lines.length === 0) return;
  const db = dbOf(ctx);
  const last = await db.selectFrom('run_log').select((eb) => eb.fn.max('seq').as('seq')).where('run_id', '=', runId).executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  for (let i = 0; i < lines.length; i += 200) {
    await db.insertInto('run_log').values(lines.slice(i, i + 200).map((l) => ({ run_id: runId, seq: ++seq, at: l.at, level: l.level, message: l.message }))).execute();
  }
}

export async function runLog(ctx: Pick<AppContext, 'db'>, runId: string): Promise<LogLine[]> {
  const rows = await dbOf(ctx).selectFrom('run_log').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
  return rows.map((r) => ({ at: Number(r.at), level: r.level as LogLine['level'], message: r.message }));
}
