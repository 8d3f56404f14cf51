/** @module A streamed run (steps planned as the run goes) does what the whole plan does; incremental counts add up. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset, aResource } from '../../test/fixtures/build.ts';
import { openSqliteCatalog } from '../catalog/sqlite/sqlite-catalog.ts';
import { createMemoryStore } from '../destinations/memory/memory-store.ts';
import { createFileDestination } from '../destinations/file-destination.ts';
import { contentOf, createMemorySource } from '../sources/memory/memory-source.ts';
import { TransferError } from '../core/transfer-error.ts';
import type { Asset } from '../core/asset.ts';
import { refresh } from './refresh.ts';
import { DEFAULT_POLICY, type PlanOptions } from './plan.ts';
import { collectPlan, streamChanges, streamPlan } from './plan-stream.ts';
import { executeSteps } from './run.ts';
import { DEFAULT_FIDELITY } from './derived/types.ts';

const signal = () => AbortSignal.timeout(30_000);
const options: PlanOptions = {
  template: '{yyyy}/{filename}', include: (a) => !a.hidden, policy: DEFAULT_POLICY, propagateDeletes: false,
  fidelity: { ...DEFAULT_FIDELITY, manifest: false, albums: 'none' },
};
/** Same file names on every 7th asset: collisions across pages get suffixes. */
const library = (n: number, from = 0): Asset[] => Array.from({ length: n }, (_, k) => {
  const i = from + k;
  return anAsset({
    id: `a${String(i).padStart(4, '0')}`, filename: `IMG_${i % 7}.HEIC`, kind: 'live-photo', hidden: i % 9 === 4,
    resources: [aResource({ filename: `IMG_${i % 7}.HEIC`, size: 100 + i }), aResource({ role: 'live-video', filename: `IMG_${i % 7}.MOV`, size: 50 + i })],
  });
});

async function setup(assets: Asset[]) {
  const catalog = await openSqliteCatalog(':memory:');
  const source = createMemorySource(assets);
  const store = createMemoryStore();
  const destination = createFileDestination('memory:dest', store);
  const target = { sourceId: source.id, destinationId: destination.id, pageSize: 5 };
  const run = async (planned: Awaited<ReturnType<typeof streamPlan>>) => {
    const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: 'copy' });
    return executeSteps(runId, planned, { source, destination, catalog, events: () => {}, concurrency: 2, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }, signal());
  };
  return { catalog, source, store, target, run };
}

describe('streamed run', () => {
  it('a plan too large to hold is planned again step by step and copies what the held plan would', async () => {
    const assets = library(40);
    const t = await setup(assets);
    await refresh(t.source, t.catalog, () => {}, signal());
    const held = await streamPlan(options, t.catalog, t.target);
    const streamed = await streamPlan(options, t.catalog, t.target, 10);
    assert.ok(!(Symbol.asyncIterator in held.steps) && Symbol.asyncIterator in streamed.steps, 'one held, one re-planned');
    assert.deepEqual(streamed.totals, held.totals);
    assert.equal(streamed.plan.copies.length + held.plan.copies.length, 0, 'neither plan keeps actions beside its steps');
    const whole = await collectPlan(held.steps);
    assert.ok(whole.copies.length > 0 && [...held.steps].length === 0, 'held steps are handed out once, then let go');
    const result = await t.run(streamed);
    assert.equal(result.summary.status, 'ok');
    assert.equal(result.summary.files.copied, held.totals.files);
    assert.equal(result.summary.files.filtered, 4);
    assert.equal(result.summary.counts?.assets, held.totals.assets);
    const copiedPaths = new Set(whole.copies.map((c) => c.path));
    for (const path of copiedPaths) assert.ok(t.store.files.has(path), `missing ${path}`);
    for (const d of whole.derived) assert.ok(t.store.files.has(d.path), `missing sidecar ${d.path}`);
    assert.deepEqual(t.store.files.get(whole.copies[0]!.path), contentOf(whole.copies[0]!.asset.id, whole.copies[0]!.resource.role, whole.copies[0]!.resource.size));
    const again = await streamPlan(options, t.catalog, t.target, 10);
    assert.deepEqual(again.totals, { assets: 0, files: 0, bytes: 0 }, 'everything is in place');
  });

  it('a file that fails leaves its asset without a sidecar, in whichever step it is', async () => {
    const assets = library(12);
    const t = await setup(assets);
    await refresh(t.source, t.catalog, () => {}, signal());
    t.source.failNext(assets[7]!.id, new TransferError('permanent', 'gone', { connector: 'memory' }), 10);
    const result = await t.run(await streamPlan(options, t.catalog, t.target, 1));
    assert.equal(result.summary.status, 'partial');
    const placed = await t.catalog.placements('memory:dest');
    assert.ok(!placed.some((p) => p.assetId === assets[7]!.id && p.role.startsWith('xmp')), 'no sidecar claims the failed asset');
    assert.ok(placed.some((p) => p.assetId === assets[8]!.id && p.role.startsWith('xmp')), 'its neighbours have theirs');
  });

  it('an incremental plan counts present and filtered as a full plan of the same library would', async () => {
    const assets = library(30);
    const t = await setup(assets);
    await refresh(t.source, t.catalog, () => {}, signal());
    const first = await t.run(await streamPlan(options, t.catalog, t.target));
    const settled = { present: first.summary.files.present + first.summary.files.copied, filtered: first.summary.files.filtered };
    // The last clean run's state, then: 3 new assets, one edited (now hidden), one unhidden, one deleted.
    const changedBefore = await t.catalog.assetsById(t.source.id, ['a0003', 'a0004', 'a0010'].map((id) => id as Asset['id']));
    const [edited, unhidden] = [{ ...assets[3]!, hidden: true, version: 'v2' }, { ...assets[4]!, hidden: false, version: 'v2' }];
    await t.catalog.applyChanges(t.source.id, { upserts: [...library(3, 100), edited, unhidden], deletions: [assets[10]!.id], cursor: 'c2', reset: false, done: true });
    const ids = ['a0100', 'a0101', 'a0102', 'a0003', 'a0004', 'a0010'] as Asset['id'][];
    const incremental = await streamChanges(options, t.catalog, t.target, { ids, before: changedBefore }, settled);
    const full = await streamPlan(options, t.catalog, t.target);
    assert.deepEqual([incremental.present, incremental.filtered, incremental.totals], [full.present, full.filtered, full.totals]);
    const pathsOf = async (p: typeof full) => (await collectPlan(p.steps)).copies.map((c) => c.path).sort();
    assert.deepEqual(await pathsOf(incremental), await pathsOf(full));
  });

  it('tells the source each step\'s assets before any of them is read', async () => {
    const assets = library(30);
    const t = await setup(assets);
    await refresh(t.source, t.catalog, () => {}, signal());
    const told = new Set<string>();
    const events: string[] = [];
    const open = t.source.open.bind(t.source);
    Object.assign(t.source, {
      prefetch: async (batch: readonly Asset[]) => { for (const a of batch) told.add(a.id); events.push(`prefetch ${batch.length}`); },
      open: async (asset: Asset, ...rest: [never, AbortSignal]) => {
        assert.ok(told.has(asset.id), `${asset.id} read before the source was told`);
        return open(asset, ...rest);
      },
    });
    const result = await t.run(await streamPlan(options, t.catalog, t.target, 10));
    assert.equal(result.summary.status, 'ok');
    assert.ok(events.length >= 2, `one hint per step: ${events.join(', ')}`);
    assert.equal(told.size, assets.filter((a) => !a.hidden).length);
  });

  it('album entries link files copied in any step, not only in the first one', async () => {
    const album = { id: 'al1', path: ['Trips', 'Lisbon'] };
    const assets = library(30).map((a) => ({ ...a, albums: [album] }));
    const t = await setup(assets);
    await refresh(t.source, t.catalog, () => {}, signal());
    const linking: PlanOptions = { ...options, fidelity: { ...DEFAULT_FIDELITY, manifest: false, albums: 'links' }, destination: { heic: true, serverSideCopy: true } };
    const held = await collectPlan((await streamPlan(linking, t.catalog, t.target)).steps);
    const result = await t.run(await streamPlan(linking, t.catalog, t.target, 10));
    assert.equal(result.summary.files.failed, 0);
    assert.equal(result.summary.status, 'ok');
    const links = held.derived.filter((d) => d.type === 'link');
    assert.ok(links.length > 20, `album entries over several steps: ${links.length}`);
    for (const l of links) assert.ok(t.store.files.has(l.path), `missing album entry ${l.path}`);
  });

  it('a run stopped half-way counts each asset it copied once, the ones of unfinished steps too', async () => {
    const t = await setup(library(40));
    await refresh(t.source, t.catalog, () => {}, signal());
    const stop = new AbortController();
    const copiedIds = new Set<string>();
    let copiedFiles = 0;
    const runId = await t.catalog.startRun({ sourceId: t.source.id, destinationId: 'memory:dest', command: 'copy' });
    const result = await executeSteps(runId, await streamPlan(options, t.catalog, t.target, 10), {
      source: t.source, destination: createFileDestination('memory:dest', t.store), catalog: t.catalog, concurrency: 2,
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      events: (e) => {
        if (e.type !== 'file-done' || e.outcome.code !== 'copied' || e.outcome.role.startsWith('xmp')) return;
        copiedIds.add(e.outcome.assetId);
        // Mid-step: a Live Photo's photo is in, its video maybe not, and the step has not settled.
        if ((copiedFiles += 1) === 23) stop.abort(new TransferError('cancelled', 'stopped by the test', { connector: 'test' }));
      },
    }, stop.signal);
    assert.equal(result.summary.status, 'cancelled');
    assert.ok(copiedIds.size > 5 && copiedIds.size < 36, `stopped part-way: ${copiedIds.size} assets`);
    assert.equal(result.summary.counts?.assets, copiedIds.size);
  });

  it('a source whose prefetch fails is read file by file, and the run is not hurt', async () => {
    const t = await setup(library(12));
    await refresh(t.source, t.catalog, () => {}, signal());
    Object.assign(t.source, { prefetch: async () => { throw new Error('lookup refused'); } });
    const result = await t.run(await streamPlan(options, t.catalog, t.target, 5));
    assert.equal(result.summary.status, 'ok');
    assert.equal(result.summary.files.failed, 0);
  });
});
