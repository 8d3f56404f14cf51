/**
 * @module The no-change fast path settles only on clean runs and only while cursor, settings and the destination's
 * placements stay the same; a pair remembers a few settings, so alternating filters keeps both fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteCatalog } from '../catalog/sqlite/sqlite-catalog.ts';
import type { RunSummary } from '../core/outcome.ts';
import { assetId } from '../core/asset.ts';
import { recordSettled, settledRun, settingsOf } from './settled.ts';

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  assets: 3, files: { copied: 3, present: 7, removed: 0, failed: 0, filtered: 2 }, bytes: 10, durationMs: 1, status: 'ok', ...over,
});
const quiet = (cursorBefore: string | null) => ({ cursorBefore, upserts: 0, deletions: 0, pages: 1, structureChanged: false });

test('settles after a clean run and skips planning while nothing changes', async () => {
  const c = await openSqliteCatalog(':memory:');
  await c.ensureSource('s', 'icloud');
  await c.applyChanges('s', { upserts: [], deletions: [], cursor: 'tok-1', reset: true, done: true });
  const settings = settingsOf({ template: '{yyyy}/{filename}' });
  await recordSettled(c, 's', 'd', settings, summary(), false);
  assert.deepEqual(await settledRun(c, 's', 'd', settings, quiet('tok-1')), { present: 10, filtered: 2 });
  assert.equal(await settledRun(c, 's', 'd', settingsOf({ template: '{yyyy}/{mm}/{filename}' }), quiet('tok-1')), undefined, 'other settings');
  assert.equal(await settledRun(c, 's', 'other-dest', settings, quiet('tok-1')), undefined, 'other destination');
  assert.equal(await settledRun(c, 's', 'd', settings, quiet('tok-0')), undefined, 'the library moved on since');
  assert.equal(await settledRun(c, 's', 'd', settings, { ...quiet('tok-1'), upserts: 1 }), undefined, 'a change arrived');
  assert.equal(await settledRun(c, 's', 'd', settings, { ...quiet('tok-1'), structureChanged: true }), undefined, 'albums changed');
  assert.equal(await settledRun(c, 's', 'd', settings, quiet(null)), undefined, 'no change feed');
});

test('a run with failures unsettles, so the next run plans in full', async () => {
  const c = await openSqliteCatalog(':memory:');
  await c.ensureSource('s', 'icloud');
  await c.applyChanges('s', { upserts: [], deletions: [], cursor: 'tok-1', reset: true, done: true });
  const settings = settingsOf({});
  await recordSettled(c, 's', 'd', settings, summary(), false);
  await recordSettled(c, 's', 'd', settings, summary({ status: 'partial', files: { copied: 1, present: 7, removed: 0, failed: 1, filtered: 0 } }), false);
  assert.equal(await settledRun(c, 's', 'd', settings, quiet('tok-1')), undefined);
});

test('a run with other settings keeps the first settled while it leaves the placements alone', async () => {
  const c = await openSqliteCatalog(':memory:');
  await c.ensureSource('s', 'icloud');
  await c.applyChanges('s', { upserts: [], deletions: [], cursor: 'tok-1', reset: true, done: true });
  const all = settingsOf({ filters: {} });
  const favorites = settingsOf({ filters: { favorites: true } });
  await recordSettled(c, 's', 'd', all, summary(), false);
  await recordSettled(c, 's', 'd', favorites, summary({ files: { copied: 0, present: 4, removed: 0, failed: 0, filtered: 8 } }), false);
  assert.deepEqual(await settledRun(c, 's', 'd', all, quiet('tok-1')), { present: 10, filtered: 2 });
  assert.deepEqual(await settledRun(c, 's', 'd', favorites, quiet('tok-1')), { present: 4, filtered: 8 });
  // Something (another settings' run, a repair) recorded a file: no count settled before it can be trusted.
  await c.recordPlacement({
    destinationId: 'd', sourceId: 's', assetId: assetId('a1'), role: 'original', path: 'p/1.jpg', size: 1,
    sha256: 'x'.repeat(64), fingerprint: 'f', version: 'v', verifiedAt: new Date(),
  });
  assert.equal(await settledRun(c, 's', 'd', all, quiet('tok-1')), undefined, 'placements changed');
  await recordSettled(c, 's', 'd', favorites, summary({ files: { copied: 1, present: 4, removed: 0, failed: 0, filtered: 7 } }), false);
  assert.equal(await settledRun(c, 's', 'd', all, quiet('tok-1')), undefined, 'dropped when the other run recorded');
  assert.deepEqual(await settledRun(c, 's', 'd', favorites, quiet('tok-1')), { present: 5, filtered: 7 });
});
