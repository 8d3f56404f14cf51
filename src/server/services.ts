/** @module What every route gets: the app context and the long-lived app services the server composes once. */
import type { FastifyRequest } from 'fastify';
import type { Cluster } from '../app/cluster.ts';
import type { z } from 'zod';
import { UsageError } from '../core/usage-error.ts';
import type { AppContext } from '../app/context.ts';
import type { TaskRepository } from '../app/tasks.ts';
import type { TaskRunner } from '../app/task-runner.ts';
import type { Scheduler } from '../app/scheduler.ts';
import type { IcloudAccounts } from '../app/accounts.ts';
import type { GphotosSignIns } from '../app/gphotos-sign-ins.ts';
import type { SettingsNotifier } from '../app/notify.ts';
import type { AdminAccount } from '../app/admin-auth.ts';
import type { AdminSessions } from '../app/admin-sessions.ts';
import type { PathGuard } from '../app/allowed-roots.ts';
import type { LoginLimiter } from './security.ts';

export interface ServerServices {
  readonly ctx: AppContext;
  readonly repo: TaskRepository;
  readonly runner: TaskRunner;
  readonly scheduler: Scheduler;
  readonly accounts: IcloudAccounts;
  /** Google Photos sign-ins the dashboard started, waiting for Google's redirect. */
  readonly gphotosSignIns: GphotosSignIns;
  readonly notifier: SettingsNotifier;
  /** Workers and queue, on a PostgreSQL catalog. */
  readonly cluster: Cluster;
  readonly admin: AdminAccount;
  readonly sessions: AdminSessions;
  readonly limiter: LoginLimiter;
  /** Cookies get `Secure` when the server speaks TLS. */
  readonly tls: boolean;
  readonly metricsToken: string | undefined;
  /** How long `POST /api/tasks/:id/run` waits for the plan (and its run id). */
  readonly planWaitMs: number;
  /** First-start setup must present it; undefined: setup is accepted from loopback clients only. */
  readonly setupToken: string | undefined;
  /** What the dashboard may touch on this machine's disk (server.allowedRoots). */
  readonly paths: PathGuard;
}

/** zod at the edge: one UsageError (→ 400) listing every problem, with the field's path. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new UsageError('Invalid request:', result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
}

export const paramsOf = (request: FastifyRequest): Record<string, string> => request.params as Record<string, string>;
