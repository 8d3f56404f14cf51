/**
 * @module Staging leftovers. A batch redone after its worker was killed mid-write (workers on PostgreSQL): the dead worker left files
 * at the staging names the redo uses, and a batch run does no staging cleanup (other batches are in flight). The redo
 * must still write every file: before this, the local store's exclusive create failed with "already exists", a kind
 * never retried, and the run ended partial with exit 1.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anAsset, aResource } from '../../../test/fixtures/build.ts';
import { openSqliteCatalog } from '../../catalog/sqlite/sqlite-catalog.ts';
import { createFileDestination, stagingPath } from '../file-destination.ts';
import { contentOf, createMemorySource } from '../../sources/memory/memory-source.ts';
import { refresh } from '../../engine/refresh.ts';
import { DEFAULT_POLICY, plan } from '../../engine/plan.ts';
import { executePlan } from '../../engine/run.ts';
import { SMALL_FILE_BYTES } from '../../engine/transfer.ts';
import { STAGING_DIR } from '../store-path.ts';
import { createLocalStore } from './local-store.ts';

describe('local destination: staging files left by an interrupted worker', () => {
  it('a batch run writes over them and records every file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pf-leftover-'));
    try {
      // One file on the whole-buffer path, one on the streamed path (larger than a small file).
      const sizes = [30_000, SMALL_FILE_BYTES + 4096];
      const assets = sizes.map((size, i) => anAsset({ id: `a${i}`, filename: `IMG_${i}.JPG`, resources: [aResource({ filename: `IMG_${i}.JPG`, size })] }));
      const staging = join(root, ...STAGING_DIR.split('/'));
      await mkdir(staging, { recursive: true });
      for (const [i, size] of sizes.entries()) {
        // half a file, as a SIGKILL mid-write leaves it
        await writeFile(join(root, ...stagingPath(`2021/IMG_${i}.JPG`, size).split('/')), Buffer.alloc(size >> 1, 7));
      }

      const catalog = await openSqliteCatalog(':memory:');
      const source = createMemorySource(assets);
      const destination = createFileDestination(`local:${root}`, createLocalStore({ root, durability: 'none' }));
      const signal = AbortSignal.timeout(30_000);
      await refresh(source, catalog, () => {}, signal);
      const planned = plan({
        assets: await catalog.assets(source.id), placements: await catalog.placements(destination.id, source.id),
        template: '{yyyy}/{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: false,
      });
      const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: 'copy' });
      const result = await executePlan(runId, planned, {
        source, destination, catalog, events: () => {}, concurrency: 2, batch: true,
        retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      }, signal);

      assert.equal(result.summary.files.failed, 0, JSON.stringify(await catalog.outcomes(runId, { status: 'failed' })));
      assert.equal(result.summary.files.copied, 2);
      for (const [i, size] of sizes.entries()) {
        assert.deepEqual(await readFile(join(root, '2021', `IMG_${i}.JPG`)), contentOf(`a${i}`, 'original', size));
      }
      assert.deepEqual(await readdir(staging), [], 'nothing left at a staging name');
      await destination.close();
      await catalog.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a write check or an album link killed mid-way leaves its file at a staging name, which the next run sweeps', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pf-leftover-'));
    try {
      const staging = join(root, ...STAGING_DIR.split('/'));
      await mkdir(staging, { recursive: true });
      await writeFile(join(staging, 'check-0a1b'), 'photoferry wri'); // a check killed mid-write
      const store = createLocalStore({ root, durability: 'none' });
      const written: string[] = [];
      const destination = createFileDestination(`local:${root}`, { ...store, write: (path, ...rest) => { written.push(path); return store.write(path, ...rest); } });
      const signal = AbortSignal.timeout(30_000);
      await destination.check(signal);
      assert.ok(written.length === 1 && written[0]!.startsWith(`${STAGING_DIR}/`), `the check writes at a staging name: ${written.join()}`);
      await writeFile(join(root, 'a.jpg'), 'bytes');
      await destination.copy!('a.jpg', 'albums/Trip/a.jpg', signal);
      await writeFile(join(staging, 'f00d.link'), ''); // a link made but not yet renamed when the run died
      await destination.cleanup!(signal);
      assert.deepEqual(await readdir(join(root, '.photoferry')), ['partial'], 'nothing beside the staging folder');
      assert.deepEqual(await readdir(staging), [], 'the staging folder swept');
      assert.equal(await readFile(join(root, 'albums', 'Trip', 'a.jpg'), 'utf8'), 'bytes');
      await destination.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
