/** @module Reused whole-body buffers: handed out again only once given back, and each sidecar written holds its own text. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset, aResource } from '../../test/fixtures/build.ts';
import { openSqliteCatalog } from '../catalog/sqlite/sqlite-catalog.ts';
import { createMemoryStore } from '../destinations/memory/memory-store.ts';
import { createFileDestination } from '../destinations/file-destination.ts';
import { createMemorySource } from '../sources/memory/memory-source.ts';
import { refresh } from './refresh.ts';
import { DEFAULT_POLICY } from './plan.ts';
import { streamPlan } from './plan-stream.ts';
import { executeSteps } from './run.ts';
import { DEFAULT_FIDELITY } from './derived/types.ts';
import { metadataOf, renderJsonSidecar } from './derived/metadata.ts';
import { renderXmp } from './derived/xmp.ts';
import { giveBack, releaseSmallBuffers, takeBuffer } from './small-buffers.ts';

describe('small buffers', () => {
  it('are lent again only after they are given back, and not after a release', () => {
    releaseSmallBuffers();
    const a = takeBuffer(3000);
    assert.ok(a.length > 3000);
    const b = takeBuffer(3000);
    assert.notEqual(a, b, 'a buffer still lent is not lent twice');
    giveBack(a);
    assert.equal(takeBuffer(2000), a, 'a spare of the same size class is reused');
    giveBack(b);
    releaseSmallBuffers();
    assert.notEqual(takeBuffer(3000), b);
  });

  it('sidecars of different lengths, rendered into reused buffers, each hold exactly their own text', async () => {
    // Captions from long to short: a shorter sidecar written into a buffer a longer one used must not carry its tail.
    const assets = Array.from({ length: 30 }, (_, i) => anAsset({
      id: `s${String(i).padStart(3, '0')}`, filename: `IMG_${i}.JPG`, caption: 'x'.repeat((30 - i) * 97),
      resources: [aResource({ filename: `IMG_${i}.JPG`, size: 200 + i })],
    }));
    const catalog = await openSqliteCatalog(':memory:');
    const source = createMemorySource(assets);
    const store = createMemoryStore();
    const destination = createFileDestination('memory:dest', store);
    const signal = AbortSignal.timeout(30_000);
    await refresh(source, catalog, () => {}, signal);
    const options = {
      template: '{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: false,
      fidelity: { ...DEFAULT_FIDELITY, manifest: false, albums: 'none' as const, sidecars: { xmp: true, json: true } },
    };
    const planned = await streamPlan(options, catalog, { sourceId: source.id, destinationId: destination.id });
    const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: 'copy' });
    const result = await executeSteps(runId, planned, { source, destination, catalog, events: () => {}, concurrency: 4 }, signal);
    assert.equal(result.summary.status, 'ok');
    for (const asset of assets) {
      const meta = metadataOf(asset, new Map([['original', asset.filename]]));
      assert.equal(store.files.get(`${asset.filename}.xmp`)?.toString(), renderXmp(meta, 'original'), asset.filename);
      assert.equal(store.files.get(`${asset.filename}.json`)?.toString(), renderJsonSidecar(asset, meta), asset.filename);
    }
  });
});
