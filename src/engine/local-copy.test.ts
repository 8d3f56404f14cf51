/**
 * @module A folder source to a local destination: files above the small-file size are copied by the kernel
 * (FileStore.copyIn) and recorded with the SHA-256 read back from the destination; a bandwidth limit keeps them on
 * the metered stream path. Real folder source, real local store, real SQLite catalog.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteCatalog } from '../catalog/sqlite/sqlite-catalog.ts';
import { silentLogger } from '../connectors/context.ts';
import type { Destination } from '../destinations/destination.ts';
import { createFileDestination, stagingPath } from '../destinations/file-destination.ts';
import { createLocalStore } from '../destinations/local/local-store.ts';
import { STAGING_DIR } from '../destinations/store-path.ts';
import { FolderSource } from '../sources/folder/folder-source.ts';
import { RunGate } from './gate.ts';
import { DEFAULT_POLICY, plan } from './plan.ts';
import { refresh } from './refresh.ts';
import { executePlan } from './run.ts';
import { SMALL_FILE_BYTES } from './transfer.ts';

const JPEG = new URL('../../test/fixtures/media/base.jpg', import.meta.url);

/** A JPEG (so the folder source reads its metadata) padded past the small-file size. */
async function largePhoto(path: string): Promise<Buffer> {
  const bytes = Buffer.concat([await readFile(JPEG), randomBytes(SMALL_FILE_BYTES + 123_457)]);
  await writeFile(path, bytes);
  return bytes;
}

async function copyOnce(lib: string, out: string, gate?: RunGate, before?: (path: string, size: number) => Promise<void>) {
  const catalog = await openSqliteCatalog(':memory:');
  const source = new FolderSource({ path: lib, foldersAsAlbums: false, pageSize: 500, concurrency: 4 }, silentLogger);
  const inner = createFileDestination(`local:${out}`, createLocalStore({ root: out, durability: 'none' }));
  const calls = { put: 0, putLocal: 0 };
  const destination: Destination = {
    ...inner,
    put: (item, signal) => { calls.put++; return inner.put(item, signal); },
    putLocal: (item, signal) => { calls.putLocal++; return inner.putLocal!(item, signal); },
  };
  const signal = AbortSignal.timeout(30_000);
  try {
    await refresh(source, catalog, () => {}, signal);
    const planned = plan({
      assets: await catalog.assets(source.id), placements: await catalog.placements(destination.id, source.id),
      template: '{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: false,
    });
    for (const action of planned.copies) await before?.(action.path, action.resource.size);
    const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: 'copy' });
    const result = await executePlan(runId, planned, {
      source, destination, catalog, events: () => {}, concurrency: 2, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      // A batch (a worker's share of a run) cleans no staging, so a half file from a killed run is still there.
      ...(gate ? { gate } : {}), ...(before ? { batch: true } : {}),
    }, signal);
    const placements = await catalog.placements(destination.id, source.id);
    return { result, placements, calls };
  } finally {
    await source.close();
    await destination.close();
    await catalog.close();
  }
}

describe('kernel copy from a folder source to a local destination', () => {
  it('copies the file, records the SHA-256 of what the destination holds, and writes over a killed run’s half file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pf-kcopy-'));
    try {
      const lib = join(root, 'lib');
      const out = join(root, 'out');
      await mkdir(lib);
      const bytes = await largePhoto(join(lib, 'IMG_0001.JPG'));
      // What a SIGKILL mid-copy leaves at the staging name: the exclusive create fails once, the retry writes afresh.
      const halfFile = async (path: string, size: number) => {
        const at = join(out, ...stagingPath(path, size).split('/'));
        await mkdir(join(at, '..'), { recursive: true });
        await writeFile(at, bytes.subarray(0, bytes.length >> 1));
      };
      const { result, placements, calls } = await copyOnce(lib, out, undefined, halfFile);
      assert.equal(result.summary.files.failed, 0);
      assert.equal(result.summary.files.copied, 1);
      assert.deepEqual(calls, { put: 0, putLocal: 2 }, 'the first attempt met the half file, the second copied');
      assert.deepEqual(await readFile(join(out, 'IMG_0001.JPG')), bytes);
      assert.equal(placements[0]?.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(placements[0]?.size, bytes.length);
      assert.deepEqual(await readdir(join(out, ...STAGING_DIR.split('/'))), [], 'nothing left at a staging name');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('streams instead when the run has a bandwidth limit, which only a metered stream can keep', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pf-kcopy-'));
    try {
      const lib = join(root, 'lib');
      await mkdir(lib);
      const bytes = await largePhoto(join(lib, 'IMG_0002.JPG'));
      const { result, placements, calls } = await copyOnce(lib, join(root, 'out'), new RunGate(1 << 30));
      assert.equal(result.summary.files.copied, 1);
      assert.deepEqual(calls, { put: 1, putLocal: 0 });
      assert.equal(placements[0]?.sha256, createHash('sha256').update(bytes).digest('hex'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
