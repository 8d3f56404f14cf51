/** @module Runs tasks: one live run per task (no overlap), progress snapshots for SSE, run ↔ task links, notifications. */
import { copyLibrary } from './copy.ts';
import type { AppContext } from './context.ts';
import { noInteraction } from './connect.ts';
import { withFreshRemotes } from './live-config.ts';
import { RunProgress, type PaceReading, type Snapshot } from './run-progress.ts';
import { ConflictError, filtersOf, targetOf, type TaskRecord, type TaskRepository } from './tasks.ts';
import { noNotifier, type Notifier } from './notify.ts';
import type { RunEvent } from '../engine/events.ts';
import { isTransferError } from '../core/transfer-error.ts';
import { UsageError } from '../core/usage-error.ts';
import { icloudOptions } from '../sources/icloud/index.ts';
import { pacerFor } from '../sources/icloud/pacer.ts';
import { silentLogger, type Logger } from '../connectors/context.ts';

export type LiveMessage =
  | { readonly type: RunEvent['type']; readonly data: RunEvent }
  | { readonly type: 'snapshot'; readonly data: Snapshot }
  | { readonly type: 'failed'; readonly data: { code: string; message: string } };

/** An error as a code and a message fit for the user (no stack, no secrets: messages are written for users). */
export function describeError(err: unknown): { code: string; message: string } {
  if (isTransferError(err)) return { code: err.kind, message: err.message };
  if (err instanceof UsageError) return { code: 'invalid-input', message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

export class LiveRun {
  runId: string | null = null;
  readonly startedAt = new Date();
  readonly controller = new AbortController();
  done: Promise<void> = Promise.resolve();
  error: { code: string; message: string } | undefined;
  private readonly listeners = new Set<(m: LiveMessage) => void>();
  private readonly planned: Promise<void>;
  private markPlanned!: () => void;
  private readonly ticker: NodeJS.Timeout;

  constructor(readonly task: TaskRecord, readonly progress: RunProgress, private readonly pace: (() => PaceReading) | undefined) {
    this.planned = new Promise((resolve) => { this.markPlanned = resolve; });
    this.ticker = setInterval(() => this.broadcast({ type: 'snapshot', data: this.snapshot() }), 1000);
    this.ticker.unref();
  }

  snapshot(): Snapshot { return this.progress.snapshot(this.pace?.()); }

  /** Listens to every message until the returned function is called. */
  subscribe(listener: (m: LiveMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The run id once the plan exists, or null when listing takes longer than `ms` (or the run ended before planning). */
  async whenPlanned(ms: number): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
    await Promise.race([this.planned, timeout, this.done]);
    clearTimeout(timer);
    return this.runId;
  }

  event(e: RunEvent): void {
    this.progress.apply(e);
    if (e.type === 'planned') { this.runId = e.runId; this.markPlanned(); }
    this.broadcast({ type: e.type, data: e } as LiveMessage);
  }

  end(error?: { code: string; message: string }): void {
    clearInterval(this.ticker);
    if (error !== undefined) {
      this.error = error;
      this.progress.fail(error.code === 'cancelled' ? 'cancelled' : 'failed');
      this.broadcast({ type: 'failed', data: error });
    }
    this.broadcast({ type: 'snapshot', data: this.snapshot() });
    this.markPlanned();
    this.listeners.clear();
  }

  private broadcast(m: LiveMessage): void {
    for (const listener of this.listeners) listener(m);
  }
}

/** The iCloud pacer the source will use, so snapshots can show Apple's back-off (same options → the same shared pacer). */
function paceReader(ctx: AppContext, source: string): (() => PaceReading) | undefined {
  const m = /^([^:]*):(.*)$/s.exec(targetOf(source));
  if (m === null) return undefined;
  const [, name = '', rest = ''] = m;
  const remote = ctx.config.remotes[name];
  let raw: Record<string, unknown>;
  if (remote?.type === 'icloud') raw = { ...remote, type: undefined, ...(rest ? { appleId: rest } : {}) };
  else if (remote === undefined && name === 'icloud') raw = { appleId: rest };
  else return undefined;
  const parsed = icloudOptions.safeParse(raw);
  if (!parsed.success) return undefined;
  const pacer = pacerFor(parsed.data.appleId, { maxConcurrency: parsed.data.concurrency, minIntervalMs: parsed.data.minRequestIntervalMs });
  return () => pacer.pace();
}

export interface TaskRunnerDeps {
  readonly ctx: AppContext;
  readonly tasks: TaskRepository;
  readonly notifier?: Notifier;
  readonly log?: Logger;
  /** Tests replace the copy use case to control timing. */
  readonly copy?: typeof copyLibrary;
}

export type TaskRunner = ReturnType<typeof createTaskRunner>;

export function createTaskRunner(deps: TaskRunnerDeps) {
  const active = new Map<string, LiveRun>();
  const recent = new Map<string, LiveRun>();
  const log = deps.log ?? silentLogger;
  const notifier = deps.notifier ?? noNotifier;
  const copy = deps.copy ?? copyLibrary;

  async function execute(live: LiveRun): Promise<void> {
    const { task } = live;
    const ctx = withFreshRemotes(deps.ctx);
    let failure: { code: string; message: string } | undefined;
    try {
      const result = await copy(ctx, {
        source: targetOf(task.source), destination: targetOf(task.destination), command: 'copy', filters: filtersOf(task),
        interaction: noInteraction,
        events: (e) => {
          live.event(e);
          if (e.type === 'planned') void deps.tasks.linkRun(e.runId, task.id).catch((err: unknown) => log.error({ err: describeError(err).message }, 'linking run to task failed'));
        },
        // A run that failed before its plan is in the history too: link it to the task like any other.
        onFailedRun: (runId) => {
          live.runId ??= runId;
          void deps.tasks.linkRun(runId, task.id).catch((err: unknown) => log.error({ err: describeError(err).message }, 'linking run to task failed'));
        },
        ...(task.template === undefined ? {} : { template: task.template }),
        ...(task.policy === undefined ? {} : { policy: task.policy }),
      }, live.controller.signal);
      if (result.fatal !== undefined) failure = describeError(result.fatal);
      if (failure !== undefined && live.runId !== null) await deps.tasks.setRunError(live.runId, failure.code, failure.message);
      const summary = result.summary;
      log.info({ task: task.id, run: live.runId, status: summary?.status, files: summary?.files }, 'run finished');
      await notifier.send({
        event: summary?.status === 'failed' || failure !== undefined && failure.code !== 'cancelled' ? 'run.failed' : 'run.finished',
        task: { id: task.id, name: task.name },
        run: { id: live.runId, status: summary?.status ?? 'failed', startedAt: live.startedAt.toISOString(), finishedAt: new Date().toISOString() },
        ...(summary === undefined ? {} : { summary }), ...(failure === undefined ? {} : { message: failure.message }),
      });
    } catch (err) {
      failure = live.controller.signal.aborted ? { code: 'cancelled', message: 'cancelled' } : describeError(err);
      log.warn({ task: task.id, code: failure.code, message: failure.message }, 'run stopped before it started copying');
      if (live.runId !== null) await deps.tasks.setRunError(live.runId, failure.code, failure.message).catch(() => undefined);
      await notifier.send({
        event: failure.code === 'cancelled' ? 'run.finished' : 'run.failed', task: { id: task.id, name: task.name },
        run: { id: live.runId, status: failure.code === 'cancelled' ? 'cancelled' : 'failed', startedAt: live.startedAt.toISOString() },
        message: failure.message,
      });
    } finally {
      live.end(live.progress.ended ? undefined : failure ?? { code: 'internal', message: 'the run ended without a summary' });
    }
  }

  return {
    /** Starts a run of the task now; ConflictError when one is already running (schedules skip, the API answers 409). */
    async start(taskId: string, reason: string): Promise<LiveRun> {
      if (active.has(taskId)) throw new ConflictError('This task is already running.');
      const task = await deps.tasks.get(taskId);
      if (active.has(taskId)) throw new ConflictError('This task is already running.');
      const ctx = withFreshRemotes(deps.ctx);
      const live = new LiveRun(task, new RunProgress(), paceReader(ctx, task.source));
      active.set(taskId, live);
      log.info({ task: taskId, reason }, 'run starting');
      live.done = execute(live).finally(() => {
        active.delete(taskId);
        if (live.runId !== null) {
          recent.set(live.runId, live);
          if (recent.size > 50) recent.delete(recent.keys().next().value!);
        }
      });
      return live;
    },
    cancel(taskId: string): LiveRun {
      const live = active.get(taskId);
      if (live === undefined) throw new ConflictError('This task is not running.');
      live.controller.abort(new Error('cancelled from the dashboard'));
      return live;
    },
    activeOf: (taskId: string): LiveRun | undefined => active.get(taskId),
    /** A running (or recently ended) run by its id. */
    byRunId(runId: string): LiveRun | undefined {
      for (const live of active.values()) if (live.runId === runId) return live;
      return recent.get(runId);
    },
    running: (): LiveRun[] => [...active.values()],
    /** Cancels every run and waits for them to record their end (server shutdown). */
    async stopAll(): Promise<void> {
      const runs = [...active.values()];
      for (const live of runs) live.controller.abort(new Error('server shutting down'));
      await Promise.allSettled(runs.map((l) => l.done));
    },
  };
}
