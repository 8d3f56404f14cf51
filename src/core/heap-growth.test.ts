/** @module The phase ends of a run's heap: a full collection made on the spot when the heap is large enough. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants, performance, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { collectPhaseGarbage, copyPhaseHeapGrowth } from './heap-growth.ts';

/** The full (mark-compact) collections V8 reports as having started while `run` ran. */
async function majorCollections(run: () => void): Promise<number> {
  const seen: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => { seen.push(...list.getEntries()); });
  observer.observe({ entryTypes: ['gc'] });
  const from = performance.now();
  run();
  const to = performance.now();
  // Entries are delivered after the collection, on a later turn of the event loop.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return seen.filter((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR
    && e.startTime >= from && e.startTime <= to).length;
}

test('collectPhaseGarbage makes a full collection at once when the heap is large enough, each time, and leaves no gc on the global', async () => {
  assert.equal(await majorCollections(() => undefined), 0, 'nothing collects in an idle window');
  assert.equal(await majorCollections(() => collectPhaseGarbage(0)), 1);
  assert.equal(await majorCollections(() => collectPhaseGarbage(0)), 1);
  assert.equal((globalThis as { gc?: unknown }).gc, undefined);
});

test('a heap below the bound is left to V8: a short run pays no blocking collection', async () => {
  const used = getHeapStatistics().used_heap_size;
  assert.equal(await majorCollections(() => collectPhaseGarbage(used * 4)), 0);
  // This test process holds far less than a 10k-file copy, so the copy phase's default bound skips it too.
  assert.ok(used < 48 * 1024 * 1024, `test heap ${used} bytes`);
  assert.equal(await majorCollections(copyPhaseHeapGrowth), 0);
});

test('rows dropped before a collection are gone after it', async () => {
  // Rows no one holds once this returns: garbage for the collection to find.
  const dropRows = () => Array.from({ length: 20_000 }, (_, i) => ({ i, text: `row ${i}` })).length;
  assert.equal(dropRows(), 20_000);
  const before = getHeapStatistics().used_heap_size;
  assert.equal(await majorCollections(() => collectPhaseGarbage(before / 2)), 1);
  assert.ok(getHeapStatistics().used_heap_size < before, 'the dropped rows are gone');
});
