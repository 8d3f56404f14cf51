import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { underRoot } from './under-root.ts';

test('underRoot gives what path.join gives for a clean relative name', () => {
  for (const root of ['/srv/photos', '/srv/photos/', '/', 'relative/dir', 'relative/dir/']) {
    for (const rel of ['', 'a.jpg', '2024/01/02/IMG_0001.JPG', '.photoferry/partial/x']) {
      const expected = rel === '' ? root : join(root, rel);
      assert.equal(underRoot(root, rel), expected, `${root} + ${rel}`);
    }
  }
});
