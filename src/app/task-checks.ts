/**
 * @module The dashboard's one-shot actions besides runs: a task's plan (dry run with counts), which tasks use a
 * destination or account (warnings before removing it), and restoring an archive destination into another.
 */
import type { AppContext } from './context.ts';
import { copyLibrary, type CopyResult } from './copy.ts';
import { summarizePlan, type PlanReport } from './plan-report.ts';
import { noInteraction } from './connect.ts';
import { withFreshRemotes } from './live-config.ts';
import { filtersOf, targetOf, type TaskRecord, type TaskRepository } from './tasks.ts';
import { fidelityOf } from './task-fidelity.ts';
import { stopReason } from './run-reason.ts';
import { UsageError } from '../core/usage-error.ts';

export async function planTask(ctx: AppContext, task: TaskRecord, signal: AbortSignal): Promise<PlanReport> {
  const kinds = ctx.destinations.map((d) => d.kind);
  try {
    const result = await copyLibrary(withFreshRemotes(ctx), {
      source: targetOf(task.source), destination: targetOf(task.destination), command: 'plan', filters: filtersOf(task),
      interaction: noInteraction, fidelity: fidelityOf(task),
      ...(task.template === undefined ? {} : { template: task.template }), ...(task.policy === undefined ? {} : { policy: task.policy }),
    }, signal);
    return result.tally?.report() ?? summarizePlan(result.plan);
  } catch (err) {
    throw new UsageError(stopReason(err, kinds, task.destination).message);
  }
}

/** Tasks whose source or destination is `name`: what breaks when it is removed. */
export async function tasksUsing(repo: TaskRepository, name: string): Promise<{ id: string; name: string }[]> {
  return (await repo.list()).filter((t) => t.source === name || t.destination === name || targetOf(t.destination) === `${name}:`)
    .map((t) => ({ id: t.id, name: t.name }));
}

/**
 * Copies what a backup holds (its manifest) back to `to`: `from` is a destination written by photoferry, read as an
 * archive. Recorded as a run like any other.
 */
export async function restoreArchive(ctx: AppContext, from: string, to: string, signal: AbortSignal): Promise<CopyResult> {
  const kinds = ctx.destinations.map((d) => d.kind);
  try {
    return await copyLibrary(withFreshRemotes(ctx), { source: `archive:${from}:`, destination: targetOf(to), command: 'copy', interaction: noInteraction }, signal);
  } catch (err) {
    throw new UsageError(stopReason(err, kinds, to).message);
  }
}
