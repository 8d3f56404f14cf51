/**
 * @module Schedules while `serve` is up: croner jobs per task (cron or preset), no overlap of one task, missed runs
 * caught up once on start, and a periodic job (hourly) for iCloud session checks.
 */
import { Cron } from 'croner';
import type { Logger } from '../connectors/context.ts';
import { silentLogger } from '../connectors/context.ts';
import { ConflictError, cronOf, type TaskRecord, type TaskRepository } from './tasks.ts';
import type { TaskRunner } from './task-runner.ts';

export interface SchedulerDeps {
  readonly tasks: TaskRepository;
  readonly runner: Pick<TaskRunner, 'start' | 'activeOf'>;
  readonly log?: Logger;
  readonly now?: () => Date;
  /** Runs hourly (e.g. iCloud session checks → notifications). */
  readonly periodic?: () => Promise<void>;
  readonly periodicPattern?: string;
  /**
   * How often the task list is read again, so a task created, edited or deleted through another server sharing the
   * catalog is armed here too (default 30 s).
   */
  readonly resyncMs?: number;
}

export interface Scheduler {
  /** Arms every task's job and runs each task whose last scheduled time passed while the server was down, once. */
  start(): Promise<void>;
  /** Re-arms one task after it was created, edited, paused, resumed or deleted. */
  refresh(taskId: string): Promise<void>;
  nextRunAt(taskId: string): Date | null;
  stop(): void;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const jobs = new Map<string, { job: Cron; armedAs: string }>();
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  let periodic: Cron | undefined;
  let resync: NodeJS.Timeout | undefined;
  /** What a task's job depends on: re-armed only when this changes. */
  const armedAs = (task: TaskRecord) => JSON.stringify([cronOf(task.schedule), task.paused]);

  /**
   * One scheduled slot: taken by exactly one server of all that share the catalog (the one whose claim moves the
   * task's last slot), then skipped (and said so) when the previous run of the task is still going.
   */
  async function fire(task: TaskRecord, slot: Date, reason: 'schedule' | 'catch-up'): Promise<void> {
    if (!(await deps.tasks.claimSlot(task.id, slot))) {
      log.debug({ task: task.id, slot: slot.toISOString() }, 'scheduled slot taken by another server');
      return;
    }
    if (deps.runner.activeOf(task.id) !== undefined) {
      log.info({ task: task.id, slot: slot.toISOString() }, 'scheduled run skipped: the previous run is still going');
      return;
    }
    try {
      await deps.runner.start(task.id, reason);
    } catch (err) {
      // Running on another server (the task's lease): said with where and since when, not dropped silently.
      if (err instanceof ConflictError) log.warn({ task: task.id, slot: slot.toISOString() }, `scheduled run skipped: ${err.message}`);
      else log.error({ task: task.id, err: err instanceof Error ? err.message : String(err) }, 'scheduled run could not start');
    }
  }

  function arm(task: TaskRecord): void {
    jobs.get(task.id)?.job.stop();
    jobs.delete(task.id);
    const pattern = cronOf(task.schedule);
    if (pattern === null || task.paused) return;
    // No croner `name`: names are process-wide, and two servers in one process (tests) would clash.
    const job = new Cron(pattern, { catch: true }, (self: Cron) => {
      // The slot is the schedule's own time (the latest one not after now), not the moment croner's timer ran: a
      // server whose timer ran late, past the second, would otherwise claim a slot of its own and run it twice.
      const at = now();
      const slot = self.previousRuns(1, new Date(at.getTime() + 1))[0] ?? new Date(Math.floor(at.getTime() / 1000) * 1000);
      void fire(task, slot, 'schedule');
    });
    jobs.set(task.id, { job, armedAs: armedAs(task) });
  }

  /** Arms tasks that are new or changed and drops deleted ones, as another server sharing the catalog left them. */
  async function resyncTasks(): Promise<void> {
    const tasks = await deps.tasks.list();
    for (const task of tasks) if (jobs.get(task.id)?.armedAs !== armedAs(task)) arm(task);
    const ids = new Set(tasks.map((t) => t.id));
    for (const [id, { job }] of jobs) if (!ids.has(id)) { job.stop(); jobs.delete(id); }
  }

  /** The latest slot before now that never ran: only the newest one counts, so a long outage gives one run, not many. */
  function missedSlot(task: TaskRecord): Date | null {
    const pattern = cronOf(task.schedule);
    if (pattern === null || task.paused) return null;
    const probe = new Cron(pattern, { paused: true });
    const [previous] = probe.previousRuns(1, now());
    probe.stop();
    if (previous === undefined) return null;
    const since = task.lastSlotAt ?? task.createdAt;
    return previous.getTime() > since.getTime() ? previous : null;
  }

  return {
    async start() {
      for (const task of await deps.tasks.list()) {
        const missed = missedSlot(task);
        arm(task);
        if (missed !== null) {
          log.info({ task: task.id, missed: missed.toISOString() }, 'catching up a run missed while the server was down');
          await fire(task, missed, 'catch-up');
        }
      }
      resync = setInterval(() => {
        resyncTasks().catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'schedules not re-read from the catalog'));
      }, deps.resyncMs ?? 30_000);
      resync.unref();
      if (deps.periodic !== undefined) {
        const run = deps.periodic;
        periodic = new Cron(deps.periodicPattern ?? '17 * * * *', { catch: true, protect: true }, async () => { await run(); });
      }
    },
    async refresh(taskId) {
      const task = (await deps.tasks.list()).find((t) => t.id === taskId);
      if (task === undefined) { jobs.get(taskId)?.job.stop(); jobs.delete(taskId); return; }
      arm(task);
    },
    nextRunAt: (taskId) => jobs.get(taskId)?.job.nextRun() ?? null,
    stop() {
      clearInterval(resync);
      for (const { job } of jobs.values()) job.stop();
      jobs.clear();
      periodic?.stop();
    },
  };
}
