/** @module buildServer: fastify with sessions, CSRF, logging with secrets redacted, error mapping, every route group, schedules. */
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { DestinationStream } from 'pino';
import type { AppContext } from '../app/context.ts';
import { taskRepository } from '../app/tasks.ts';
import { createTaskRunner, type TaskRunnerDeps } from '../app/task-runner.ts';
import { createScheduler } from '../app/scheduler.ts';
import { createIcloudAccounts } from '../app/accounts.ts';
import { createNotifier, type NotificationsConfig } from '../app/notify.ts';
import { errorHandler, HttpError } from './errors.ts';
import { createLoginLimiter, createSessions, SESSION_COOKIE, sameToken } from './security.ts';
import type { ServerServices } from './services.ts';
import * as session from './routes/session.ts';
import * as connectors from './routes/connectors.ts';
import * as accounts from './routes/accounts.ts';
import * as destinations from './routes/destinations.ts';
import * as library from './routes/library.ts';
import * as tasks from './routes/tasks.ts';
import * as runs from './routes/runs.ts';
import * as freeUp from './routes/free-up.ts';
import * as ops from './routes/ops.ts';
import * as web from './routes/web.ts';

export interface ServerOptions {
  readonly ctx: AppContext;
  readonly version?: string;
  readonly logLevel?: string;
  /** Where log lines go (stdout by default); tests capture them to check for secrets. */
  readonly logStream?: DestinationStream;
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  readonly metricsToken?: string;
  readonly webRoot?: string;
  readonly notifications?: NotificationsConfig;
  readonly loginBaseDelayMs?: number;
  readonly planWaitMs?: number;
  /** Arm schedules and catch up missed runs (default true). */
  readonly schedules?: boolean;
  readonly copy?: TaskRunnerDeps['copy'];
}

/** Routes anyone may call; every other /api route needs a session. */
const PUBLIC = new Set(['GET /api/session', 'POST /api/setup', 'POST /api/login']);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** pino redaction: whatever a route or a library logs, these never reach the log. */
export const REDACT_PATHS = [
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]',
  'password', '*.password', 'code', '*.code', 'secretAccessKey', '*.secretAccessKey', 'sessionToken', '*.sessionToken',
  'token', '*.token', 'csrfToken', '*.csrfToken', 'cookie', '*.cookie', 'cookies', '*.cookies', 'headers.authorization', '*.headers.authorization',
];

export async function buildServer(o: ServerOptions): Promise<{ app: FastifyInstance; services: ServerServices; routes: { method: string; url: string }[] }> {
  const app = Fastify({
    logger: { level: o.logLevel ?? 'info', redact: { paths: REDACT_PATHS, censor: '***' }, ...(o.logStream ? { stream: o.logStream } : {}) },
    ...(o.https ? { https: { cert: o.https.cert, key: o.https.key } } : {}),
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  }) as unknown as FastifyInstance;
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => { for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, url: r.url }); });
  await app.register(fastifyCookie);
  app.setErrorHandler(errorHandler);

  const { ctx } = o;
  const repo = taskRepository(ctx.db);
  const notifier = createNotifier(o.notifications, { log: app.log });
  const runner = createTaskRunner({ ctx, tasks: repo, notifier, log: app.log, ...(o.copy ? { copy: o.copy } : {}) });
  const icloud = createIcloudAccounts(ctx);
  const sent = new Map<string, number>();
  const scheduler = createScheduler({
    tasks: repo, runner, log: app.log,
    periodic: () => icloud.checkSessions(notifier, o.notifications?.expiringDays ?? 7, sent).catch((err: unknown) => {
      app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'iCloud session check failed');
    }),
  });
  const services: ServerServices = {
    ctx, repo, runner, scheduler, accounts: icloud, notifier, sessions: createSessions(),
    limiter: createLoginLimiter(o.loginBaseDelayMs ?? 1000), tls: o.https !== undefined, metricsToken: o.metricsToken,
    planWaitMs: o.planWaitMs ?? 20_000,
  };

  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || PUBLIC.has(`${request.method} ${path}`)) return;
    const csrf = services.sessions.lookup(request.cookies[SESSION_COOKIE]);
    if (csrf === undefined) throw new HttpError(401, 'unauthenticated', 'Log in first.');
    if (MUTATING.has(request.method) && !sameToken(request.headers['x-csrf-token'] as string | undefined, csrf)) {
      throw new HttpError(403, 'csrf', 'Missing or wrong x-csrf-token header.');
    }
  });

  for (const group of [session, connectors, accounts, destinations, library, tasks, runs, freeUp]) group.register(app, services);
  ops.register(app, services, o.version ?? '0.0.0');
  // bin/photoferry.js says where the package is, so the dashboard is found from any working directory.
  await web.register(app, resolve(o.webRoot ?? join(process.env.PHOTOFERRY_PACKAGE_ROOT ?? process.cwd(), 'web', 'dist')));

  app.addHook('onClose', async () => {
    scheduler.stop();
    await runner.stopAll();
  });
  if (o.schedules !== false) app.addHook('onReady', async () => { await scheduler.start(); });
  return { app, services, routes };
}
