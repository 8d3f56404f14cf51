/** @module The SQLite catalog: change pages, full-listing deletions, cursors, placements, runs and connector state. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anAsset } from '../../../test/fixtures/build.ts';
import { assetId } from '../../core/asset.ts';
import type { RunId } from '../../core/outcome.ts';
import { openSqliteCatalog } from './sqlite-catalog.ts';

const page = (over: object) => ({ upserts: [], deletions: [], cursor: null, reset: false, done: false, ...over });

describe('SQLite catalog', () => {
  it('stores assets with their dates and marks what a full listing no longer mentions as deleted', async () => {
    const c = await openSqliteCatalog(':memory:');
    await c.ensureSource('s', 'memory');
    const [a, b, d] = [anAsset({ id: 'a' }), anAsset({ id: 'b' }), anAsset({ id: 'd' })];
    await c.applyChanges('s', page({ upserts: [a, b], reset: true }));
    await c.applyChanges('s', page({ upserts: [d], done: true, cursor: 'tok-1' }));
    assert.deepEqual((await c.assets('s')).map((x) => x.id).sort(), ['a', 'b', 'd']);
    assert.ok((await c.assets('s'))[0]!.takenAt instanceof Date);
    assert.equal(await c.cursor('s'), 'tok-1');
    await c.applyChanges('s', page({ upserts: [a], reset: true, done: true, cursor: 'tok-2' }));
    assert.deepEqual((await c.assets('s')).map((x) => x.id), ['a']);
  });

  it('applies explicit deletions and album lists from a change feed', async () => {
    const c = await openSqliteCatalog(':memory:');
    await c.ensureSource('s', 'icloud');
    await c.applyChanges('s', page({ upserts: [anAsset({ id: 'x' }), anAsset({ id: 'y' })], reset: true, done: true, albums: [{ id: 'al', path: ['Trips', 'Rome'], kind: 'user' }] }));
    await c.applyChanges('s', page({ deletions: [assetId('x')], done: true, cursor: 'next' }));
    assert.deepEqual((await c.assets('s')).map((x) => x.id), ['y']);
    assert.deepEqual(await c.albums('s'), [{ id: 'al', path: ['Trips', 'Rome'], kind: 'user' }]);
  });

  it('a page is all or nothing', async () => {
    const c = await openSqliteCatalog(':memory:');
    await assert.rejects(c.applyChanges('unknown-source', page({ upserts: [anAsset()], cursor: 'c' })));
    assert.equal(await c.cursor('unknown-source'), null);
  });

  it('records, replaces and removes placements; runs and outcomes; connector state survives reopening', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'pf-cat-')), 'catalog.db');
    const c = await openSqliteCatalog(file);
    const p = { destinationId: 'd', sourceId: 's', assetId: assetId('a'), role: 'original' as const, path: 'x/A.JPG', size: 5, sha256: 'h1', fingerprint: 'f', version: 'v', verifiedAt: new Date(1000) };
    await c.recordPlacement(p);
    await c.recordPlacement({ ...p, sha256: 'h2' });
    assert.deepEqual((await c.placements('d', 's')).map((x) => x.sha256), ['h2']);
    const run = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
    await c.recordOutcome(run, { assetId: assetId('a'), role: 'original', status: 'failed', code: 'failed', bytes: 0, errorKind: 'transient', message: 'boom' });
    await c.finishRun(run, { assets: 1, files: { copied: 0, present: 0, removed: 0, failed: 1, filtered: 0 }, bytes: 0, durationMs: 3, status: 'partial' });
    await c.state('d').set('upload/x', { id: 'u1', parts: [1, 2] });
    await c.removePlacement('d', 's', assetId('a'), 'original');
    await c.close();
    const again = await openSqliteCatalog(file);
    assert.deepEqual(await again.placements('d'), []);
    assert.equal((await again.run(run as RunId))?.status, 'partial');
    assert.equal((await again.outcomes(run, { status: 'failed' }))[0]?.message, 'boom');
    assert.deepEqual(await again.state('d').get('upload/x'), { id: 'u1', parts: [1, 2] });
    assert.deepEqual(await again.state('d').keys('upload/'), ['upload/x']);
    await again.close();
  });
});
