/** @module buildServer: fastify with route access levels, security headers, logging with secrets redacted, error mapping, every route group, schedules. */
import { dirname, join, resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { createCluster } from '../app/cluster.ts';
import * as cluster from './routes/cluster.ts';
import fastifyCookie from '@fastify/cookie';
import type { DestinationStream } from 'pino';
import type { AppContext } from '../app/context.ts';
import { taskRepository } from '../app/tasks.ts';
import { createTaskRunner, type TaskRunnerDeps } from '../app/task-runner.ts';
import { createScheduler } from '../app/scheduler.ts';
import { createIcloudAccounts } from '../app/accounts.ts';
import { adminAccount } from '../app/admin-auth.ts';
import { adminSessions, type SessionPolicy } from '../app/admin-sessions.ts';
import { createPathGuard } from '../app/allowed-roots.ts';
import { createNotifier, type NotificationsConfig } from '../app/notify.ts';
import { loadNotificationSettings } from '../app/notify-settings.ts';
import { markInterrupted } from '../app/run-records.ts';
import { errorHandler } from './errors.ts';
import { createLoginLimiter, SESSION_COOKIE, sameToken, type LoginLimits } from './security.ts';
import { installAccess, type RegisteredRoute } from './access.ts';
import { installSecurityHeaders, SECURITY_HEADERS } from './headers.ts';
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
import * as runControl from './routes/run-control.ts';
import * as destinationEdit from './routes/destination-edit.ts';
import * as notifications from './routes/notifications.ts';
import * as checks from './routes/checks.ts';
import * as gphotosSignIn from './routes/gphotos-sign-in.ts';
import { createGphotosSignIns } from '../app/gphotos-sign-ins.ts';

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
  readonly loginLimits?: Partial<LoginLimits>;
  readonly sessionPolicy?: SessionPolicy;
  /** Tests move session time forward with it. */
  readonly sessionClock?: () => number;
  /** One-time token that first-start setup must present (printed on the console); without one, setup is loopback-only. */
  readonly setupToken?: string;
  /** Host names besides loopback that the server answers to (server.publicNames). */
  readonly publicNames?: readonly string[];
  /** Folders the dashboard may use on this disk (server.allowedRoots; default: the folder holding the catalog). */
  readonly allowedRoots?: readonly string[];
  /** Fastify's trustProxy (server.trustProxy): whose X-Forwarded-* headers to believe. */
  readonly trustProxy?: boolean | number | readonly string[];
  readonly planWaitMs?: number;
  /** Arm schedules and catch up missed runs (default true). */
  readonly schedules?: boolean;
  readonly copy?: TaskRunnerDeps['copy'];
}

/** pino redaction: whatever a route or a library logs, these never reach the log. */
export const REDACT_PATHS = [
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]',
  'password', '*.password', 'currentPassword', '*.currentPassword', 'setupToken', '*.setupToken', 'secretAccessKey', '*.secretAccessKey', 'sessionToken', '*.sessionToken',
  'token', '*.token', 'csrfToken', '*.csrfToken', 'cookie', '*.cookie', 'cookies', '*.cookies', 'headers.authorization', '*.headers.authorization',
];

export async function buildServer(o: ServerOptions): Promise<{ app: FastifyInstance; services: ServerServices; routes: () => RegisteredRoute[] }> {
  const app = Fastify({
    logger: { level: o.logLevel ?? 'info', redact: { paths: REDACT_PATHS, censor: '***' }, ...(o.logStream ? { stream: o.logStream } : {}) },
    ...(o.https ? { https: { cert: o.https.cert, key: o.https.key } } : {}),
    // The largest body is a task or a destination's options: a few KB. zod limits each field on top.
    bodyLimit: 256 * 1024,
    trustProxy: (o.trustProxy ?? false) as boolean,
    // SSE streams and slow clients must not hold a shutdown open.
    forceCloseConnections: true,
    // A malformed or overlong path matches no route: the same 404 as any unknown path, not the router's own 400/414.
    frameworkErrors: (_err, _request, reply) => {
      void (reply as unknown as FastifyReply).code(404).headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' }).send({ error: { code: 'not-found', message: 'No such route.' } });
    },
  }) as unknown as FastifyInstance;
  await app.register(fastifyCookie);
  app.setErrorHandler(errorHandler);

  const { ctx } = o;
  const repo = taskRepository(ctx.catalog);
  // Read at each send: what the settings page saves applies to the next event without a restart.
  const notifier = createNotifier(o.notifications, { log: app.log, settings: () => loadNotificationSettings(ctx, repo, true) });
  const runner = createTaskRunner({ ctx, tasks: repo, notifier, log: app.log, ...(o.copy ? { copy: o.copy } : {}) });
  const icloud = createIcloudAccounts(ctx, repo);
  // Before any schedule fires, then every 30 s: runs whose owning process is gone (this server before a crash, or
  // another server or CLI that died) are marked interrupted; runs of live owners, such as another server's, are not.
  const sweep = async () => {
    const interrupted = await markInterrupted(ctx, repo);
    if (interrupted.length > 0) app.log.warn({ runs: interrupted }, 'runs whose process stopped before finishing them are marked interrupted');
  };
  await sweep();
  const sweeper = setInterval(() => {
    sweep().catch((err: unknown) => app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'interrupted runs not checked'));
  }, 30_000);
  sweeper.unref();
  const sent = new Map<string, number>();
  const scheduler = createScheduler({
    tasks: repo, runner, log: app.log,
    periodic: () => loadNotificationSettings(ctx, repo, false).then((st) => icloud.checkSessions(notifier, st.expiringDays, sent)).catch((err: unknown) => {
      app.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'iCloud session check failed');
    }),
  });
  const services: ServerServices = {
    ctx, repo, runner, scheduler, accounts: icloud, gphotosSignIns: createGphotosSignIns(ctx), notifier, cluster: createCluster(ctx),
    admin: adminAccount(ctx.catalog), sessions: adminSessions(ctx.catalog.adminSessions, o.sessionPolicy, o.sessionClock),
    limiter: createLoginLimiter(o.loginLimits), tls: o.https !== undefined, metricsToken: o.metricsToken,
    planWaitMs: o.planWaitMs ?? 20_000, setupToken: o.setupToken,
    paths: await createPathGuard(o.allowedRoots ?? [dirname(ctx.config.catalog)]),
  };

  const routes = installAccess(app, {
    csrfOf: (request) => services.sessions.lookup(request.cookies[SESSION_COOKIE]), sameToken, publicNames: o.publicNames ?? [],
  });
  installSecurityHeaders(app);

  for (const group of [session, connectors, accounts, destinations, library, tasks, runs, cluster, runControl, destinationEdit, notifications, checks, freeUp, gphotosSignIn]) group.register(app, services);
  ops.register(app, services, o.version ?? '0.0.0');
  // bin/photoferry.js says where the package is, so the dashboard is found from any working directory.
  await web.register(app, resolve(o.webRoot ?? join(process.env.PHOTOFERRY_PACKAGE_ROOT ?? process.cwd(), 'web', 'dist')));

  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    scheduler.stop();
    await runner.stopAll();
    await services.cluster.close();
  });
  if (o.schedules !== false) app.addHook('onReady', async () => { await scheduler.start(); });
  return { app, services, routes };
}
