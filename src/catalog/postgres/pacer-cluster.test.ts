/**
 * @module One pacer per account across processes (issue 13, acceptance 4, at the catalog level): 4 workers (separate
 * connection pools, as 4 processes have) draw requests for 2 accounts from PostgreSQL token buckets for 4 s; neither
 * account goes over its ceiling, both progress the whole time, and a throttle seen by one worker pauses all.
 * Real: PostgreSQL 15 on loopback. Not covered here: the iCloud connector's requests (see the issue note).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openCatalog } from '../open.ts';
import type { Catalog } from '../catalog.ts';
import { startPostgres, type PostgresServer } from '../../../test/servers/postgres.ts';

let pg: PostgresServer;
const workers: Catalog[] = [];
before(async () => { pg = await startPostgres(); });
after(async () => {
  await Promise.allSettled(workers.map((c) => c.close()));
  await pg.stop();
});

const shape = { rate: 40, burst: 10 };

test('4 workers, 2 accounts at 40 requests/s each: no account over its ceiling, both served throughout', async () => {
  const url = await pg.createDatabase('pacer');
  for (let i = 0; i < 4; i++) workers.push(await openCatalog(url, { max: 2 }));
  const sent: Record<string, number[]> = { 'a@x': [], 'b@x': [] };
  const started = Date.now();
  const runFor = 4000;
  await Promise.all(workers.flatMap((w) => Object.keys(sent).map(async (account) => {
    while (Date.now() - started < runFor) {
      const g = await w.pacer.take(account, 2, shape);
      for (let k = 0; k < g.granted; k++) sent[account]!.push(Date.now() - started);
      if (g.granted === 0) await new Promise((r) => setTimeout(r, Math.min(g.waitMs, 100)));
    }
  })));
  const elapsed = (Date.now() - started) / 1000;
  for (const [account, times] of Object.entries(sent)) {
    const ceiling = shape.burst + shape.rate * elapsed;
    assert.ok(times.length <= ceiling * 1.01, `${account}: ${times.length} requests in ${elapsed.toFixed(1)} s, ceiling ${ceiling.toFixed(0)}`);
    assert.ok(times.length >= shape.rate * elapsed * 0.5, `${account} was served (${times.length})`);
    for (let second = 0; second < 3; second++) {
      assert.ok(times.some((t) => t >= second * 1000 && t < (second + 1) * 1000), `${account} got requests in second ${second}: neither waits for the other`);
    }
  }
});

test('a throttle seen by one worker stops every worker for that account until the cooldown ends', async () => {
  const [one, other] = workers;
  await one!.pacer.cooldown('c@x', Date.now() + 1500, shape);
  const g = await other!.pacer.take('c@x', 1, shape);
  assert.equal(g.granted, 0);
  assert.ok(g.waitMs > 1000 && g.waitMs <= 1500, `waits ${g.waitMs} ms`);
  await new Promise((r) => setTimeout(r, g.waitMs + 50));
  assert.equal((await other!.pacer.take('c@x', 1, shape)).granted, 1);
});
