/** @module A Live Photo is one unit: with one half failed, nothing derived claims the pair and the asset stays failed. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset, aResource } from '../../../test/fixtures/build.ts';
import { openSqliteCatalog } from '../../catalog/sqlite/sqlite-catalog.ts';
import { TransferError } from '../../core/transfer-error.ts';
import { createFileDestination } from '../../destinations/file-destination.ts';
import { createMemoryStore } from '../../destinations/memory/memory-store.ts';
import { createMemorySource } from '../../sources/memory/memory-source.ts';
import { DEFAULT_POLICY, plan } from '../plan.ts';
import { refresh } from '../refresh.ts';
import { executePlan } from '../run.ts';
import { DEFAULT_FIDELITY } from './types.ts';

describe('Live Photo as a unit', () => {
  it('one half failing leaves no sidecar and a failed outcome; the next run completes the pair', async () => {
    const asset = anAsset({
      id: 'live', filename: 'IMG_0007.HEIC', kind: 'live-photo',
      resources: [aResource({ filename: 'IMG_0007.HEIC', contentType: 'image/heic', size: 500 }),
        aResource({ role: 'live-video', filename: 'IMG_0007.MOV', contentType: 'video/quicktime', size: 900 })],
    });
    const catalog = await openSqliteCatalog(':memory:');
    const source = createMemorySource([asset]);
    const store = createMemoryStore();
    const destination = createFileDestination('memory:d', store);
    const run = async () => {
      const signal = AbortSignal.timeout(10_000);
      await refresh(source, catalog, () => {}, signal);
      const planned = plan({
        assets: await catalog.assets(source.id), placements: await catalog.placements(destination.id, source.id),
        template: '{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: false,
        fidelity: { ...DEFAULT_FIDELITY, manifest: false }, destination: { heic: true, serverSideCopy: true },
      });
      const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: 'copy' });
      const result = await executePlan(runId, planned, {
        source, destination, catalog, events: () => {}, concurrency: 1, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      }, signal);
      return { result, failed: await catalog.outcomes(runId, { status: 'failed' }) };
    };

    source.failNext(asset.id, new TransferError('permanent', 'download refused', { connector: 'memory' }));
    const first = await run();
    assert.equal(first.result.summary.status, 'partial');
    assert.equal(store.files.has('IMG_0007.HEIC.xmp'), false, 'no sidecar claims a pair that is not there');
    assert.deepEqual(first.failed.map((o) => o.message).sort(), ['download refused', 'not written: another file of this asset failed in this run']);

    const second = await run();
    assert.equal(second.result.summary.status, 'ok');
    assert.ok(store.files.has('IMG_0007.HEIC') && store.files.has('IMG_0007.MOV'));
    const xmp = store.files.get('IMG_0007.HEIC.xmp')!.toString();
    assert.match(xmp, /photoferry:LivePhotoPairingId="live"/);
    assert.match(xmp, /photoferry:LivePhotoVideo="IMG_0007.MOV"/);
    await catalog.close();
  });
});
