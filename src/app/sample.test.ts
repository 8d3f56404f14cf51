/** @module createSampleLibrary: presets, overrides and input checks. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/usage-error.ts';
import { createSampleLibrary } from './sample.ts';

const root = await mkdtemp(join(tmpdir(), 'pf-app-sample-'));
after(() => rm(root, { recursive: true, force: true }));

test('small preset with overrides writes the asked-for counts', async () => {
  const r = await createSampleLibrary({ dir: root, photos: 2, videos: 1 });
  assert.equal(r.assetCount, 2 + 1 + 8 + 3 + 3);
  assert.ok(r.bytes > 0 && r.files >= r.assetCount);
});

test('bad size or counts are usage errors', async () => {
  await assert.rejects(createSampleLibrary({ dir: root, size: 'huge' }), UsageError);
  await assert.rejects(createSampleLibrary({ dir: root, photos: Number('x') }), UsageError);
});
