/** @module Free up iCloud: the cost plan, the verified dry run, an explicitly confirmed run with live progress, its audit summary, and undo. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { planCost } from '../../app/cost/plan-cost.ts';
import { freeUpService } from '../../app/free-up/live.ts';
import { withFreshRemotes } from '../../app/live-config.ts';
import { targetOf } from '../../app/tasks.ts';
import { checkTargetPaths } from '../../app/allowed-roots.ts';
import { HttpError } from '../errors.ts';
import { CSRF, SESSION } from '../access.ts';
import { paramsOf, parse, type ServerServices } from '../services.ts';

const sourceField = z.strictObject({ source: z.string().min(1).max(500) });
const form = z.strictObject({
  source: z.string().min(1).max(500),
  olderThan: z.string().max(20).optional(),
  before: z.string().max(40).optional(),
  require: z.array(z.string().min(1).max(500)).max(10).optional(),
  keepFavorites: z.boolean().optional(),
  keepAlbums: z.boolean().optional(),
});
const confirmed = form.extend({ appleId: z.string().min(1).max(320) });

const aborted = (reply: { raw: NodeJS.EventEmitter & { writableEnded: boolean } }) => {
  const controller = new AbortController();
  reply.raw.once('close', () => { if (!reply.raw.writableEnded) controller.abort(new Error('client went away')); });
  return controller.signal;
};

export function register(app: FastifyInstance, s: ServerServices): void {
  const service = freeUpService(s.ctx);
  // Paths typed in the dashboard stay inside the server's allowed roots, as for every other route naming a target.
  const checked = async <T extends { source: string; require?: string[] | undefined }>(f: T): Promise<T> => {
    await checkTargetPaths(s.ctx, s.paths, f.source, 'source');
    for (const d of f.require ?? []) await checkTargetPaths(s.ctx, s.paths, d, 'destination');
    return f;
  };
  app.get('/api/free-up/cost', SESSION, async (request, reply) => {
    const { source } = await checked(parse(sourceField, request.query));
    return planCost(withFreshRemotes(s.ctx), targetOf(source), aborted(reply));
  });
  app.post('/api/free-up/plan', CSRF, async (request, reply) => service.plan(await checked(parse(form, request.body)), aborted(reply)));
  app.post('/api/free-up/runs', CSRF, async (request) => ({ runId: await service.start(await checked(parse(confirmed, request.body))) }));
  app.get('/api/free-up/runs/:id', SESSION, async (request) => {
    const { id } = paramsOf(request);
    const audit = await service.audit(id!);
    return { ...audit, live: service.progress(id!) ?? null };
  });
  app.post('/api/free-up/runs/:id/undo', CSRF, async (request, reply) => {
    const { id } = paramsOf(request);
    if (id === undefined) throw new HttpError(404, 'not-found', 'No such run.');
    return service.undo(id, aborted(reply));
  });
}
