/** @module insertBound against Kysely's own path on SQLite: the same rows stored, each shape compiled once, odd shapes left to Kysely. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteDatabase } from './sqlite/sqlite-catalog.ts';
import { insertBound } from './bound-insert.ts';

const outcome = (i: number, message: string | null = null) => ({
  run_id: 'r1', asset_id: `a${i}`, role: 'original', status: 'done', code: 'copied', bytes: i * 10, path: `p/${i}.jpg`, error_kind: null, message,
});

test('rows are stored as Kysely stores them, and a shape is compiled once', async () => {
  const db = await openSqliteDatabase(':memory:');
  let builds = 0;
  const insert = (rows: ReturnType<typeof outcome>[]) => insertBound(db, 'outcomes', rows, (some) => { builds += 1; return db.insertInto('outcomes').values(some); });
  await insert([outcome(1), outcome(2)]);
  await insert([outcome(3), outcome(4, 'it\'s 5 MB')]);
  await insert([outcome(5), outcome(6), outcome(7)]);
  assert.equal(builds, 2, 'one compile per row count, none for a shape seen before');
  const stored = await db.selectFrom('outcomes').select(['asset_id', 'bytes', 'path', 'message']).orderBy('seq').execute();
  assert.deepEqual(stored.map((r) => [r.asset_id, Number(r.bytes), r.path, r.message]), [1, 2, 3, 4, 5, 6, 7].map((i) => [`a${i}`, i * 10, `p/${i}.jpg`, i === 4 ? 'it\'s 5 MB' : null]));
  await db.destroy();
});

test('a shape whose parameters are not just its values, or a row with a missing value, goes through Kysely', async () => {
  const db = await openSqliteDatabase(':memory:');
  let builds = 0;
  // The conflict clause adds a parameter of its own: never bound from the rows alone.
  const upsert = (rows: { scope: string; key: string; value: string }[]) => insertBound(db, 'state', rows, (some) => {
    builds += 1;
    return db.insertInto('connector_state').values(some).onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ value: 'changed' }));
  });
  await upsert([{ scope: 's', key: 'k', value: 'v1' }]);
  await upsert([{ scope: 's', key: 'k', value: 'v2' }]);
  assert.equal(builds, 2, 'compiled for the check and run as compiled, then by Kysely on each call');
  assert.equal((await db.selectFrom('connector_state').select('value').executeTakeFirstOrThrow()).value, 'changed');

  const { message: _, ...short } = outcome(9);
  const rows = [outcome(8, 'x'), { ...short, message: undefined }];
  await insertBound(db, 'outcomes', rows, (some) => db.insertInto('outcomes').values(some));
  let builds2 = 0;
  const counted = (some: readonly object[]) => { builds2 += 1; return db.insertInto('outcomes').values(some as typeof rows); };
  await insertBound(db, 'outcomes', [outcome(10), outcome(11)], counted);
  await insertBound(db, 'outcomes', [outcome(12), outcome(13)], counted);
  assert.equal(builds2, 1, 'the odd batch did not turn its shape over to Kysely');
  const stored = await db.selectFrom('outcomes').select(['asset_id', 'message']).orderBy('seq').execute();
  assert.deepEqual(stored, [{ asset_id: 'a8', message: 'x' }, { asset_id: 'a9', message: null },
    ...[10, 11, 12, 13].map((i) => ({ asset_id: `a${i}`, message: null }))]);
  await db.destroy();
});
