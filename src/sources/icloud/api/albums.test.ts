/** @module AlbumIndex says whether it differs from its snapshot, so an incremental listing rewrites it only then. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlbumIndex } from './albums.ts';

const snapshot = () => ({ albums: [{ id: 'al1', name: 'Trip', folder: false }], members: { al1: ['A', 'B'] } });

test('loading a snapshot and repeating what it holds is no change', () => {
  const index = new AlbumIndex(snapshot());
  assert.equal(index.changed, false);
  index.add('A', 'al1');
  index.setNode({ id: 'al1', name: 'Trip', folder: false });
  index.remove('C', 'al1');
  assert.equal(index.changed, false);
  assert.deepEqual(index.snapshot(), snapshot());
});

test('a new member, a removed one, a renamed or removed album is a change', () => {
  const changes: ((index: AlbumIndex) => void)[] = [
    (i) => i.add('C', 'al1'),
    (i) => i.remove('A', 'al1'),
    (i) => i.setNode({ id: 'al1', name: 'Trip 2026', folder: false }),
    (i) => i.setNode({ id: 'al2', name: 'New', folder: false }),
    (i) => i.removeNode('al1'),
  ];
  for (const change of changes) {
    const index = new AlbumIndex(snapshot());
    change(index);
    assert.equal(index.changed, true, change.toString());
  }
});
