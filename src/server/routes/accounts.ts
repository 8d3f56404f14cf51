/** @module iCloud accounts: sign in from the browser (password, then the 2FA code in a second request), list, forget. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { paramsOf, parse, type ServerServices } from '../services.ts';
import { CSRF, SESSION } from '../access.ts';

const signInBody = z.strictObject({
  appleId: z.string().trim().min(3).max(200),
  password: z.string().min(1).max(1024),
  delivery: z.enum(['device', 'sms']).optional(),
  authUrl: z.url().optional(),
  setupUrl: z.url().optional(),
});
const codeBody = z.strictObject({ code: z.string().trim().regex(/^\d[\d ]{3,9}$/, { error: 'the code is 6 digits' }) });

export function register(app: FastifyInstance, s: ServerServices): void {
  app.post('/api/accounts/icloud', CSRF, async (request) => {
    const body = parse(signInBody, request.body);
    const step = await s.accounts.start({
      appleId: body.appleId, password: body.password,
      ...(body.delivery ? { delivery: body.delivery } : {}), ...(body.authUrl ? { authUrl: body.authUrl } : {}), ...(body.setupUrl ? { setupUrl: body.setupUrl } : {}),
    });
    request.log.info({ account: step.id, state: step.state }, 'icloud sign-in');
    return step;
  });

  app.post('/api/accounts/icloud/:id/code', CSRF, async (request) => {
    const { code } = parse(codeBody, request.body);
    const step = await s.accounts.submitCode(paramsOf(request)['id']!, code);
    request.log.info({ account: step.id, state: step.state }, 'icloud code');
    return step;
  });

  app.get('/api/accounts', SESSION, async (request) => s.accounts.list((request.query as Record<string, string>)['check'] === '1'));

  app.delete('/api/accounts/:id', CSRF, async (request, reply) => {
    await s.accounts.remove(paramsOf(request)['id']!);
    return reply.code(204).send();
  });
}
