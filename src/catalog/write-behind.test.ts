/** @module Write-behind of per-file records: batched commits, read-your-writes, nothing lost on close, failures stop the writer. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { assetId } from '../core/asset.ts';
import type { Outcome } from '../core/outcome.ts';
import { openSqliteCatalog, openSqliteDatabase } from './sqlite/sqlite-catalog.ts';
import { createWriteBehind } from './write-behind.ts';

const outcome = (i: number): Outcome => ({ assetId: assetId(`a${i}`), role: 'original', path: `p/${i}.jpg`, status: 'done', code: 'copied', bytes: i });

describe('catalog write-behind', () => {
  it('a reader sees every record written before it, in order', async () => {
    const c = await openSqliteCatalog(':memory:');
    await c.ensureSource('s', 'memory');
    const run = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
    await Promise.all(Array.from({ length: 700 }, (_, i) => c.recordOutcome(run, outcome(i))));
    const seen = await c.outcomes(run);
    assert.equal(seen.length, 700);
    assert.deepEqual(seen.map((o) => o.bytes), Array.from({ length: 700 }, (_, i) => i));
    await c.close();
  });

  it('close commits what is still queued, so a re-opened catalog has it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-wb-'));
    try {
      const file = join(dir, 'c.db');
      const c = await openSqliteCatalog(file);
      await c.ensureSource('s', 'memory');
      const run = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
      for (let i = 0; i < 3; i++) await c.recordOutcome(run, outcome(i));
      await c.recordPlacement({
        destinationId: 'd', sourceId: 's', assetId: assetId('a1'), role: 'original', path: 'p/1.jpg', size: 1,
        sha256: 'x'.repeat(64), fingerprint: 'f', version: 'v', verifiedAt: new Date(),
      });
      await c.close();
      const again = await openSqliteCatalog(file);
      assert.equal((await again.outcomes(run as string)).length, 3);
      assert.equal((await again.placements('d')).length, 1);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('commits many records per transaction, not one each', async () => {
    const db = await openSqliteDatabase(':memory:');
    await sql`create table t (n integer)`.execute(db);
    let transactions = 0;
    const counted = new Proxy(db, {
      get(target, key) {
        if (key === 'transaction') { transactions += 1; }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const wb = createWriteBehind(counted, { maxItems: 100, maxDelayMs: 1000 });
    await Promise.all(Array.from({ length: 1000 }, (_, n) => wb.enqueue((tx) => sql`insert into t (n) values (${n})`.execute(tx))));
    await wb.flush();
    const { rows } = await sql<{ c: number }>`select count(*) as c from t`.execute(db);
    assert.equal(rows[0]!.c, 1000);
    assert.ok(transactions <= 11, `${transactions} transactions for 1000 records`);
    await db.destroy();
  });

  it('a batch that fails is reported by the next write and by flush; nothing after it is written', async () => {
    const db = await openSqliteDatabase(':memory:');
    await sql`create table t (n integer not null)`.execute(db);
    const wb = createWriteBehind(db, { maxItems: 1000, maxDelayMs: 5 });
    await wb.enqueue((tx) => sql`insert into t (n) values (${null})`.execute(tx));
    await assert.rejects(wb.flush(), /NOT NULL/);
    await assert.rejects(wb.enqueue((tx) => sql`insert into t (n) values (1)`.execute(tx)), /NOT NULL/);
    const { rows } = await sql<{ c: number }>`select count(*) as c from t`.execute(db);
    assert.equal(rows[0]!.c, 0);
    await db.destroy();
  });
});
