/**
 * @module Schedules fire once cluster-wide (issue 13, acceptance 5): two servers' schedulers on one PostgreSQL catalog
 * (separate connection pools, as two processes have) share a per-second task; each slot runs on exactly one of them.
 * Real: croner, PostgreSQL 15 on loopback; fake: the runners.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openCatalog } from '../catalog/open.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { startPostgres, type PostgresServer } from '../../test/servers/postgres.ts';
import { taskRepository } from './tasks.ts';
import { createScheduler } from './scheduler.ts';
import { Cron } from 'croner';

let pg: PostgresServer;
const catalogs: Catalog[] = [];
before(async () => { pg = await startPostgres(); });
after(async () => {
  await Promise.allSettled(catalogs.map((c) => c.close()));
  await pg.stop();
});

function recordingRunner(starts: number[]) {
  return {
    activeOf: () => undefined,
    async start() { starts.push(Math.floor(Date.now() / 1000)); return undefined as never; },
  };
}

test('a per-second schedule on two servers sharing the catalog runs each slot once', async () => {
  const url = await pg.createDatabase('schedules');
  const [a, b] = [await openCatalog(url), await openCatalog(url)];
  catalogs.push(a, b);
  const task = await taskRepository(a).create({ name: 'nightly', source: 'folder:/p', destination: 'local:/b', schedule: { type: 'cron', cron: '* * * * * *' } });
  await taskRepository(a).setLastSlot(task.id, new Date());
  const [startsA, startsB] = [[] as number[], [] as number[]];
  const servers = [
    createScheduler({ tasks: taskRepository(a), runner: recordingRunner(startsA) }),
    createScheduler({ tasks: taskRepository(b), runner: recordingRunner(startsB) }),
  ];
  await Promise.all(servers.map((s) => s.start()));
  await new Promise((r) => setTimeout(r, 5500));
  for (const s of servers) s.stop();
  const all = [...startsA, ...startsB];
  assert.ok(all.length >= 3, `ran ${all.length} times in 5.5 s`);
  assert.equal(new Set(all).size, all.length, `no second ran twice: A ${startsA.join(',')} / B ${startsB.join(',')}`);
});

test('a server whose timer runs late (past the second) still claims the schedule\'s slot, not one of its own', async () => {
  const url = await pg.createDatabase('schedules_late');
  const [a, b] = [await openCatalog(url), await openCatalog(url)];
  catalogs.push(a, b);
  const pattern = '*/2 * * * * *';
  const task = await taskRepository(a).create({ name: 'late', source: 'folder:/p', destination: 'local:/b', schedule: { type: 'cron', cron: pattern } });
  await taskRepository(a).setLastSlot(task.id, new Date());
  const [startsA, startsB] = [[] as number[], [] as number[]];
  const servers = [
    createScheduler({ tasks: taskRepository(a), runner: recordingRunner(startsA) }),
    // Its clock reads 1.2 s ahead: what a timer that fired 1.2 s late sees.
    createScheduler({ tasks: taskRepository(b), runner: recordingRunner(startsB), now: () => new Date(Date.now() + 1200) }),
  ];
  const from = new Date();
  await Promise.all(servers.map((s) => s.start()));
  await new Promise((r) => setTimeout(r, 6500));
  for (const s of servers) s.stop();
  const probe = new Cron(pattern, { paused: true });
  const slots = probe.nextRuns(10, from).filter((d) => d.getTime() < Date.now()).length;
  probe.stop();
  const all = [...startsA, ...startsB];
  assert.ok(all.length >= 2 && all.length <= slots, `${all.length} runs for ${slots} slots: A ${startsA.join(',')} / B ${startsB.join(',')}`);
});

test('a task created through another server is armed here once the task list is read again', async () => {
  const url = await pg.createDatabase('schedules_resync');
  const [a, b] = [await openCatalog(url), await openCatalog(url)];
  catalogs.push(a, b);
  const starts: number[] = [];
  const here = createScheduler({ tasks: taskRepository(b), runner: recordingRunner(starts), resyncMs: 300 });
  await here.start();
  try {
    // Created on "the other server" (its repository; this scheduler is not told).
    const task = await taskRepository(a).create({ name: 'elsewhere', source: 'folder:/p', destination: 'local:/b', schedule: { type: 'cron', cron: '* * * * * *' } });
    await taskRepository(a).setLastSlot(task.id, new Date());
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok(starts.length >= 1, 'the task ran here');
    assert.notEqual(here.nextRunAt(task.id), null);
    await taskRepository(a).remove(task.id);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(here.nextRunAt(task.id), null, 'deleted elsewhere: no longer armed here');
  } finally {
    here.stop();
  }
});
