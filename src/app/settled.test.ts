/** @module The no-change fast path settles only on clean runs and only while cursor and settings stay the same. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteCatalog } from '../catalog/sqlite/sqlite-catalog.ts';
import type { RunSummary } from '../core/outcome.ts';
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
