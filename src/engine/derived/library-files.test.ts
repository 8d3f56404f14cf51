/** @module Library files are rewritten when what they are made of changed, and the library is not walked when nothing did or an update in place does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset } from '../../../test/fixtures/build.ts';
import { openSqliteCatalog } from '../../catalog/sqlite/sqlite-catalog.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { createMemoryStore } from '../../destinations/memory/memory-store.ts';
import { createFileDestination } from '../../destinations/file-destination.ts';
import { DEFAULT_POLICY } from '../plan.ts';
import { DEFAULT_FIDELITY } from './types.ts';
import { MANIFEST_PATH, writeLibraryFiles } from './library-files.ts';

const signal = () => AbortSignal.timeout(30_000);

test('a run that changed nothing does not walk the library; a change, or a file removed by hand, rebuilds', async () => {
  const real = await openSqliteCatalog(':memory:');
  let walks = 0;
  const catalog: Catalog = { ...real, assetPages: (...args) => { walks += 1; return real.assetPages(...args); } };
  const store = createMemoryStore();
  const destination = createFileDestination('memory:dest', store);
  await catalog.ensureSource('s', 'icloud');
  const asset = anAsset({ id: 'a1' });
  await catalog.applyChanges('s', { upserts: [asset], deletions: [], cursor: 'tok-1', reset: true, done: true });
  await catalog.recordPlacement({
    destinationId: 'memory:dest', sourceId: 's', assetId: asset.id, role: 'original', path: '2021/a.jpg', size: 1, sha256: 'x',
    fingerprint: 'f', version: asset.version, verifiedAt: new Date(1000),
  });
  const write = () => writeLibraryFiles({ destination, catalog, fidelity: DEFAULT_FIDELITY, policy: DEFAULT_POLICY, onBytes: () => {} }, signal());
  assert.ok((await write()).written.includes(MANIFEST_PATH));
  assert.equal(walks, 1);
  assert.deepEqual((await write()).written, []);
  assert.equal(walks, 1, 'nothing changed: no walk');
  await catalog.applyChanges('s', { upserts: [{ ...asset, favorite: true, version: 'v2' }], deletions: [], cursor: 'tok-2', reset: false, done: true });
  assert.ok((await write()).written.includes(MANIFEST_PATH), 'the listing moved on: written again');
  assert.equal(walks, 1, 'one asset changed: updated in place, not walked');
  assert.match(store.files.get(MANIFEST_PATH)!.toString(), /"version":"v2".*"favorite":true/);
  store.files.delete(MANIFEST_PATH);
  assert.ok((await write()).written.includes(MANIFEST_PATH), 'a manifest removed by hand is written again');
  assert.equal(walks, 2, 'nothing to update in place: walked');
  await real.close();
});
