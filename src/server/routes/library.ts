/** @module Library numbers from the catalog, and refreshing a source into it. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { libraryStats, refreshLibrary } from '../../app/library-stats.ts';
import { parse, type ServerServices } from '../services.ts';
import { checkTargetPaths } from '../../app/allowed-roots.ts';
import { CSRF, SESSION } from '../access.ts';

const sourceField = z.strictObject({ source: z.string().min(1).max(500) });

export function register(app: FastifyInstance, s: ServerServices): void {
  app.get('/api/library', SESSION, async (request) => {
    const stats = await libraryStats(s.ctx, parse(sourceField, request.query).source);
    return { ...stats, refreshedAt: stats.refreshedAt?.toISOString() ?? null };
  });
  app.post('/api/library/refresh', CSRF, async (request, reply) => {
    const controller = new AbortController();
    reply.raw.once('close', () => { if (!reply.raw.writableEnded) controller.abort(new Error('client went away')); });
    const { source } = parse(sourceField, request.body);
    await checkTargetPaths(s.ctx, s.paths, source, 'source');
    return refreshLibrary(s.ctx, source, controller.signal);
  });
}
