/** @module The count definition: originals and derived files kept apart, assets counted once, unknown sizes stay unknown. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountsBuilder, describeCounts, isOriginalRole } from './counts.ts';

test('a Live Photo is one asset with two original files; sidecars and manifests are derived', () => {
  const c = new CountsBuilder()
    .add('a1', 'original', 100).add('a1', 'live-video', 50).add('a1', 'xmp:original', 7)
    .add('a2', 'original', 30).add('a2', 'album:x/original', 30).addManifest(12)
    .build();
  assert.deepEqual(c, { assets: 2, originals: { files: 3, bytes: 180 }, derived: { files: 3, bytes: 49 } });
});

test('a derived file of unknown size makes the derived bytes unknown, not smaller', () => {
  const c = new CountsBuilder().add('a', 'original', 10).addFile('derived', null, null).addFile('derived', 'a', 5).build();
  assert.equal(c.derived.files, 2);
  assert.equal(c.derived.bytes, null);
  assert.match(describeCounts(c), /2 derived files: .*size known once written/);
});

test('roles: resources are original files, everything photoferry makes is derived', () => {
  for (const role of ['original', 'raw', 'edited', 'live-video', 'edited-video', 'sidecar']) assert.ok(isOriginalRole(role), role);
  for (const role of ['original.jpeg', 'xmp:original', 'json', 'album:abc/original', 'manifest']) assert.ok(!isOriginalRole(role), role);
});
