/** @module Runs tasks: one live run per task (no overlap), progress snapshots for SSE, run ↔ task links, notifications. */
import { copyLibrary } from './copy.ts';
import type { AppContext } from './context.ts';
import { noInteraction } from './connect.ts';
import { withFreshRemotes } from './live-config.ts';
import { RunProgress, type PaceReading, type Snapshot } from './run-progress.ts';
import { ConflictError, filtersOf, targetOf, type TaskRecord, type TaskRepository } from './tasks.ts';
import { noNotifier, type Notifier } from './notify.ts';
import type { RunEvent } from '../engine/events.ts';
import type { RunSummary } from '../core/outcome.ts';
import { isTransferError } from '../core/transfer-error.ts';
import { UsageError } from '../core/usage-error.ts';
import { icloudOptions } from '../sources/icloud/index.ts';
import { pacerFor } from '../sources/icloud/pacer.ts';
import { silentLogger, type Logger } from '../connectors/context.ts';
import { RunGate } from '../engine/gate.ts';
import { appendLog, recordStoppedEarly, type LogLine } from './run-records.ts';
import { eventOf, SIGN_IN_NEEDED, stopReason, type StopReason } from './run-reason.ts';
import { clearSignInNeeded, markSignInNeeded } from './session-health.ts';
import { fidelityOf } from './task-fidelity.ts';
import { formatBytes } from '../core/format.ts';
import type { TaskHolder } from '../catalog/repositories/run-owners.ts';

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

/** The log line an engine event deserves (per-file successes are in the report, not the log). */
function logLineOf(e: RunEvent): [LogLine['level'], string] | undefined {
  switch (e.type) {
    case 'listing': return undefined;
    case 'planned': return ['info', `planned: ${e.files} files (${formatBytes(e.bytes)}) to copy, ${e.present} already there, ${e.filtered} filtered out, ${e.removes} to remove`];
    case 'retry': return ['warn', `retrying ${e.path} (attempt ${e.attempt}) in ${Math.round(e.delayMs / 100) / 10} s: ${e.reason}`];
    case 'pace': return e.backoffMs > 0 ? ['warn', `Apple asked to slow down: waiting ${Math.round(e.backoffMs / 1000)} s (${e.reason})`] : undefined;
    case 'notice': return ['info', e.message];
    case 'file-done': return e.outcome.status === 'failed' ? ['error', `failed: ${e.outcome.path ?? e.outcome.assetId}: ${e.outcome.message ?? e.outcome.errorKind ?? ''}`] : undefined;
    case 'finished': return ['info', `finished (${e.summary.status}): ${e.summary.files.copied} copied, ${e.summary.files.present} already there, ${e.summary.files.failed} failed, ${formatBytes(e.summary.bytes)}`];
    default: return undefined;
  }
}

/** The answer to a second start while another process runs the task: where, since when, which run. */
export function runningElsewhere(holder: TaskHolder): string {
  const where = holder.host === null ? 'another server' : `server ${holder.host} (pid ${holder.pid})`;
  const run = holder.runId === null ? '' : `, run ${holder.runId}`;
  return `This task is already running on ${where} since ${holder.since.toISOString().replace(/\.\d+Z$/, 'Z')}${run}.`;
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
  /** Bandwidth limit and pause of this run; the dashboard changes both while it goes. */
  readonly gate: RunGate;
  /** What happened, in order: written to the run's log when it ends. */
  readonly lines: LogLine[] = [];
  /** The run is over and recorded (summary, error, log): what a live stream waits for before it closes. */
  over = false;

  constructor(readonly task: TaskRecord, readonly progress: RunProgress, private readonly pace: (() => PaceReading) | undefined) {
    this.gate = new RunGate(task.bandwidth ?? null);
    this.planned = new Promise((resolve) => { this.markPlanned = resolve; });
    this.ticker = setInterval(() => this.broadcast({ type: 'snapshot', data: this.snapshot() }), 1000);
    this.ticker.unref();
  }

  snapshot(): Snapshot {
    return { ...this.progress.snapshot(this.pace?.()), paused: this.gate.paused, bandwidth: this.gate.bytesPerSecond };
  }

  note(level: LogLine['level'], message: string): void {
    if (this.lines.length < 5000) this.lines.push({ at: Date.now(), level, message });
  }

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
    const line = logLineOf(e);
    if (line !== undefined) this.note(line[0], line[1]);
    if (e.type === 'planned') { this.runId = e.runId; this.markPlanned(); }
    this.broadcast({ type: e.type, data: e } as LiveMessage);
  }

  end(error?: { code: string; message: string }): void {
    clearInterval(this.ticker);
    this.over = true;
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

  const destinationKinds = deps.ctx.destinations.map((d) => d.kind);
  const owners = deps.ctx.catalog.runOwners;

  async function execute(live: LiveRun): Promise<void> {
    const { task } = live;
    const ctx = withFreshRemotes(deps.ctx);
    let reason: StopReason | undefined;
    let status: string;
    live.note('info', `started: ${task.source} → ${task.destination}${task.bandwidth ? `, limited to ${formatBytes(task.bandwidth)}/s` : ''}`);
    try {
      const result = await copy(ctx, {
        source: targetOf(task.source), destination: targetOf(task.destination), command: 'copy', filters: filtersOf(task),
        interaction: noInteraction, fidelity: fidelityOf(task), gate: live.gate,
        events: (e) => {
          live.event(e);
          if (e.type === 'planned') {
            void deps.tasks.linkRun(e.runId, task.id).catch((err: unknown) => log.error({ err: describeError(err).message }, 'linking run to task failed'));
            void owners.attachRun(task.id, e.runId).catch(() => undefined);
          }
        },
        // A run that failed before its plan is in the history too: link it to the task like any other.
        onFailedRun: (runId) => {
          live.runId ??= runId;
          void deps.tasks.linkRun(runId, task.id).catch((err: unknown) => log.error({ err: describeError(err).message }, 'linking run to task failed'));
        },
        ...(task.template === undefined ? {} : { template: task.template }),
        ...(task.policy === undefined ? {} : { policy: task.policy }),
      }, live.controller.signal);
      if (result.fatal !== undefined) reason = stopReason(result.fatal, destinationKinds, task.destination);
      if (reason !== undefined && live.runId !== null) await deps.tasks.setRunError(live.runId, reason.code, reason.message);
      status = result.summary?.status ?? 'failed';
      log.info({ task: task.id, run: live.runId, status, files: result.summary?.files }, 'run finished');
      await notify(live, status, reason, result.summary);
    } catch (err) {
      reason = live.controller.signal.aborted ? { code: 'cancelled', message: 'Cancelled.' } : stopReason(err, destinationKinds, task.destination);
      status = reason.code === 'cancelled' ? 'cancelled' : 'failed';
      log.warn({ task: task.id, code: reason.code, message: reason.message }, 'run stopped before it started copying');
      // copyLibrary records a run that fails before its plan (onFailedRun); this one takes the reason in browser words.
      // A failure before even that (a bad template) gets its run here, so the history and the task badge tell the truth.
      try {
        if (live.runId !== null) {
          // Linking is idempotent: awaited here so the error lands on the row even if onFailedRun's link is still on its way.
          await deps.tasks.linkRun(live.runId, task.id);
          await deps.tasks.setRunError(live.runId, reason.code, reason.message);
        } else live.runId = await recordStoppedEarly(deps.ctx, deps.tasks, task, reason, live.startedAt);
      } catch (e) { log.error({ err: describeError(e).message }, 'recording the stopped run failed'); }
      await notify(live, status, reason, undefined);
    } finally {
      if (reason !== undefined) live.note(reason.code === 'cancelled' ? 'warn' : 'error', reason.message);
      await afterRun(live, reason);
      live.end(live.progress.ended ? undefined : reason ?? { code: 'internal', message: 'the run ended without a summary' });
    }
  }

  async function notify(live: LiveRun, status: string, reason: StopReason | undefined, summary: RunSummary | undefined): Promise<void> {
    const event = eventOf(status, reason);
    if (event === undefined) return;
    await notifier.send({
      event, task: { id: live.task.id, name: live.task.name },
      run: { id: live.runId, status, startedAt: live.startedAt.toISOString(), finishedAt: new Date().toISOString() },
      ...(summary === undefined ? {} : { summary }), ...(reason === undefined ? {} : { message: reason.message }),
      ...(reason?.code === SIGN_IN_NEEDED ? { account: live.task.source } : {}),
    });
  }

  /** The run's log, and what it taught about the account: refused → "sign in again"; worked → signed in. */
  async function afterRun(live: LiveRun, reason: StopReason | undefined): Promise<void> {
    try {
      if (reason?.code === SIGN_IN_NEEDED) await markSignInNeeded(deps.tasks, live.task.source, reason.message);
      else if (live.runId !== null && reason === undefined) await clearSignInNeeded(deps.tasks, live.task.source);
      if (live.runId !== null) await appendLog(deps.ctx, live.runId, live.lines);
    } catch (err) {
      log.error({ err: describeError(err).message }, 'recording the end of a run failed');
    }
  }

  return {
    /** Starts a run of the task now; ConflictError when one is already running (schedules skip, the API answers 409). */
    async start(taskId: string, reason: string): Promise<LiveRun> {
      if (active.has(taskId)) throw new ConflictError('This task is already running.');
      const task = await deps.tasks.get(taskId);
      if (active.has(taskId)) throw new ConflictError('This task is already running.');
      // Another server sharing the catalog may be running it: the task's lease says who, and since when.
      const holder = await owners.claimTask(taskId);
      if (holder !== null) throw new ConflictError(runningElsewhere(holder));
      if (active.has(taskId)) throw new ConflictError('This task is already running.');
      const ctx = withFreshRemotes(deps.ctx);
      const live = new LiveRun(task, new RunProgress(), paceReader(ctx, task.source));
      active.set(taskId, live);
      log.info({ task: taskId, reason }, 'run starting');
      live.done = execute(live).finally(async () => {
        // A lease left behind (database away) is ours: our next start of the task takes it back.
        await owners.releaseTask(taskId).catch((err: unknown) => log.warn({ task: taskId, err: describeError(err).message }, 'task lease not released'));
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
    /** Holds every byte of the task's run until resume; files in flight wait where they are. */
    pause(taskId: string, paused: boolean): LiveRun {
      const live = active.get(taskId);
      if (live === undefined) throw new ConflictError('This task is not running.');
      if (paused) live.gate.pause(); else live.gate.resume();
      live.note('info', paused ? 'paused from the dashboard' : 'resumed from the dashboard');
      return live;
    },
    /** Changes the bandwidth limit of the task's running run at once (the task's own setting is saved apart). */
    limit(taskId: string, bytesPerSecond: number | null): void {
      const live = active.get(taskId);
      if (live === undefined) return;
      live.gate.setLimit(bytesPerSecond);
      live.note('info', bytesPerSecond === null ? 'bandwidth limit removed' : `bandwidth limited to ${formatBytes(bytesPerSecond)}/s`);
    },
    /** Cancels every run and waits for them to record their end (server shutdown). */
    async stopAll(): Promise<void> {
      const runs = [...active.values()];
      for (const live of runs) live.controller.abort(new Error('server shutting down'));
      await Promise.allSettled(runs.map((l) => l.done));
    },
  };
}
