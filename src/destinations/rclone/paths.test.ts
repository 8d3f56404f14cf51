/** @module rclone targets keep an absolute path absolute: `rclone:local:/abs` must not land under the working directory. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferStream } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { rcloneDestination } from './index.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-rclone-abs-'));
  Object.assign(process.env, { RCLONE_CONFIG_PFABS_TYPE: 'local' });
});
after(() => rm(dir, { recursive: true, force: true }));

test('an absolute path after the remote name is used as is', async () => {
  const options = rcloneDestination.options.parse(rcloneDestination.parseTarget(`pfabs:${dir}`));
  const store = await rcloneDestination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
  await store.write('2020/a.txt', bufferStream('absolute'), { size: 8 }, AbortSignal.timeout(30_000));
  assert.equal(await readFile(join(dir, '2020/a.txt'), 'utf8'), 'absolute');
  assert.equal(rcloneDestination.idOf(options), `rclone:pfabs:${dir}`);
  await store.close();
});
