/** @module The derived diff with plain objects: conversions, sidecars and album entries planned once, then present. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { anAsset, aResource } from '../../../test/fixtures/build.ts';
import type { Asset } from '../../core/asset.ts';
import type { Placement } from '../../destinations/destination.ts';
import { DEFAULT_POLICY, plan, type Plan } from '../plan.ts';
import { DEFAULT_FIDELITY, type FidelityOptions } from './types.ts';
import { metadataOf } from './metadata.ts';
import { renderXmp } from './xmp.ts';

const live = (albums: Asset['albums'] = []) => anAsset({
  id: 'live-1', filename: 'IMG_0001.HEIC', kind: 'live-photo', albums,
  resources: [
    aResource({ filename: 'IMG_0001.HEIC', contentType: 'image/heic', size: 100 }),
    aResource({ role: 'live-video', filename: 'IMG_0001.MOV', contentType: 'video/quicktime', size: 300 }),
  ],
});

/** What the run would record if every action of `p` succeeded. */
function placementsAfter(p: Plan, before: readonly Placement[] = []): Placement[] {
  const out = new Map(before.map((x) => [`${x.assetId}/${x.role}`, x]));
  const put = (assetId: string, role: Placement['role'], path: string, fingerprint: string) => out.set(`${assetId}/${role}`, {
    destinationId: 'd', sourceId: 's', assetId: assetId as Placement['assetId'], role, path, size: 1, sha256: 'x'.repeat(64),
    fingerprint, version: 'v1', verifiedAt: new Date(0),
  });
  for (const c of p.copies) put(c.asset.id, c.resource.role, c.path, c.fingerprint);
  for (const d of p.derived) put(d.asset.id, d.role, d.path, d.fingerprint);
  for (const r of p.removes) out.delete(`${r.placement.assetId}/${r.placement.role}`);
  return [...out.values()];
}

const planFor = (assets: Asset[], placements: Placement[], fidelity: FidelityOptions, serverSideCopy = true) => plan({
  assets, placements, template: '{yyyy}/{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: false,
  fidelity, destination: { heic: true, serverSideCopy },
});

describe('derived plan', () => {
  it('a Live Photo gets its JPEG beside the HEIC, one XMP for the still, one JSON; a re-plan finds them all present', () => {
    const fidelity = { ...DEFAULT_FIDELITY, convertHeic: { quality: 80 }, sidecars: { xmp: true, json: true } };
    const first = planFor([live()], [], fidelity);
    assert.deepEqual(first.copies.map((c) => c.path), ['2021/IMG_0001.HEIC', '2021/IMG_0001.MOV']);
    assert.deepEqual(first.derived.map((d) => [d.type, d.role, d.path]), [
      ['convert', 'original.jpeg', '2021/IMG_0001.jpg'],
      ['sidecar', 'xmp:original', '2021/IMG_0001.HEIC.xmp'],
      ['sidecar', 'json', '2021/IMG_0001.HEIC.json'],
    ]);
    const again = planFor([live()], placementsAfter(first), fidelity);
    assert.equal(again.copies.length + again.derived.length + again.removes.length, 0);
    assert.equal(again.derivedPresent, 3);
  });

  it('an XMP is current by the hash of its inputs; one recorded by the hash of its text stays until its metadata changes', () => {
    const fidelity = { ...DEFAULT_FIDELITY, sidecars: { xmp: true, json: false } };
    const first = planFor([live()], [], fidelity);
    const [xmp] = first.derived;
    assert.equal(xmp?.role, 'xmp:original');
    assert.match(xmp.fingerprint, /^xmp1:original:[0-9a-f]{64}$/);
    const favorite = { ...live(), favorite: true };
    assert.deepEqual(planFor([favorite], placementsAfter(first), fidelity).derived.map((d) => d.role), ['xmp:original'], 'a new rating is written');

    // What earlier releases recorded: the SHA-256 of the rendered sidecar.
    const text = renderXmp(metadataOf(live(), new Map([['original', '2021/IMG_0001.HEIC'], ['live-video', '2021/IMG_0001.MOV']])), 'original');
    const recorded = placementsAfter(first).map((p) => p.role === 'xmp:original'
      ? { ...p, fingerprint: `sha256:${createHash('sha256').update(text).digest('hex')}` } : p);
    const again = planFor([live()], recorded, fidelity);
    assert.equal(again.derived.length, 0, 'the same text is not written again');
    assert.equal(again.derivedPresent, 1);
    const changed = planFor([favorite], recorded, fidelity);
    assert.deepEqual(changed.derived.map((d) => [d.role, d.fingerprint.slice(0, 13)]), [['xmp:original', 'xmp1:original']]);
  });

  it('the JPEG name takes a suffix when another asset already owns it', () => {
    const jpeg = anAsset({ id: 'other', filename: 'IMG_0001.JPG' });
    const p = planFor([jpeg, live()], [], { ...DEFAULT_FIDELITY, convertHeic: { quality: 90 }, sidecars: { xmp: false, json: false } });
    const converted = p.derived.find((d) => d.type === 'convert')!;
    assert.match(converted.path, /^2021\/IMG_0001~[0-9a-f]{6}\.jpg$/);
  });

  it('links: both halves go in every album folder; a rename moves the entries, leaving an album removes them', () => {
    const fidelity = { ...DEFAULT_FIDELITY, albums: 'links' as const, sidecars: { xmp: false, json: false } };
    const albums = [{ id: 'a1', path: ['Trips', 'Italy'] }, { id: 'a2', path: ['Best'] }];
    const first = planFor([live(albums)], [], fidelity);
    const links = first.derived.filter((d) => d.type === 'link');
    assert.deepEqual(links.map((l) => l.path).sort(), [
      'albums/Best/IMG_0001.HEIC', 'albums/Best/IMG_0001.MOV', 'albums/Trips/Italy/IMG_0001.HEIC', 'albums/Trips/Italy/IMG_0001.MOV',
    ]);
    const placed = placementsAfter(first);
    const renamed = planFor([live([{ id: 'a1', path: ['Trips', 'Italia'] }])], placed, fidelity);
    assert.equal(renamed.copies.length, 0, 'no bytes re-sent');
    assert.deepEqual(renamed.derived.map((d) => [d.path, d.type === 'link' ? d.replaces : '']).sort(), [
      ['albums/Trips/Italia/IMG_0001.HEIC', 'albums/Trips/Italy/IMG_0001.HEIC'],
      ['albums/Trips/Italia/IMG_0001.MOV', 'albums/Trips/Italy/IMG_0001.MOV'],
    ]);
    assert.deepEqual(renamed.removes.map((r) => r.placement.path).sort(), ['albums/Best/IMG_0001.HEIC', 'albums/Best/IMG_0001.MOV']);
  });

  it('links fall back to nothing per asset when the destination cannot copy server-side (manifests cover albums)', () => {
    const p = planFor([live([{ id: 'a1', path: ['X'] }])], [], { ...DEFAULT_FIDELITY, albums: 'links' }, false);
    assert.equal(p.derived.filter((d) => d.type === 'link').length, 0);
  });

  it('a destination without HEIC support gets the JPEG instead of the HEIC', () => {
    const p = plan({
      assets: [live()], placements: [], template: '{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: false,
      fidelity: { ...DEFAULT_FIDELITY, sidecars: { xmp: false, json: false } }, destination: { heic: false, serverSideCopy: false },
    });
    assert.deepEqual(p.copies.map((c) => c.path), ['IMG_0001.MOV']);
    assert.deepEqual(p.derived.map((d) => [d.role, d.path]), [['original.jpeg', 'IMG_0001.jpg']]);
  });
});
