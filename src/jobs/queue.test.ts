/**
 * @module The job queue's figures (what the dashboard's Workers panel shows): a failed job is listed with its reason;
 * a run's dead batches (cancelled, or every retry used: one query) are found by number with their file counts. Real: PostgreSQL 15, pg-boss.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PgBoss } from 'pg-boss';
import { startPostgres, type PostgresServer } from '../../test/servers/postgres.ts';
import { openJobQueue, REFRESH_QUEUE, TRANSFER_QUEUE, type JobQueue } from './queue.ts';
import type { BatchJob } from './batches.ts';

let pg: PostgresServer;
let queue: JobQueue | undefined;
let boss: PgBoss | undefined;
before(async () => { pg = await startPostgres(); });
after(async () => {
  await queue?.stop();
  await boss?.stop({ graceful: false });
  await pg.stop();
});

test('a failed job shows in the figures with the reason its worker gave, newest first', async () => {
  const url = await pg.createDatabase('queue_figures');
  queue = await openJobQueue(url);
  boss = new PgBoss({ connectionString: url, supervise: false, schedule: false });
  await boss.start();
  for (const message of ['first failure', 'Apple asks for a new verification code']) {
    await boss.send(REFRESH_QUEUE, { source: 'icloud:a@x' }, { retryLimit: 0 });
    const [job] = await boss.fetch(REFRESH_QUEUE);
    assert.ok(job, 'a job to fail');
    await boss.fail(REFRESH_QUEUE, job.id, { message });
    await new Promise((r) => setTimeout(r, 20));
  }
  const refresh = (await queue.figures()).find((q) => q.name === REFRESH_QUEUE);
  assert.deepEqual(refresh?.recentFailures.map((f) => f.reason), ['Apple asks for a new verification code', 'first failure']);
  assert.ok(refresh.recentFailures.every((f) => f.at !== null && !Number.isNaN(Date.parse(f.at))));
});

test('a run\'s dead batches are found by number with their file counts (a cancelled one here), not another run\'s', async () => {
  const url = await pg.createDatabase('queue_dead');
  const q = await openJobQueue(url);
  const b = new PgBoss({ connectionString: url, supervise: false, schedule: false });
  await b.start();
  try {
    const job = (runId: string, batch: number, files: number) =>
      ({ runId, batch, source: 's', destination: 'd', account: 'a@x', copies: Array.from({ length: files }, () => ({})) }) as unknown as BatchJob;
    await q.enqueueBatches([job('r1', 0, 2), job('r1', 1, 3), job('r1', 2, 4), job('r2', 0, 5)]);
    const ids = async (runId: string, batch: number) => (await b.findJobs<BatchJob>(TRANSFER_QUEUE, { data: { runId, batch } }))[0]!.id;
    await b.cancel(TRANSFER_QUEUE, await ids('r1', 1));
    await b.cancel(TRANSFER_QUEUE, await ids('r2', 0));
    assert.deepEqual(await q.deadBatchesOf('r1'), [{ batch: 1, files: 3 }]);
    assert.deepEqual(await q.deadBatchesOf('r3'), []);
  } finally {
    await b.stop({ graceful: false });
    await q.stop();
  }
});
