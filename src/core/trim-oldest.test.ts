import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trimOldest } from './trim-oldest.ts';

test('trimOldest keeps at most max entries, drops the oldest first, and keeps a re-inserted key as new', () => {
  const map = new Map<string, number>();
  for (let i = 0; i < 100; i++) {
    map.delete('k0');
    map.set('k0', i); // refreshed every time: never the oldest
    map.set(`k${i + 1}`, i);
    trimOldest(map, 16);
    assert.ok(map.size <= 16, `size ${map.size}`);
  }
  assert.equal(map.get('k0'), 99);
  assert.ok(map.has('k100'));
  assert.ok(!map.has('k1'));
  const keys = [...map.keys()];
  assert.deepEqual(keys.slice(-2), ['k0', 'k100']);
});

test('trimOldest leaves a map within its bound untouched', () => {
  const map = new Map([[1, 'a'], [2, 'b']]);
  trimOldest(map, 2);
  assert.deepEqual([...map.keys()], [1, 2]);
});
