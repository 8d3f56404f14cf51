/**
 * @module The catalog's connection pool across a PostgreSQL restart (issue 13, acceptance 3, at the pool level): a
 * query in flight and a transaction holding its connection when the server shuts down fail as errors, the process
 * keeps running, and the next query after the restart is served. Before the fix, the checked-out connections' 'error'
 * event went unheard and killed the process (what stalled the workers-restart e2e run).
 * Real: PostgreSQL 15 on loopback, fast shutdown and a start on the same data.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { openPostgresDatabase } from './postgres-catalog.ts';
import type { CatalogTables } from '../schema.ts';
import { startPostgres, type PostgresServer } from '../../../test/servers/postgres.ts';

let pg: PostgresServer;
let db: Kysely<CatalogTables> | undefined;
before(async () => { pg = await startPostgres(); });
after(async () => {
  await db?.destroy();
  await pg.stop();
});

test('a restart under a running query and an open transaction: both fail, the process lives, the next query works', async () => {
  db = await openPostgresDatabase(await pg.createDatabase('restart_pool'), { max: 4 });
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => { uncaught.push(err); };
  process.on('uncaughtException', onUncaught);
  try {
    const running = sql`select pg_sleep(30)`.execute(db).then(() => 'answered', (err: unknown) => err);
    let inTransaction!: () => void;
    const holding = new Promise<void>((resolve) => { inTransaction = resolve; });
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    const transaction = db.transaction().execute(async (tx) => {
      await sql`select 1`.execute(tx);
      inTransaction();
      await released; // idle in the transaction, connection checked out, when the server goes away
      await sql`select 2`.execute(tx);
    }).then(() => 'committed', (err: unknown) => err);
    await holding;
    await new Promise((r) => setTimeout(r, 200)); // pg_sleep is running on the server by now

    await pg.restart(500);
    release();
    assert.ok(await running instanceof Error, 'the query in flight fails');
    assert.ok(await transaction instanceof Error, 'the transaction whose connection died fails');
    const { rows } = await sql<{ n: number }>`select 41 + 1 as n`.execute(db);
    assert.equal(Number(rows[0]!.n), 42, 'a fresh connection serves the next query');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(uncaught, [], 'no connection error escaped to the process');
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});
