/** @module NameSet behaves as a Set of names across growth, with record-name-like keys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { NameSet } from './name-set.ts';

test('adds each name once and knows what it holds, across many growths', () => {
  const set = new NameSet();
  const names = Array.from({ length: 50_000 }, () => randomUUID().toUpperCase());
  for (const name of names) assert.equal(set.add(name), true);
  assert.equal(set.size, names.length);
  for (const name of names) assert.equal(set.has(name), true);
  for (const name of names.slice(0, 100)) assert.equal(set.add(name), false, 'a repeat is not added again');
  assert.equal(set.size, names.length);
  assert.equal(names.slice(0, 1000).filter((n) => set.has(`${n}x`)).length, 0, 'names never added are absent');
  assert.equal(set.has(''), false);
  assert.equal(set.add(''), true);
  assert.equal(set.has(''), true);
});
