/** @module Run history, one run with its failures, reports (CSV/JSON), retry, and live events over SSE. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getTaskRun, listTaskRuns, reportCsv, runFailures, runReport } from '../../app/task-runs.ts';
import { ConflictError } from '../../app/tasks.ts';
import { paramsOf, parse, type ServerServices } from '../services.ts';
import { runView } from '../views.ts';
import { streamEnded, streamLive } from '../sse.ts';
import { CSRF, SESSION } from '../access.ts';

const listQuery = z.strictObject({ task: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });

export function register(app: FastifyInstance, s: ServerServices): void {
  const idOf = (request: Parameters<typeof paramsOf>[0]) => paramsOf(request)['id']!;

  app.get('/api/runs', SESSION, async (request) => {
    const q = parse(listQuery, request.query);
    return (await listTaskRuns(s.ctx, s.repo, { limit: q.limit, ...(q.task === undefined ? {} : { task: q.task }) })).map(runView);
  });
  app.get('/api/runs/:id', SESSION, async (request) => {
    const run = await getTaskRun(s.ctx, s.repo, idOf(request));
    const live = s.runner.byRunId(run.id);
    return { run: runView(run), failures: await runFailures(s.ctx, run.id), ...(live && !live.progress.ended ? { snapshot: live.snapshot() } : {}) };
  });
  app.get('/api/runs/:id/report.json', SESSION, async (request, reply) => {
    const { run, outcomes } = await runReport(s.ctx, s.repo, idOf(request));
    return reply.header('content-disposition', `attachment; filename="photoferry-run-${run.id}.json"`).send({ run: runView(run), outcomes });
  });
  app.get('/api/runs/:id/report.csv', SESSION, async (request, reply) => {
    const { run, outcomes } = await runReport(s.ctx, s.repo, idOf(request));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="photoferry-run-${run.id}.csv"`).send(reportCsv(outcomes));
  });
  // A new run of the task: the plan skips every file already recorded at the destination, so it sends the failed ones (and anything new).
  app.post('/api/runs/:id/retry', CSRF, async (request, reply) => {
    const run = await getTaskRun(s.ctx, s.repo, idOf(request));
    if (run.taskId === null) throw new ConflictError('This run was not started by a task (retry it from the CLI with the same command).');
    const live = await s.runner.start(run.taskId, `retry of ${run.id}`);
    return reply.code(202).send({ taskId: run.taskId, runId: await live.whenPlanned(s.planWaitMs) });
  });
  app.get('/api/runs/:id/events', SESSION, async (request, reply) => {
    const live = s.runner.byRunId(idOf(request));
    if (live !== undefined) { streamLive(request, reply, live); return; }
    streamEnded(request, reply, await getTaskRun(s.ctx, s.repo, idOf(request)));
  });
}
