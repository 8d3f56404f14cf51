/** @module JSON shapes of tasks and runs as docs/api.md describes them. */
import type { TaskRecord } from '../app/tasks.ts';
import type { TaskRun } from '../app/task-runs.ts';
import type { ServerServices } from './services.ts';

export function runView(run: TaskRun) {
  return {
    id: run.id, taskId: run.taskId, sourceId: run.sourceId, destinationId: run.destinationId, command: run.command,
    startedAt: run.startedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null,
    status: run.status, summary: run.summary, ...(run.error === undefined ? {} : { error: run.error }),
  };
}

export async function taskView(task: TaskRecord, s: ServerServices) {
  const live = s.runner.activeOf(task.id);
  const [last] = await s.repo.runIdsOf(task.id, 1);
  const lastRun = last === undefined ? null : await s.ctx.catalog.run(last);
  const link = last === undefined ? undefined : await s.repo.runLink(last);
  return {
    id: task.id, name: task.name, source: task.source, destination: task.destination,
    ...(task.albums === undefined ? {} : { albums: task.albums }),
    filters: task.filters ?? {},
    ...(task.template === undefined ? {} : { template: task.template }),
    ...(task.policy === undefined ? {} : { policy: task.policy }),
    schedule: task.schedule, paused: task.paused,
    createdAt: task.createdAt.toISOString(), updatedAt: task.updatedAt.toISOString(),
    nextRunAt: s.scheduler.nextRunAt(task.id)?.toISOString() ?? null,
    active: live === undefined ? null : { runId: live.runId, state: live.snapshot().state },
    lastRun: lastRun === null ? null : runView({
      ...lastRun, taskId: task.id,
      ...(link?.error_code ? { error: { code: link.error_code, message: link.error_message ?? '' } } : {}),
    }),
  };
}
