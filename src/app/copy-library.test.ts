/** @module copy to a library destination (memory fake): uploads, Live Photo links, albums by id, renames and moves without bytes, recovery by checksum. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset, aResource } from '../../test/fixtures/build.ts';
import { openSqliteCatalog } from '../catalog/sqlite/sqlite-catalog.ts';
import { createMemoryLibrary } from '../destinations/memory/memory-library.ts';
import { createMemorySource } from '../sources/memory/memory-source.ts';
import type { Asset } from '../core/asset.ts';
import type { Album } from '../sources/source.ts';
import { copyBetween } from './copy.ts';

const signal = () => AbortSignal.timeout(30_000);
const albumA: Album = { id: 'alb-a', path: ['Trips', 'Alps'], kind: 'user' };
const albumB: Album = { id: 'alb-b', path: ['Family'], kind: 'user' };

const library = (): Asset[] => [
  anAsset({
    id: 'live', filename: 'IMG_1.HEIC', kind: 'live-photo', favorite: true, albums: [{ id: albumA.id, path: albumA.path }],
    resources: [aResource({ filename: 'IMG_1.HEIC', size: 1500 }), aResource({ role: 'live-video', filename: 'IMG_1.MOV', size: 4000 })],
  }),
  anAsset({ id: 'raw', filename: 'IMG_2.JPG', albums: [{ id: albumA.id, path: albumA.path }, { id: albumB.id, path: albumB.path }],
    resources: [aResource({ filename: 'IMG_2.JPG', size: 1200 }), aResource({ role: 'raw', filename: 'IMG_2.DNG', size: 9000 })] }),
  anAsset({ id: 'plain', filename: 'IMG_3.JPG', albums: [{ id: albumB.id, path: albumB.path }] }),
];

async function world() {
  const catalog = await openSqliteCatalog(':memory:');
  const dest = createMemoryLibrary({ id: 'memory-library:t' });
  const run = (assets: Asset[], albums: Album[]) => copyBetween(catalog, createMemorySource(assets, albums), dest,
    { command: 'copy', template: '{yyyy}/{filename}', concurrency: 2 }, signal());
  const stillOf = async (assetId: string, role = 'original') =>
    (await catalog.placements(dest.id)).find((p) => p.assetId === assetId && p.role === role)?.remoteId;
  const albumNamed = (name: string) => [...dest.albums.values()].find((a) => a.name === name);
  return { catalog, dest, run, stillOf, albumNamed };
}

describe('copy → library destination', () => {
  it('uploads every still, links the Live Photo video, fills albums with stills only; a re-run sends nothing', async () => {
    const w = await world();
    const first = await w.run(library(), [albumA, albumB]);
    assert.equal(first.summary?.status, 'ok');
    assert.equal(first.summary?.files.copied, 5);
    assert.equal(w.dest.assets.size, 5);
    const live = w.dest.assets.get((await w.stillOf('live'))!)!;
    assert.equal(live.livePhotoVideoId, await w.stillOf('live', 'live-video'));
    assert.equal(live.favorite, true);
    assert.match(live.sidecar ?? '', /DateTimeOriginal/);
    const alps = w.albumNamed('Trips / Alps')!;
    assert.deepEqual([...alps.assets].sort(), [await w.stillOf('live'), await w.stillOf('raw'), await w.stillOf('raw', 'raw')].sort());
    assert.equal(w.albumNamed('Family')!.assets.size, 3);
    const received = w.dest.received();
    const again = await w.run(library(), [albumA, albumB]);
    assert.equal(again.summary?.files.copied, 0);
    assert.equal(again.summary?.bytes, 0);
    assert.equal(w.dest.received(), received);
    assert.equal(again.plan.albums?.length ?? 0, 0);
  });

  it('an album renamed and moved, and an asset moved between albums: renamed and moved on the service, no upload', async () => {
    const w = await world();
    await w.run(library(), [albumA, albumB]);
    const received = w.dest.received();
    const alpsId = [...w.dest.albums].find(([, a]) => a.name === 'Trips / Alps')![0];
    const renamed: Album = { ...albumA, path: ['2024', 'Mountains'] };
    const moved = library().map((a) => a.id === 'plain' ? { ...a, albums: [{ id: albumA.id, path: renamed.path }] } : a);
    const r = await w.run(moved, [renamed, albumB]);
    assert.equal(r.summary?.files.copied, 0);
    assert.equal(w.dest.received(), received, 'no bytes sent');
    assert.equal(w.dest.albums.size, 2, 'no new album');
    assert.equal(w.dest.albums.get(alpsId)!.name, '2024 / Mountains');
    assert.ok(w.dest.albums.get(alpsId)!.assets.has((await w.stillOf('plain'))!));
    assert.equal(w.albumNamed('Family')!.assets.has((await w.stillOf('plain'))!), false);
  });

  it('a body streamed by a run killed before it was recorded is found by checksum, not sent again', async () => {
    const w = await world();
    await w.run(library(), [albumA, albumB]);
    const placements = await w.catalog.placements(w.dest.id);
    // As after a kill between the service's answer and the catalog's commit: the journal knows, the placements do not.
    const plain = placements.find((p) => p.assetId === 'plain')!;
    const fresh = await world();
    for (const [k, v] of [...w.dest.assets]) fresh.dest.assets.set(k, v);
    await fresh.catalog.state(`library-journal:${fresh.dest.id}`).set(`plain/original/${plain.fingerprint}`, { sha1: plain.remoteChecksum, sha256: plain.sha256, bytes: plain.size });
    const r = await fresh.run(library(), [albumA, albumB]);
    assert.equal(r.summary?.status, 'ok');
    assert.equal((await fresh.catalog.placements(fresh.dest.id)).find((p) => p.assetId === 'plain')?.remoteId, plain.remoteId);
    const total = library().flatMap((a) => a.resources).reduce((n, res) => n + res.size, 0);
    assert.equal(fresh.dest.received(), total - plain.size, 'every body but the journalled one was sent');
    assert.equal(fresh.dest.assets.size, 5, 'the service still holds one asset per still');
  });
});
