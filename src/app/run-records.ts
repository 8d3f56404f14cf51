/**
 * @module Run rows the engine does not write itself: a task run stopped before it planned (sign-in needed, destination
 * gone), runs whose owning process is gone (marked interrupted by whichever server notices, once), and each run's log lines.
 */
import type { RunId, RunSummary } from '../core/outcome.ts';
import type { AppContext } from './context.ts';
import type { TaskRecord, TaskRepository } from './tasks.ts';
import { pidAlive } from '../core/pid-alive.ts';

export const INTERRUPTED = 'interrupted';
export const INTERRUPTED_MESSAGE = 'The process running this run stopped before it finished (crash, kill, or out of touch with the catalog for a minute). Resume finishes it: files already copied are kept.';

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
 * Marks interrupted the runs whose owning process is gone: its lease lapsed, it stopped without finishing them, or it
 * is dead on this machine (its PID gone: no need to wait out its lease, so a server restarted after a crash sees its
 * own cut-off runs at once). Runs of live owners, on this server or another, are left alone. Each run is marked by
 * exactly one caller, which also writes its reason and log line; its ids are returned.
 */
export async function markInterrupted(ctx: Pick<AppContext, 'catalog'>, repo: TaskRepository): Promise<string[]> {
  const owners = ctx.catalog.runOwners;
  for (const owner of await owners.owners()) {
    const sameMachine = owner.node !== null && owner.node === owners.self.node;
    if (owner.id !== owners.self.id && sameMachine && !pidAlive(owner.pid)) await owners.retire(owner.id);
  }
  const runs = await owners.interruptLapsed(INTERRUPTED);
  for (const { id, taskRun } of runs) {
    if (taskRun) await repo.setRunError(id, INTERRUPTED, INTERRUPTED_MESSAGE);
    await appendLog(ctx, id, [{ at: Date.now(), level: 'error', message: INTERRUPTED_MESSAGE }]);
  }
  return runs.map((r) => r.id);
}

export const appendLog = (ctx: Pick<AppContext, 'catalog'>, runId: string, lines: readonly LogLine[]): Promise<void> => ctx.catalog.runLog.append(runId, lines);

export async function runLog(ctx: Pick<AppContext, 'catalog'>, runId: string): Promise<LogLine[]> {
  return (await ctx.catalog.runLog.lines(runId)).map((l) => ({ ...l, level: l.level as LogLine['level'] }));
}
