/** @module Scheduler: a per-second schedule runs twice without overlap; a missed run is caught up once. Real: croner, SQLite catalog; fake: the runner. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openCatalog } from '../catalog/open.ts';
import { ConflictError, taskInputSchema, taskRepository, type TaskInput } from './tasks.ts';
import { createScheduler } from './scheduler.ts';

const input = (schedule: TaskInput['schedule'], extra: Partial<TaskInput> = {}): TaskInput =>
  ({ name: 'backup', source: 'folder:/photos', destination: 'local:/backup', schedule, ...extra });

/** A runner whose runs last `ms`; it records start times and the most runs ever in flight at once. */
function fakeRunner(ms: number) {
  const active = new Map<string, Promise<void>>();
  const starts: { at: number; reason: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    starts, get maxInFlight() { return maxInFlight; },
    activeOf: (id: string) => active.get(id) as never,
    async start(id: string, reason: string) {
      if (active.has(id)) throw new ConflictError('running');
      starts.push({ at: Date.now(), reason });
      inFlight += 1; maxInFlight = Math.max(maxInFlight, inFlight);
      active.set(id, new Promise<void>((resolve) => setTimeout(() => { inFlight -= 1; active.delete(id); resolve(); }, ms)));
      return undefined as never;
    },
  };
}

test('a schedule runs at its times without overlapping itself (per-second pattern, 1.5 s runs)', async () => {
  const catalog = await openCatalog(':memory:');
  const repo = taskRepository(catalog);
  const task = await repo.create(input({ type: 'cron', cron: '* * * * * *' }));
  await repo.setLastSlot(task.id, new Date());
  const runner = fakeRunner(1500);
  const skipped: unknown[] = [];
  const log = { debug() {}, info: (o: object, m?: string) => { if (m?.includes('skipped')) skipped.push(o); }, warn() {}, error() {} };
  const scheduler = createScheduler({ tasks: repo, runner, log });
  await scheduler.start();
  assert.ok(scheduler.nextRunAt(task.id) !== null);
  await new Promise((r) => setTimeout(r, 3700));
  scheduler.stop();
  assert.ok(runner.starts.length >= 2, `ran ${runner.starts.length} times`);
  assert.equal(runner.maxInFlight, 1, 'never two runs of the task at once');
  assert.ok(skipped.length >= 1, 'a tick during a run is skipped and logged');
  assert.ok(runner.starts.every((s) => s.reason === 'schedule'));
  await catalog.close();
});

test('a run missed while the server was down is caught up once, not once per missed slot', async () => {
  const catalog = await openCatalog(':memory:');
  const repo = taskRepository(catalog);
  const now = new Date('2026-11-23T10:30:00Z');
  const hourly = await repo.create(input({ type: 'cron', cron: '0 * * * *' }));
  await repo.setLastSlot(hourly.id, new Date('2026-11-23T05:00:00Z'));
  const upToDate = await repo.create(input({ type: 'cron', cron: '0 * * * *' }));
  await repo.setLastSlot(upToDate.id, new Date('2026-11-23T10:00:00Z'));
  const paused = await repo.create(input({ type: 'preset', preset: 'daily' }, { paused: true }));
  await repo.setLastSlot(paused.id, new Date('2026-11-01T00:00:00Z'));
  await repo.create(input({ type: 'once' }));

  const runner = fakeRunner(10);
  const first = createScheduler({ tasks: repo, runner, now: () => now });
  await first.start();
  first.stop();
  assert.deepEqual(runner.starts.map((s) => s.reason), ['catch-up']);
  assert.equal((await repo.get(hourly.id)).lastSlotAt?.toISOString(), '2026-11-23T10:00:00.000Z');

  await new Promise((r) => setTimeout(r, 30));
  const restarted = createScheduler({ tasks: repo, runner, now: () => now });
  await restarted.start();
  restarted.stop();
  assert.equal(runner.starts.length, 1, 'a second start does not run it again');
  await catalog.close();
});

test('task input: cron expressions are checked, presets and once accepted', () => {
  assert.ok(taskInputSchema.safeParse(input({ type: 'cron', cron: '*/5 * * * *' })).success);
  assert.ok(taskInputSchema.safeParse(input({ type: 'preset', preset: 'weekly' })).success);
  const bad = taskInputSchema.safeParse(input({ type: 'cron', cron: 'every day' }));
  assert.ok(!bad.success);
  assert.match(bad.error.issues[0]!.message, /cron/);
});
