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
