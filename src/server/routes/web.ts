/** @module The dashboard: the files of web/dist (public routes, one per file), and a plain 404 for anything else. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { HttpError } from '../errors.ts';
import { PUBLIC } from '../access.ts';

export async function register(app: FastifyInstance, root: string): Promise<void> {
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    await app.register(async (files) => {
      // The built page and its assets are what a browser loads before anyone logs in.
      files.addHook('onRoute', (r) => { r.config = { ...r.config, access: 'public' }; });
      await files.register(fastifyStatic, { root, wildcard: false, index: ['index.html'] });
    });
  } else {
    app.get('/', PUBLIC, async (_request, reply) => reply.type('text/plain').send('The dashboard is not built: run `npm run build` in web/ (the API is up at /api).\n'));
  }
  // The dashboard routes with #hashes, so no path needs index.html as a fallback: anything unknown is a 404.
  app.setNotFoundHandler(async (request) => {
    throw new HttpError(404, 'not-found', `No route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}.`);
  });
}
