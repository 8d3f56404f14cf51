/** @module The dashboard: files of web/dist at `/`, and index.html for any other GET outside /api (SPA routing). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { HttpError } from '../errors.ts';

export async function register(app: FastifyInstance, root: string): Promise<void> {
  const built = existsSync(join(root, 'index.html'));
  if (built) await app.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (request.method !== 'GET' || path.startsWith('/api/') || path === '/api') throw new HttpError(404, 'not-found', `No route ${request.method} ${path}.`);
    if (!built) return reply.type('text/plain').send('The dashboard is not built: run `npm run build` in web/ (the API is up at /api).\n');
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });
}
