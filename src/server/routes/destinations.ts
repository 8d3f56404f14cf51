/** @module Named destinations: list (secrets as ***), add with the connector's schema, Test (marker write/read/remove), delete. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deleteDestination, listDestinations, saveDestination, testDestination } from '../../app/connectors.ts';
import { paramsOf, parse, type ServerServices } from '../services.ts';

/** A Test answers within this, whatever the storage does (a hung NFS mount, a black-holed endpoint). */
const TEST_DEADLINE_MS = 30_000;
import { CSRF, SESSION } from '../access.ts';

const destinationBody = z.strictObject({
  name: z.string().min(1).max(64),
  type: z.string().min(1).max(50),
  options: z.record(z.string().max(100), z.unknown()).refine((o) => Object.keys(o).length <= 50, { error: 'too many options' }).default({}),
  replace: z.boolean().optional(),
});

export function register(app: FastifyInstance, s: ServerServices): void {
  app.get('/api/destinations', SESSION, async () => listDestinations(s.ctx));
  app.post('/api/destinations', CSRF, async (request, reply) => {
    const body = parse(destinationBody, request.body);
    await s.paths.checkOptions(body.type, body.options);
    const saved = await saveDestination(s.ctx, { name: body.name, type: body.type, options: body.options, ...(body.replace === undefined ? {} : { replace: body.replace }) });
    return reply.code(201).send(saved);
  });
  app.post('/api/destinations/:name/test', CSRF, async (request) => testDestination(s.ctx, paramsOf(request)['name']!, TEST_DEADLINE_MS));
  app.delete('/api/destinations/:name', CSRF, async (request, reply) => {
    await deleteDestination(s.ctx, paramsOf(request)['name']!);
    return reply.code(204).send();
  });
}
