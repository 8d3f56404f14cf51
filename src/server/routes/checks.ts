/** @module One-shot actions with a report: a task's plan (dry run), verifying a destination, restoring from an archive destination. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { verifyDestination } from '../../app/verify.ts';
import { planTask, restoreArchive } from '../../app/task-checks.ts';
import { paramsOf, parse, type ServerServices } from '../services.ts';
import { CSRF } from '../access.ts';
import { checkTargetPaths } from '../../app/allowed-roots.ts';

const verifyBody = z.strictObject({ deep: z.boolean().default(false) });
const restoreBody = z.strictObject({ from: z.string().min(1).max(200), to: z.string().min(1).max(500) });
const MAX_PROBLEMS = 200;

/** Stops the work when the browser goes away, and after `ms` at the latest. */
function requestSignal(reply: FastifyReply, ms: number): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => { if (!reply.raw.writableEnded) controller.abort(new Error('client went away')); });
  return AbortSignal.any([controller.signal, AbortSignal.timeout(ms)]);
}

export function register(app: FastifyInstance, s: ServerServices): void {
  app.post('/api/tasks/:id/plan', CSRF, async (request, reply) => planTask(s.ctx, await s.repo.get(paramsOf(request)['id']!), requestSignal(reply, 10 * 60_000)));

  app.post('/api/destinations/:name/verify', CSRF, async (request, reply) => {
    const { deep } = parse(verifyBody, request.body);
    const report = await verifyDestination(s.ctx, `${paramsOf(request)['name']!}:`, { deep }, requestSignal(reply, 30 * 60_000));
    return { ...report, problemCount: report.problems.length, problems: report.problems.slice(0, MAX_PROBLEMS) };
  });

  app.post('/api/restore', CSRF, async (request, reply) => {
    const { from, to } = parse(restoreBody, request.body);
    await checkTargetPaths(s.ctx, s.paths, to, 'destination');
    const result = await restoreArchive(s.ctx, from, to, requestSignal(reply, 60 * 60_000));
    return { runId: result.runId ?? null, summary: result.summary ?? null, ...(result.fatal ? { error: { code: result.fatal.kind, message: result.fatal.message } } : {}) };
  });
}
