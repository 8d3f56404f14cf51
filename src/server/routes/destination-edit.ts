/** @module Editing a destination (secrets kept unless re-entered) and what uses a destination or account before it is removed. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { editDestination } from '../../app/connectors.ts';
import { tasksUsing } from '../../app/task-checks.ts';
import { paramsOf, parse, type ServerServices } from '../services.ts';

const editBody = z.strictObject({ options: z.record(z.string(), z.unknown()) });

export function register(app: FastifyInstance, s: ServerServices): void {
  app.put('/api/destinations/:name', async (request) => editDestination(s.ctx, paramsOf(request)['name']!, parse(editBody, request.body).options));
  app.get('/api/destinations/:name/usage', async (request) => ({ tasks: await tasksUsing(s.repo, paramsOf(request)['name']!) }));
  app.get('/api/accounts/:id/usage', async (request) => ({ tasks: await tasksUsing(s.repo, paramsOf(request)['id']!) }));
  // Demo only: the simulator's 2FA code, so a demo user can finish signing in without a phone.
  app.get('/api/accounts/:id/demo-code', async (request) => ({ code: await s.accounts.demoCode(paramsOf(request)['id']!) ?? null }));
}
