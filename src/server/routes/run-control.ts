/** @module Controls of runs beyond start/cancel: resume an interrupted run, pause/resume a running one, its bandwidth, its log. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getTaskRun } from '../../app/task-runs.ts';
import { ConflictError } from '../../app/tasks.ts';
import { INTERRUPTED, runLog } from '../../app/run-records.ts';
import { paramsOf, parse, type ServerServices } from '../services.ts';
import { taskView } from '../views.ts';
import { CSRF, SESSION } from '../access.ts';

const bandwidthBody = z.strictObject({ bandwidth: z.int().min(1024).max(10 * 1024 ** 3).nullable() });

export function register(app: FastifyInstance, s: ServerServices): void {
  const idOf = (request: Parameters<typeof paramsOf>[0]) => paramsOf(request)['id']!;

  // A new run of the task: the plan skips what the interrupted run already copied and verified, so it finishes the job.
  app.post('/api/runs/:id/resume', CSRF, async (request, reply) => {
    const run = await getTaskRun(s.ctx, s.repo, idOf(request));
    if (run.status !== INTERRUPTED || run.taskId === null) throw new ConflictError('Only an interrupted run of a task can be resumed.');
    const live = await s.runner.start(run.taskId, `resume of ${run.id}`);
    live.note('info', `resuming run ${run.id}, interrupted by a server stop`);
    const runId = await live.whenPlanned(s.planWaitMs);
    if (runId !== null) await s.repo.setRunError(run.id, INTERRUPTED, `Interrupted by a server stop; resumed as run ${runId}.`);
    return reply.code(202).send({ taskId: run.taskId, runId });
  });

  app.get('/api/runs/:id/log', SESSION, async (request) => {
    const run = await getTaskRun(s.ctx, s.repo, idOf(request));
    const live = s.runner.byRunId(run.id);
    // The lines are in memory until the run is over: written to the catalog after its summary, its error and its
    // last notes, so a browser that asks as soon as the summary arrives still gets them from memory.
    const lines = live !== undefined && !live.over ? live.lines : await runLog(s.ctx, run.id);
    return { runId: run.id, lines: lines.map((l) => ({ ...l, at: new Date(l.at).toISOString() })) };
  });

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/api/tasks/:id/run/${action}`, CSRF, async (request) => {
      const live = s.runner.pause(idOf(request), paused);
      return { taskId: live.task.id, runId: live.runId, paused: live.gate.paused };
    });
  }

  // Saved on the task (every later run) and applied to the running run at once.
  app.put('/api/tasks/:id/bandwidth', CSRF, async (request) => {
    const { bandwidth } = parse(bandwidthBody, request.body);
    const task = await s.repo.get(idOf(request));
    const { id: _id, createdAt: _c, updatedAt: _u, lastSlotAt: _l, bandwidth: _b, ...input } = task;
    const saved = await s.repo.update(task.id, { ...input, ...(bandwidth === null ? {} : { bandwidth }) });
    s.runner.limit(task.id, bandwidth);
    return taskView(saved, s);
  });
}
