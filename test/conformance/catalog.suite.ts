/**
 * @module The catalog conformance suite: every promise of catalog.ts and its repositories, run through openCatalog on
 * each dialect (SQLite file, loopback PostgreSQL), so both answer the same way — numbers as numbers, order, paging.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset } from '../fixtures/build.ts';
import { assetId } from '../../src/core/asset.ts';
import type { RunId } from '../../src/core/outcome.ts';
import type { Catalog, CatalogDialect } from '../../src/catalog/catalog.ts';
import { openCatalog } from '../../src/catalog/open.ts';
import { runOwnerCases } from './catalog-owners.ts';

export interface CatalogSuiteOptions {
  readonly dialect: CatalogDialect;
  /** A location (file path or URL) of a fresh, empty catalog; each call a new one. */
  location(): Promise<string>;
  teardown?(): Promise<void>;
}

const page = (over: object) => ({ upserts: [], deletions: [], cursor: null, reset: false, done: false, ...over });
const summary = { assets: 1, files: { copied: 0, present: 0, removed: 0, failed: 1, filtered: 0 }, bytes: 0, durationMs: 3, status: 'partial' as const };

export function catalogSuite(options: CatalogSuiteOptions): void {
  const opened: Catalog[] = [];
  const fresh = async () => {
    const c = await openCatalog(await options.location());
    opened.push(c);
    return c;
  };
  after(async () => {
    await Promise.allSettled(opened.map((c) => c.close()));
    await options.teardown?.();
  });

  describe(`catalog on ${options.dialect}`, () => {
    it('says which dialect it is', async () => {
      assert.equal((await fresh()).dialect, options.dialect);
    });

    it('stores assets and marks what a full listing no longer mentions as deleted', async () => {
      const c = await fresh();
      await c.ensureSource('s', 'memory');
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

    it('applies explicit deletions and album lists; a page is all or nothing', async () => {
      const c = await fresh();
      await c.ensureSource('s', 'icloud');
      await c.applyChanges('s', page({ upserts: [anAsset({ id: 'x' }), anAsset({ id: 'y' })], reset: true, done: true, albums: [{ id: 'al', path: ['Trips', 'Rome'], kind: 'user' }] }));
      await c.applyChanges('s', page({ deletions: [assetId('x')], done: true, cursor: 'next' }));
      assert.deepEqual((await c.assets('s')).map((x) => x.id), ['y']);
      assert.deepEqual(await c.albums('s'), [{ id: 'al', path: ['Trips', 'Rome'], kind: 'user' }]);
      await assert.rejects(c.applyChanges('unknown-source', page({ upserts: [anAsset()], cursor: 'c' })));
      assert.equal(await c.cursor('unknown-source'), null);
    });

    it('pages assets in the same order as the whole list, across equal dates, without repeats', async () => {
      const c = await fresh();
      await c.ensureSource('s', 'memory');
      const day = new Date('2020-01-01T00:00:00Z').getTime();
      const upserts = Array.from({ length: 53 }, (_, i) => anAsset({ id: `p${String(i).padStart(2, '0')}`, takenAt: new Date(day + (i % 4) * 1000) }));
      await c.applyChanges('s', page({ upserts, reset: true, done: true }));
      const pages: string[][] = [];
      for await (const p of c.assetPages('s', 10)) pages.push(p.map((a) => a.id));
      assert.deepEqual(pages.map((p) => p.length), [10, 10, 10, 10, 10, 3]);
      assert.deepEqual(pages.flat(), (await c.assets('s')).map((a) => a.id));
      assert.equal(new Set(pages.flat()).size, 53);
      const none: unknown[] = [];
      for await (const p of c.assetPages('nothing-here')) none.push(p);
      assert.deepEqual(none, []);
    });

    it('records, replaces and removes placements with sizes beyond 32 bits as numbers', async () => {
      const c = await fresh();
      const big = 6 * 1024 ** 3;
      const p = { destinationId: 'd', sourceId: 's', assetId: assetId('a'), role: 'original' as const, path: 'x/A.MOV', size: big, sha256: 'h1', fingerprint: 'f', version: 'v', verifiedAt: new Date(1000) };
      await c.recordPlacement(p);
      await c.recordPlacement({ ...p, sha256: 'h2' });
      const [got] = await c.placements('d', 's');
      assert.equal(got?.sha256, 'h2');
      assert.strictEqual(got?.size, big);
      assert.equal(got?.verifiedAt.getTime(), 1000);
      await c.removePlacement('d', 's', assetId('a'), 'original');
      assert.deepEqual(await c.placements('d'), []);
    });

    it('reads placements by page of assets, path owners by key and orphans of deleted assets, queued writes included', async () => {
      const c = await fresh();
      await c.ensureSource('s', 'memory');
      await c.applyChanges('s', page({ upserts: [anAsset({ id: 'a' }), anAsset({ id: 'b' })], reset: true, done: true }));
      const at = (id: string, role: 'original' | 'live-video', path: string, destinationId = 'd') => ({ destinationId, sourceId: 's', assetId: assetId(id), role, path,
        size: 1, sha256: 'h', fingerprint: 'f', version: 'v', verifiedAt: new Date(1000) });
      for (const p of [at('a', 'original', 'z/A.HEIC'), at('a', 'live-video', 'b/A.MOV'), at('b', 'original', 'B.JPG'), at('gone', 'original', 'G.JPG'), at('a', 'original', 'other/A.HEIC', 'e')]) await c.recordPlacement(p);
      assert.deepEqual((await c.placementsFor('d', 's', [assetId('a'), assetId('missing')])).map((p) => p.path), ['b/A.MOV', 'z/A.HEIC']);
      const many = Array.from({ length: 1200 }, (_, i) => assetId(`n${i}`));
      assert.deepEqual((await c.placementsFor('d', 's', [...many, assetId('b')])).map((p) => p.assetId), ['b']);
      assert.deepEqual([...await c.pathOwners('d', 's', ['b.jpg', 'z/a.heic', 'free.jpg'])].sort(), [['b.jpg', 'b'], ['z/a.heic', 'a']]);
      assert.deepEqual((await c.orphanPlacements('d', 's')).map((p) => p.path), ['G.JPG']);
      await c.applyChanges('s', page({ deletions: [assetId('b')], done: true, cursor: 'c2' }));
      assert.deepEqual((await c.orphanPlacements('d', 's')).map((p) => p.path), ['B.JPG', 'G.JPG']);
      assert.deepEqual(await c.orphanPlacements('e', 's'), []);
      await c.recordPlacement({ ...at('a', 'original', 'x/A.HEIC', 'e'), sourceId: 't' });
      assert.deepEqual((await c.placementSources('e')).sort(), ['s', 't']);
      assert.deepEqual(await c.placementSources('none'), []);
    });

    it('numbers every write of assets and placements, and says which assets changed after a number', async () => {
      const c = await fresh();
      await c.ensureSource('s', 'memory');
      const start = await c.changeSeq();
      await c.applyChanges('s', page({ upserts: [anAsset({ id: 'a' }), anAsset({ id: 'b' }), anAsset({ id: 'c' })], reset: true, done: true, cursor: 'c1' }));
      const listed = await c.changeSeq();
      assert.ok(listed > start);
      assert.deepEqual((await c.assetsChangedSince('d', 's', start)).sort(), ['a', 'b', 'c']);
      assert.deepEqual(await c.assetsChangedSince('d', 's', listed), []);
      const at = (id: string, destinationId = 'd') => ({ destinationId, sourceId: 's', assetId: assetId(id), role: 'original' as const, path: `${destinationId}/${id}.JPG`,
        size: 1, sha256: 'h', fingerprint: 'f', version: 'v', verifiedAt: new Date(1000) });
      await c.recordPlacement(at('a'));
      await c.recordPlacement(at('b', 'e'));
      // Queued placements are committed before the number is read: it covers them.
      const placed = await c.changeSeq();
      assert.deepEqual(await c.assetsChangedSince('d', 's', listed), ['a'], 'a placement on another destination is not a change here');
      assert.deepEqual(await c.assetsChangedSince('e', 's', listed), ['b']);
      await c.applyChanges('s', page({ deletions: [assetId('c')], cursor: 'c2' }));
      await c.removePlacement('e', 's', assetId('b'), 'original');
      assert.deepEqual((await c.assetsChangedSince('d', 's', placed)).sort(), ['b', 'c'], 'a deletion, and a placement removed, change the asset');
      const again = await c.changeSeq();
      await c.applyChanges('s', page({ upserts: [anAsset({ id: 'a' }), anAsset({ id: 'b' })], reset: true, done: true, cursor: 'c3' }));
      assert.deepEqual((await c.assetsChangedSince('d', 's', again)).sort(), ['a', 'b'], 'a full listing does not touch what was deleted before');
    });

    it('stamps a destination\'s placements: the same until one is recorded, replaced or removed', async () => {
      const c = await fresh();
      const at = (id: string, sha256 = 'h', destinationId = 'd') => ({ destinationId, sourceId: 's', assetId: assetId(id), role: 'original' as const,
        path: `${id}.JPG`, size: 1, sha256, fingerprint: 'f', version: 'v', verifiedAt: new Date(1000) });
      const seen = [await c.placementStamp('d')];
      const changed = async (why: string) => {
        const stamp = await c.placementStamp('d');
        assert.ok(!seen.includes(stamp), `${why}: ${stamp} seen before`);
        seen.push(stamp);
      };
      await c.recordPlacement(at('a'));
      await changed('recorded');
      assert.equal(await c.placementStamp('d'), seen.at(-1), 'unchanged: the same stamp');
      await c.recordPlacement(at('b'));
      await changed('another recorded');
      await c.recordPlacement(at('a', 'h2'));
      await changed('replaced, with the same verification time');
      await c.removePlacement('d', 's', assetId('b'), 'original');
      await changed('removed');
      await c.recordPlacement(at('c', 'h', 'e'));
      assert.equal(await c.placementStamp('d'), seen.at(-1), 'another destination\'s placement');
    });

    it('keeps runs, outcomes in order, and connector state across reopening', async () => {
      const location = await options.location();
      const c = await openCatalog(location);
      const run = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
      for (const id of ['o1', 'o2', 'o3']) {
        await c.recordOutcome(run, { assetId: assetId(id), role: 'original', status: 'failed', code: 'failed', bytes: 3 * 1024 ** 3, errorKind: 'transient', message: `boom ${id}` });
      }
      await c.finishRun(run, summary);
      await c.state('d').set('upload/x', { id: 'u1', parts: [1, 2] });
      await c.state('d').set('other', 1);
      await c.close();
      const again = await openCatalog(location);
      opened.push(again);
      const record = await again.run(run as RunId);
      assert.equal(record?.status, 'partial');
      assert.ok(record?.startedAt instanceof Date && record.finishedAt instanceof Date);
      assert.deepEqual(record?.summary, summary);
      assert.deepEqual((await again.runs(5)).map((r) => r.id), [run]);
      const outcomes = await again.outcomes(run, { status: 'failed' });
      assert.deepEqual(outcomes.map((o) => o.message), ['boom o1', 'boom o2', 'boom o3']);
      assert.strictEqual(outcomes[0]?.bytes, 3 * 1024 ** 3);
      assert.deepEqual(await again.state('d').get('upload/x'), { id: 'u1', parts: [1, 2] });
      assert.deepEqual(await again.state('d').keys('upload/'), ['upload/x']);
      await again.state('d').delete('upload/x');
      assert.equal(await again.state('d').get('upload/x'), undefined);
    });

    it('stores tasks, task↔run links and settings with numbers as numbers', async () => {
      const c = await fresh();
      const row = { id: 't1', name: 'nightly', spec: '{"x":1}', paused: 0, created_at: 1_700_000_000_000, updated_at: 1_700_000_000_000, last_slot_at: null };
      await c.tasks.insert(row);
      await c.tasks.insert({ ...row, id: 't2', created_at: row.created_at + 1 });
      assert.deepEqual(await c.tasks.get('t1'), row);
      await c.tasks.update('t1', { paused: 1, updated_at: row.updated_at + 5 });
      assert.strictEqual((await c.tasks.get('t1'))?.updated_at, row.updated_at + 5);
      assert.deepEqual((await c.tasks.list()).map((t) => t.id), ['t1', 't2']);
      const run = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
      await c.tasks.linkRun(run, 't1');
      await c.tasks.linkRun(run, 't1');
      await c.tasks.setRunError(run, 'auth-required', 'sign in again');
      assert.deepEqual(await c.tasks.runLink(run), { run_id: run, task_id: 't1', error_code: 'auth-required', error_message: 'sign in again' });
      assert.deepEqual(await c.tasks.runIdsOf('t1', 10), [run]);
      await c.tasks.remove('t2');
      assert.equal(await c.tasks.get('t2'), undefined);
      assert.equal(await c.settings.get('admin'), undefined);
      await c.settings.set('admin', 'h1');
      await c.settings.set('admin', 'h2');
      assert.equal(await c.settings.get('admin'), 'h2');
    });

    it('gives a scheduled slot to exactly one of many claimers', async () => {
      const c = await fresh();
      await c.tasks.insert({ id: 't', name: 'n', spec: '{}', paused: 0, created_at: 1, updated_at: 1, last_slot_at: null });
      const slot = 1_800_000_000_000;
      const wins = await Promise.all(Array.from({ length: 8 }, () => c.tasks.claimSlot('t', slot)));
      assert.equal(wins.filter(Boolean).length, 1);
      assert.equal(await c.tasks.claimSlot('t', slot), false, 'the same slot again is taken');
      assert.equal(await c.tasks.claimSlot('t', slot + 60_000), true, 'the next slot is free');
    });

    it('counts totals in SQL as plain numbers', async () => {
      const c = await fresh();
      await c.ensureSource('s', 'memory');
      await c.applyChanges('s', page({ upserts: [anAsset({ id: 'a' }), anAsset({ id: 'b' })], reset: true, done: true, cursor: 'c' }));
      const run = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
      await c.recordOutcome(run, { assetId: assetId('a'), role: 'original', status: 'done', code: 'copied', bytes: 5 });
      await c.recordOutcome(run, { assetId: assetId('b'), role: 'original', status: 'failed', code: 'failed', bytes: 0, errorKind: 'transient' });
      await c.finishRun(run, summary);
      assert.deepEqual(await c.stats.totals(), {
        runsByStatus: { partial: 1 }, bytes: 5, filesByOutcome: { copied: 1, failed: 1 }, errorsByKind: { transient: 1 }, assetsBySource: { s: 2 },
      });
      assert.ok((await c.stats.refreshedAt('s')) instanceof Date);
      assert.equal(await c.stats.refreshedAt('none'), null);
    });

    it('restarts a batch without its dead attempt\'s outcomes, and never restarts a finished one', async () => {
      const c = await fresh();
      const run = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
      await c.jobs.planBatches(run, [{ batch: 0, files: 1, bytes: 10 }]);
      const copied = { assetId: assetId('a1'), role: 'original' as const, status: 'done' as const, code: 'copied' as const, bytes: 10 };
      assert.equal(await c.jobs.beginBatch(run, 0, 'w1', ['a1']), null);
      await c.recordOutcome(run, copied);
      await c.flush(); // per-file records are written behind; a worker flushes them as it goes
      assert.equal(await c.jobs.beginBatch(run, 0, 'w2', ['a1']), null, 'w1 died before finishing: w2 starts afresh');
      assert.deepEqual(await c.outcomes(run), [], 'the dead attempt\'s outcome is gone');
      await c.recordOutcome(run, copied);
      await c.flush();
      await c.jobs.finishBatch(run, 0, 'w2', { copied: 1 });
      // The queue may never have heard that w2 finished (the database went away in between) and hands the batch out again.
      assert.deepEqual(await c.jobs.beginBatch(run, 0, 'w3', ['a1']), { copied: 1 });
      assert.equal((await c.outcomes(run)).length, 1, 'the finished attempt\'s outcome stays');
      assert.deepEqual((await c.jobs.batches(run)).map((b) => [b.worker, b.attempts]), [['w2', 2]]);
    });

    it('counts finished batches and reads results only from a batch on, as the coordinator polls', async () => {
      const c = await fresh();
      const run = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
      await c.jobs.planBatches(run, [0, 1, 2, 3].map((batch) => ({ batch, files: 1, bytes: 10 })));
      assert.equal(await c.jobs.finishedCount(run), 0);
      for (const batch of [0, 2, 3]) await c.jobs.finishBatch(run, batch, 'w1', { copied: batch });
      assert.strictEqual(await c.jobs.finishedCount(run), 3);
      assert.deepEqual(await c.jobs.resultsFrom(run, 1), [{ batch: 2, result: { copied: 2 } }, { batch: 3, result: { copied: 3 } }]);
      assert.deepEqual(await c.jobs.resultsFrom('other', 0), []);
    });

    it('paces an account with one token bucket, a shared cooldown and one sign-in lease', async () => {
      const c = await fresh();
      const shape = { rate: 1, burst: 5 };
      assert.deepEqual(await c.pacer.take('a@x', 3, shape), { granted: 3, waitMs: 0, cooldownUntil: 0 });
      assert.equal((await c.pacer.take('a@x', 5, shape)).granted, 2, 'the burst is spent');
      const empty = await c.pacer.take('a@x', 1, shape);
      assert.equal(empty.granted, 0);
      assert.ok(empty.waitMs > 0 && empty.waitMs <= 1000, `next token in ${empty.waitMs} ms`);
      assert.equal((await c.pacer.take('b@x', 5, shape)).granted, 5, 'another account has its own bucket');
      const until = Date.now() + 60_000;
      await c.pacer.cooldown('b@x', until, shape);
      await c.pacer.cooldown('b@x', until - 30_000, shape);
      const cooled = await c.pacer.take('b@x', 1, shape);
      assert.equal(cooled.granted, 0);
      assert.equal(cooled.cooldownUntil, until, 'an earlier cooldown never shortens a later one');
      assert.equal(await c.pacer.throttles('b@x'), 2);
      assert.equal(await c.pacer.lease('a@x', 'w1', 60_000, shape), true);
      assert.equal(await c.pacer.lease('a@x', 'w2', 60_000, shape), false, 'one sign-in at a time');
      assert.equal(await c.pacer.lease('a@x', 'w1', 60_000, shape), true, 'the holder renews');
      await c.pacer.release('a@x', 'w1');
      assert.equal(await c.pacer.lease('a@x', 'w2', 60_000, shape), true);
    });

    runOwnerCases(options.location, opened);
  });
}
