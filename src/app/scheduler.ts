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
  const jobs = new Map<string, Cron>();
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  let periodic: Cron | undefined;

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
      if (err instanceof ConflictError) log.info({ task: task.id }, 'scheduled run skipped: already running');
      else log.error({ task: task.id, err: err instanceof Error ? err.message : String(err) }, 'scheduled run could not start');
    }
  }

  function arm(task: TaskRecord): void {
    jobs.get(task.id)?.stop();
    jobs.delete(task.id);
    const pattern = cronOf(task.schedule);
    if (pattern === null || task.paused) return;
    // No croner `name`: names are process-wide, and two servers in one process (tests) would clash.
    const job = new Cron(pattern, { catch: true }, () => {
      // croner calls on its own timer; the slot is the time it fired, to the second.
      const slot = new Date(Math.floor(now().getTime() / 1000) * 1000);
      void fire(task, slot, 'schedule');
    });
    jobs.set(task.id, job);
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
      if (deps.periodic !== undefined) {
        const run = deps.periodic;
        periodic = new Cron(deps.periodicPattern ?? '17 * * * *', { catch: true, protect: true }, async () => { await run(); });
      }
    },
    async refresh(taskId) {
      const task = (await deps.tasks.list()).find((t) => t.id === taskId);
      if (task === undefined) { jobs.get(taskId)?.stop(); jobs.delete(taskId); return; }
      arm(task);
    },
    nextRunAt: (taskId) => jobs.get(taskId)?.nextRun() ?? null,
    stop() {
      for (const job of jobs.values()) job.stop();
      jobs.clear();
      periodic?.stop();
    },
  };
}
