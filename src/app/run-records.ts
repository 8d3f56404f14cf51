/**
 * @module Run rows the engine does not write itself: a task run stopped before it planned (sign-in needed, destination
 * gone), runs a crash left "running" (marked interrupted at server start), and each run's log lines.
 */
import type { RunId, RunSummary } from '../core/outcome.ts';
import type { AppContext } from './context.ts';
import type { TaskRecord, TaskRepository } from './tasks.ts';

export const INTERRUPTED = 'interrupted';
export const INTERRUPTED_MESSAGE = 'The server stopped while this run was going (crash or kill). Resume finishes it: files already copied are kept.';

export interface LogLine { readonly at: number; readonly level: 'info' | 'warn' | 'error'; readonly message: string }

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
export async function markInterrupted(ctx: Pick<AppContext, 'catalog'>, repo: TaskRepository): Promise<string[]> {
  const ids = await ctx.catalog.runLog.markRunningTaskRuns(INTERRUPTED);
  for (const id of ids) {
    await repo.setRunError(id, INTERRUPTED, INTERRUPTED_MESSAGE);
    await appendLog(ctx, id, [{ at: Date.now(), level: 'error', message: INTERRUPTED_MESSAGE }]);
  }
  return ids;
}

export const appendLog = (ctx: Pick<AppContext, 'catalog'>, runId: string, lines: readonly LogLine[]): Promise<void> => ctx.catalog.runLog.append(runId, lines);

export async function runLog(ctx: Pick<AppContext, 'catalog'>, runId: string): Promise<LogLine[]> {
  return (await ctx.catalog.runLog.lines(runId)).map((l) => ({ ...l, level: l.level as LogLine['level'] }));
}
