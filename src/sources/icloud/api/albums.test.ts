/** @module AlbumIndex: whether it differs from its snapshot (an incremental listing rewrites it only then), and its compact memberships read back the same. */
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

const tree = () => ({
  albums: [{ id: 'f1', name: 'Trips', folder: true }, { id: 'b', name: 'Italy', parentId: 'f1', folder: false }, { id: 'a', name: 'Best', folder: false }],
  members: { b: ['A', 'B'], a: ['B', 'C'] },
});

test('an asset in one album, in two, and back to one reads the same as it was written', () => {
  const index = new AlbumIndex(tree());
  assert.deepEqual(index.refsOf('A'), [{ id: 'b', path: ['Trips', 'Italy'] }]);
  assert.deepEqual(index.refsOf('B'), [{ id: 'a', path: ['Best'] }, { id: 'b', path: ['Trips', 'Italy'] }]);
  assert.deepEqual(index.refsOf('Z'), []);
  index.add('A', 'a');
  assert.deepEqual(index.refsOf('A').map((r) => r.id), ['a', 'b']);
  index.remove('A', 'b');
  assert.deepEqual(index.refsOf('A').map((r) => r.id), ['a']);
  index.remove('A', 'a');
  assert.deepEqual(index.refsOf('A'), []);
  assert.deepEqual(index.membersOf('a'), ['B', 'C']);
  assert.deepEqual(index.snapshot().members, { a: ['B', 'C'], b: ['B'] });
});

test('assets of an album share its ref, and a renamed folder shows in the paths read after it', () => {
  const index = new AlbumIndex(tree());
  assert.equal(index.refsOf('A')[0], index.refsOf('B')[1]);
  index.setNode({ id: 'f1', name: 'Travel', folder: true });
  assert.deepEqual(index.refsOf('A'), [{ id: 'b', path: ['Travel', 'Italy'] }]);
});

test('removing an album returns its members and leaves them in their other albums', () => {
  const index = new AlbumIndex(tree());
  assert.deepEqual(index.removeNode('b'), ['A', 'B']);
  assert.deepEqual(index.refsOf('B').map((r) => r.id), ['a']);
  assert.deepEqual(index.membersOf('b'), []);
  assert.deepEqual(index.snapshot().members, { a: ['B', 'C'] });
});

test('a membership of an album not in the tree is kept but not shown until the album is', () => {
  const index = new AlbumIndex(tree());
  index.add('A', 'new');
  assert.deepEqual(index.refsOf('A').map((r) => r.id), ['b']);
  index.setNode({ id: 'new', name: 'New', folder: false });
  assert.deepEqual(index.refsOf('A').map((r) => r.id), ['b', 'new']);
});
