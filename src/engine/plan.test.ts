/** @module The pure diff, tested with literal fixtures. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset, aResource } from '../../test/fixtures/build.ts';
import type { Placement } from '../destinations/destination.ts';
import { DEFAULT_POLICY, fingerprintOf, plan, type PlanInput } from './plan.ts';
import { compileFilters } from './filters.ts';
import type { Asset } from '../core/asset.ts';

const input = (assets: Asset[], extra: Partial<PlanInput> = {}): PlanInput => ({
  assets, placements: [], template: '{yyyy}/{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: false, ...extra,
});

const placed = (asset: Asset, path: string, role: Placement['role'] = 'original'): Placement => ({
  destinationId: 'd', sourceId: 's', assetId: asset.id, role, path, size: 1, sha256: 'x',
  fingerprint: fingerprintOf(asset, asset.resources.find((r) => r.role === role)!), version: asset.version, verifiedAt: new Date(),
});

describe('plan', () => {
  it('copies everything to an empty destination', () => {
    const a = anAsset({ filename: 'A.JPG' });
    const p = plan(input([a]));
    assert.deepEqual(p.copies.map((c) => c.path), ['2021/A.JPG']);
    assert.deepEqual(p.totals, { assets: 1, files: 1, bytes: 1000 });
  });

  it('skips what the destination verifiably holds in the same version', () => {
    const a = anAsset({ filename: 'A.JPG' });
    const p = plan(input([a], { placements: [placed(a, '2021/A.JPG')] }));
    assert.equal(p.copies.length, 0);
    assert.equal(p.present, 1);
  });

  it('re-sends a changed resource to the path it already has', () => {
    const a = anAsset({ filename: 'A.JPG', takenAt: new Date('2021-01-01') });
    const old = placed({ ...a, version: 'v0' }, 'old/place/A.JPG');
    const p = plan(input([{ ...a, resources: [aResource({ filename: 'A.JPG', size: 2000 })] }], { placements: [old] }));
    assert.deepEqual(p.copies.map((c) => c.path), ['old/place/A.JPG']);
  });

  it('gives two different files with one name two stable paths, keeping pairs together', () => {
    const one = anAsset({ id: 'one', filename: 'IMG_0001.HEIC', kind: 'live-photo', resources: [
      aResource({ filename: 'IMG_0001.HEIC' }), aResource({ role: 'live-video', filename: 'IMG_0001.MOV' })] });
    const two = anAsset({ id: 'two', filename: 'IMG_0001.HEIC', kind: 'live-photo', resources: [
      aResource({ filename: 'IMG_0001.HEIC' }), aResource({ role: 'live-video', filename: 'IMG_0001.MOV' })] });
    const first = plan(input([one, two]));
    const paths = first.copies.map((c) => c.path);
    assert.equal(new Set(paths).size, 4);
    const twoPaths = first.copies.filter((c) => c.asset.id === 'two').map((c) => c.path);
    assert.match(twoPaths[0]!, /^2021\/IMG_0001~[0-9a-f]{6}\.HEIC$/);
    assert.equal(twoPaths[1], twoPaths[0]!.replace('.HEIC', '.MOV'));
    // Run again with "one" placed: "two" gets the same name as before.
    const again = plan(input([one, two], { placements: [placed(one, '2021/IMG_0001.HEIC'), placed(one, '2021/IMG_0001.MOV', 'live-video')] }));
    assert.deepEqual(again.copies.map((c) => c.path), twoPaths);
  });

  it('treats names differing only in case or Unicode form as one name', () => {
    const upper = anAsset({ id: 'u', filename: 'Café.JPG' });
    const lower = anAsset({ id: 'l', filename: 'cafe\u0301.jpg' });
    const paths = plan(input([upper, lower])).copies.map((c) => c.path);
    assert.notEqual(paths[0]!.toLowerCase(), paths[1]!.toLowerCase());
  });

  it('applies the resource policy', () => {
    const a = anAsset({ filename: 'A.JPG', resources: [
      aResource({ filename: 'A.JPG' }), aResource({ role: 'raw', filename: 'A.DNG' }),
      aResource({ role: 'edited', filename: 'A_E.JPG' }), aResource({ role: 'live-video', filename: 'A.MOV' })] });
    const roles = (policy: PlanInput['policy']) => plan(input([a], { policy })).copies.map((c) => c.resource.role).sort();
    assert.deepEqual(roles(DEFAULT_POLICY), ['edited', 'live-video', 'original', 'raw']);
    assert.deepEqual(roles({ liveVideo: false, raw: 'original', edits: 'original' }), ['original']);
    assert.deepEqual(roles({ liveVideo: true, raw: 'alternative', edits: 'edited' }), ['edited', 'live-video', 'raw']);
  });

  it('applies filters and counts what they exclude', () => {
    const fav = anAsset({ favorite: true });
    const p = plan(input([fav, anAsset(), anAsset()], { include: compileFilters({ favoritesOnly: true }) }));
    assert.equal(p.copies.length, 1);
    assert.equal(p.filtered, 2);
  });

  it('removes placements of deleted assets only when asked', () => {
    const gone = anAsset();
    const placements = [placed(gone, 'x/gone.jpg')];
    assert.equal(plan(input([], { placements })).removes.length, 0);
    assert.equal(plan(input([], { placements, propagateDeletes: true })).removes.length, 1);
  });
});
