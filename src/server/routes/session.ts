/**
 * @module First-start password (one-time console token, or loopback only), login (slowed per client and per account,
 * a new session each time), logout, log out everywhere, password change, and what the dashboard needs to know on load.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../errors.ts';
import { CSRF, PUBLIC } from '../access.ts';
import { isLoopback } from '../hosts.ts';
import { SESSION_COOKIE, sameToken } from '../security.ts';
import { parse, type ServerServices } from '../services.ts';

const newPassword = z.string().min(10, { error: 'use at least 10 characters' }).max(1024);
const setupBody = z.strictObject({ password: newPassword, setupToken: z.string().max(200).optional() });
const loginBody = z.strictObject({ password: z.string().min(1).max(1024) });
const passwordBody = z.strictObject({ currentPassword: z.string().min(1).max(1024), password: newPassword });

export function register(app: FastifyInstance, s: ServerServices): void {
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: s.tls } as const;
  const cookieOf = (request: FastifyRequest) => request.cookies[SESSION_COOKIE];
  /** A fresh session for whoever just proved the password; the cookie they came with (if any) ends. */
  const startSession = async (request: FastifyRequest, reply: FastifyReply) => {
    await s.sessions.destroy(cookieOf(request));
    const { token, csrf } = await s.sessions.create();
    void reply.setCookie(SESSION_COOKIE, token, cookieOptions);
    return { csrfToken: csrf };
  };
  /** Wrong passwords count against the client and the account, whichever route they came through. */
  // 403 when a logged-in admin mistypes the current password: 401 would make the dashboard drop its session.
  const checkPassword = async (request: FastifyRequest, password: string, status: 401 | 403) => {
    s.limiter.check(request.ip);
    if (await s.admin.check(password)) { s.limiter.succeeded(request.ip); return; }
    s.limiter.failed(request.ip);
    request.log.warn({ ip: request.ip }, 'wrong admin password');
    throw new HttpError(status, status === 401 ? 'unauthenticated' : 'wrong-password', 'Wrong password.');
  };

  app.get('/api/session', PUBLIC, async (request) => {
    const csrf = await s.sessions.lookup(cookieOf(request));
    return {
      setupNeeded: await s.admin.setupNeeded(), setupTokenRequired: s.setupToken !== undefined,
      authenticated: csrf !== undefined, ...(csrf === undefined ? {} : { csrfToken: csrf }),
    };
  });

  app.post('/api/setup', PUBLIC, async (request, reply) => {
    const body = parse(setupBody, request.body);
    if (s.setupToken !== undefined) {
      if (!sameToken(body.setupToken, s.setupToken)) throw new HttpError(403, 'setup-token', 'Wrong or missing setup token: copy it from the server console (where photoferry serve started).');
    } else if (!isLoopback(request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '')) {
      throw new HttpError(403, 'setup-token', 'First-start setup is only accepted from this machine (or with the setup token the server prints).');
    }
    await s.admin.setup(body.password);
    request.log.info('admin password set');
    return reply.code(201).send({ ok: true });
  });

  app.post('/api/login', PUBLIC, async (request, reply) => {
    s.limiter.check(request.ip);
    const { password } = parse(loginBody, request.body);
    if (await s.admin.setupNeeded()) throw new HttpError(409, 'conflict', 'Set the admin password first (POST /api/setup).');
    await checkPassword(request, password, 401);
    return startSession(request, reply);
  });

  app.post('/api/logout', CSRF, async (request, reply) => {
    await s.sessions.destroy(cookieOf(request));
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.code(204).send();
  });

  app.post('/api/logout-all', CSRF, async (request, reply) => {
    const ended = await s.sessions.destroyAll();
    request.log.info({ ended }, 'logged out everywhere');
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.code(204).send();
  });

  // A new password ends every other session: whoever else held one may be who the owner is changing it against.
  app.post('/api/password', CSRF, async (request, reply) => {
    const body = parse(passwordBody, request.body);
    await checkPassword(request, body.currentPassword, 403);
    await s.admin.change(body.password);
    await s.sessions.destroyAll();
    request.log.info('admin password changed');
    return startSession(request, reply);
  });
}
