/** @module Tasks: CRUD, run now, pause, resume, cancel, and the live events of a task's current run. */
import type { FastifyInstance } from 'fastify';
import { ConflictError, taskInputSchema } from '../../app/tasks.ts';
import { checkTargetPaths } from '../../app/allowed-roots.ts';
import { paramsOf, parse, type ServerServices } from '../services.ts';
import { taskView } from '../views.ts';
import { streamLive } from '../sse.ts';
import { CSRF, SESSION } from '../access.ts';

export function register(app: FastifyInstance, s: ServerServices): void {
  const idOf = (request: Parameters<typeof paramsOf>[0]) => paramsOf(request)['id']!;

  app.get('/api/tasks', SESSION, async () => Promise.all((await s.repo.list()).map((t) => taskView(t, s))));
  const checked = async (body: unknown) => {
    const input = parse(taskInputSchema, body);
    await checkTargetPaths(s.ctx, s.paths, input.source, 'source');
    await checkTargetPaths(s.ctx, s.paths, input.destination, 'destination');
    return input;
  };

  app.post('/api/tasks', CSRF, async (request, reply) => {
    const task = await s.repo.create(await checked(request.body));
    await s.scheduler.refresh(task.id);
    return reply.code(201).send(await taskView(task, s));
  });
  app.get('/api/tasks/:id', SESSION, async (request) => taskView(await s.repo.get(idOf(request)), s));
  app.put('/api/tasks/:id', CSRF, async (request) => {
    const task = await s.repo.update(idOf(request), await checked(request.body));
    await s.scheduler.refresh(task.id);
    return taskView(task, s);
  });
  app.delete('/api/tasks/:id', CSRF, async (request, reply) => {
    const id = idOf(request);
    await s.repo.get(id);
    const live = s.runner.activeOf(id);
    if (live !== undefined) { s.runner.cancel(id); await live.done; }
    await s.repo.remove(id);
    await s.scheduler.refresh(id);
    return reply.code(204).send();
  });

  app.post('/api/tasks/:id/run', CSRF, async (request, reply) => {
    const live = await s.runner.start(idOf(request), 'manual');
    return reply.code(202).send({ taskId: live.task.id, runId: await live.whenPlanned(s.planWaitMs) });
  });
  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/api/tasks/:id/${action}`, CSRF, async (request) => {
      const task = await s.repo.setPaused(idOf(request), paused);
      await s.scheduler.refresh(task.id);
      return taskView(task, s);
    });
  }
  app.post('/api/tasks/:id/cancel', CSRF, async (request, reply) => {
    const id = idOf(request);
    await s.repo.get(id);
    const live = s.runner.cancel(id);
    await Promise.race([live.done, new Promise((r) => setTimeout(r, 5000))]);
    return reply.code(202).send(await taskView(await s.repo.get(id), s));
  });
  app.get('/api/tasks/:id/events', SESSION, async (request, reply) => {
    const id = idOf(request);
    await s.repo.get(id);
    const live = s.runner.activeOf(id);
    if (live === undefined) throw new ConflictError('This task is not running.');
    streamLive(request, reply, live);
  });
}
