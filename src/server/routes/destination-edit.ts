/** @module Editing a destination (secrets kept unless re-entered) and what uses a destination or account before it is removed. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { editDestination, listDestinations } from '../../app/connectors.ts';
import { tasksUsing } from '../../app/task-checks.ts';
import { paramsOf, parse, type ServerServices } from '../services.ts';
import { CSRF, SESSION } from '../access.ts';

const editBody = z.strictObject({ options: z.record(z.string(), z.unknown()) });

export function register(app: FastifyInstance, s: ServerServices): void {
  app.put('/api/destinations/:name', CSRF, async (request) => {
    const name = paramsOf(request)['name']!;
    const { options } = parse(editBody, request.body);
    const type = (await listDestinations(s.ctx)).find((d) => d.name === name)?.type;
    // The same folder rule as adding one: an edit must not point a destination outside the allowed roots.
    if (type !== undefined) await s.paths.checkOptions(type, options);
    return editDestination(s.ctx, name, options);
  });
  app.get('/api/destinations/:name/usage', SESSION, async (request) => ({ tasks: await tasksUsing(s.repo, paramsOf(request)['name']!) }));
  app.get('/api/accounts/:id/usage', SESSION, async (request) => ({ tasks: await tasksUsing(s.repo, paramsOf(request)['id']!) }));
  // Demo only: the simulator's 2FA code, so a demo user can finish signing in without a phone.
  app.get('/api/accounts/:id/demo-code', SESSION, async (request) => ({ code: await s.accounts.demoCode(paramsOf(request)['id']!) ?? null }));
}
