/** @module First-start password, login (slowed per IP after failures), logout, and what the dashboard needs to know on load. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkAdminPassword, isSetupNeeded, setAdminPassword } from '../../app/accounts.ts';
import { HttpError } from '../errors.ts';
import { SESSION_COOKIE } from '../security.ts';
import { parse, type ServerServices } from '../services.ts';

const setupBody = z.strictObject({ password: z.string().min(10, { error: 'use at least 10 characters' }).max(1024) });
const loginBody = z.strictObject({ password: z.string().min(1).max(1024) });

export function register(app: FastifyInstance, s: ServerServices): void {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: s.tls } as const;

  app.get('/api/session', async (request) => {
    const csrf = s.sessions.lookup(request.cookies[SESSION_COOKIE]);
    return { setupNeeded: await isSetupNeeded(s.repo), authenticated: csrf !== undefined, ...(csrf === undefined ? {} : { csrfToken: csrf }) };
  });

  app.post('/api/setup', async (request, reply) => {
    const { password } = parse(setupBody, request.body);
    await setAdminPassword(s.repo, password);
    request.log.info('admin password set');
    return reply.code(201).send({ ok: true });
  });

  app.post('/api/login', async (request, reply) => {
    s.limiter.check(request.ip);
    const { password } = parse(loginBody, request.body);
    if (await isSetupNeeded(s.repo)) throw new HttpError(409, 'conflict', 'Set the admin password first (POST /api/setup).');
    if (!(await checkAdminPassword(s.repo, password))) {
      s.limiter.failed(request.ip);
      request.log.warn({ ip: request.ip }, 'login failed');
      throw new HttpError(401, 'unauthenticated', 'Wrong password.');
    }
    s.limiter.succeeded(request.ip);
    const { token, csrf } = s.sessions.create();
    void reply.setCookie(SESSION_COOKIE, token, cookieOptions);
    return { csrfToken: csrf };
  });

  app.post('/api/logout', async (request, reply) => {
    s.sessions.destroy(request.cookies[SESSION_COOKIE]);
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.code(204).send();
  });
}
