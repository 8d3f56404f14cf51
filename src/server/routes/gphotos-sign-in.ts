/**
 * @module "Sign in with Google" for a gphotos destination: the dashboard asks for the authorization address, Google
 * sends the browser back to this server's callback, which stores the refresh token in the vault (never in the page,
 * the answer or the log). Google's Desktop-app clients redirect to loopback only, hence the host check.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callbackHtml } from '../../app/gphotos-sign-ins.ts';
import { HttpError } from '../errors.ts';
import { isLoopback } from '../hosts.ts';
import { paramsOf, type ServerServices } from '../services.ts';
import { CSRF, PUBLIC } from '../access.ts';

export const CALLBACK_PATH = '/oauth/gphotos/callback';

/** Where the browser that asked can reach this server over plain http on loopback, or why it cannot. */
function loopbackCallback(request: FastifyRequest, remote: string): string {
  if (request.protocol === 'http' && isLoopback(request.hostname)) return `http://127.0.0.1:${request.port ?? 80}${CALLBACK_PATH}`;
  throw new HttpError(409, 'not-loopback',
    `Google sends the browser back only to this machine over plain http (http://127.0.0.1:PORT), and this dashboard was opened as ${request.protocol}://${request.hostname.slice(0, 100)}. `
    + `Open the dashboard on the server itself at http://127.0.0.1:PORT, or sign in from a terminal on the server with: photoferry auth gphotos ${remote}`);
}

export function register(app: FastifyInstance, s: ServerServices): void {
  app.post('/api/destinations/:name/google-sign-in', CSRF, async (request) => {
    const name = paramsOf(request)['name']!;
    return s.gphotosSignIns.begin(name, loopbackCallback(request, name));
  });
  // Public: Google's redirect may arrive without the session cookie; the single-use state is what admits it.
  // logLevel warn: the request line carries the authorization code, which stays out of the log.
  app.get(CALLBACK_PATH, { ...PUBLIC, logLevel: 'warn' }, async (request, reply) => {
    const query = new URLSearchParams(request.query as Record<string, string>);
    const outcome = await s.gphotosSignIns.complete(query, AbortSignal.timeout(60_000));
    app.log.info({ remote: outcome.remote, signedIn: outcome.result !== undefined }, 'google photos sign-in');
    return reply.code(outcome.page.status).header('cache-control', 'no-store').type('text/html; charset=utf-8')
      .send(callbackHtml(outcome.page));
  });
}
