import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paddedIn, shapedBatches } from './statement-shapes.ts';

test('shapedBatches keeps every row once, in order, in full batches then descending powers of two', () => {
  const shapes = new Set<number>();
  for (let n = 0; n <= 1000; n++) {
    const rows = Array.from({ length: n }, (_, i) => i);
    const batches = shapedBatches(rows, 200);
    assert.deepEqual(batches.flat(), rows, `${n} rows`);
    for (const b of batches) shapes.add(b.length);
  }
  assert.deepEqual([...shapes].sort((a, b) => b - a), [200, 128, 64, 32, 16, 8, 4, 2, 1]);
  assert.deepEqual(shapedBatches([1, 2, 3], 2).map((b) => b.length), [2, 1]);
});

test('paddedIn pads to the next power of two with values already in the list', () => {
  assert.deepEqual(paddedIn([]), []);
  assert.deepEqual(paddedIn(['a']), ['a']);
  assert.deepEqual(paddedIn(['a', 'b', 'c']), ['a', 'b', 'c', 'a']);
  for (const n of [2, 5, 500, 513]) {
    const values = Array.from({ length: n }, (_, i) => `v${i}`);
    const padded = paddedIn(values);
    assert.equal(Math.log2(padded.length) % 1, 0, `${n}: ${padded.length} is a power of two`);
    assert.ok(padded.length >= n && padded.length < 2 * n);
    assert.deepEqual(new Set(padded), new Set(values));
  }
});
