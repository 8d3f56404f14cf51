/** @module Recorded Apple traffic replayed through the CloudKit client: listings, names (incl. bad encodings), sizes, versions, errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudKitClient } from './api/cloudkit-client.ts';
import { Downloader } from './api/download.ts';
import { PhotosApi, type Zone } from './api/photos-api.ts';
import { flag } from './api/records.ts';
import { loadListingCassette, replaySession } from './api/testing/cassettes.ts';
import { Pacer } from './pacer.ts';
import { pairRecords, toAsset } from './to-asset.ts';
import { isTransferError } from '../../core/transfer-error.ts';
import { IcloudError } from './errors.ts';

const PRIMARY: Zone = { db: 'private', zoneID: { zoneName: 'PrimarySync' } };
const signal = new AbortController().signal;
const fastPacer = () => new Pacer({ minIntervalMs: 0, baseBackoffMs: 1, maxBackoffMs: 5 });

function setup(name: string) {
  const session = replaySession(loadListingCassette(name));
  const ck = new CloudKitClient(session, fastPacer());
  return { session, ck, api: new PhotosApi(ck) };
}

async function firstPage(name: string, zone: Zone = PRIMARY) {
  const { api, session } = setup(name);
  const zones = await api.zones(signal);
  assert.equal(zones.zones[0]!.zoneID.zoneName, 'PrimarySync');
  await api.checkIndexing(PRIMARY, signal);
  const count = await api.count(PRIMARY, 'CPLAssetByAssetDateWithoutHiddenOrDeleted', signal);
  const page = await api.page(zone, { kind: 'all' }, 0, 100, signal);
  const { pairs, orphanAssets } = pairRecords(page.records);
  assert.equal(orphanAssets.length, 0);
  return { api, session, count, page, mapped: pairs.map((p) => toAsset(p.master, p.asset)) };
}

describe('icloud cassettes: listings', () => {
  const plain = ['listing_photos_two_sizes', 'listing_photos_no_delete', 'listing_photos_filename_string_encoding'];
  for (const name of plain) {
    it(`${name}: 100 photos, names, sizes, versions`, async () => {
      const { count, mapped, page } = await firstPage(name);
      assert.equal(count, 33161);
      assert.equal(mapped.length, 100);
      assert.ok(page.syncToken);
      const a = mapped[0]!.asset;
      assert.equal(a.filename, 'IMG_7409.JPG');
      assert.equal(a.id, 'F2A23C38-0020-42FE-A273-2923ADE3CAED');
      assert.equal(a.version, '49lb.49lh');
      assert.equal(a.kind, 'live-photo');
      assert.equal(a.utcOffsetMinutes, 420);
      assert.deepEqual(a.resources.map((r) => [r.role, r.filename, r.size]), [['original', 'IMG_7409.JPG', 1884695], ['live-video', 'IMG_7409.MOV', 3294075]]);
      assert.deepEqual(a.resources[0]!.checksum, { algorithm: 'icloud', value: 'AY6c+BsE0jjaXx9tmVGJM1D2VcEO' });
      assert.equal(mapped[1]!.asset.filename, 'IMG_7408.JPG');
      assert.equal(new Set(mapped.map((m) => m.asset.id)).size, 100);
      assert.ok(mapped.every((m) => m.asset.resources.every((r) => r.size > 0)));
      assert.ok(a.location !== undefined && Math.abs(a.location.latitude) > 0, 'locationEnc decoded');
    });
  }

  it('listing_photos_raw: DNG original stays the original', async () => {
    const { mapped } = await firstPage('listing_photos_raw');
    const a = mapped[0]!.asset;
    assert.equal(a.filename, 'IMG_7409.DNG');
    assert.equal(a.resources.find((r) => r.role === 'original')!.contentType, 'image/x-adobe-dng');
  });

  it('listing_photos_raw_alt: CR2 + JPEG → JPEG original, CR2 as raw', async () => {
    const { mapped } = await firstPage('listing_photos_raw_alt');
    const roles = Object.fromEntries(mapped[0]!.asset.resources.map((r) => [r.role, r.filename]));
    assert.equal(roles['original'], 'IMG_7409.JPG');
    assert.equal(roles['raw'], 'IMG_7409.CR2');
    assert.deepEqual(mapped[0]!.wire.raw, { record: 'master', field: 'resOriginal' });
  });

  it('listing_photos_bad_filename: unsafe characters replaced', async () => {
    const { mapped } = await firstPage('listing_photos_bad_filename');
    assert.equal(mapped[0]!.asset.filename, 'i_n v_a_l_i_d_p_a_t_h_.JPG');
  });

  for (const name of ['listing_photos_bad_filename_base64_encoding', 'listing_photos_bad_filename_utf8_encoding']) {
    it(`${name}: falls back to the master name`, async () => {
      const { mapped } = await firstPage(name);
      assert.equal(mapped[0]!.asset.filename, 'AY6c_BsE0jja.JPG');
      assert.equal(mapped[1]!.asset.filename, 'IMG_7408.JPG');
    });
  }

  it('listing_videos: shared library page with newer fields', async () => {
    const { api, mapped } = await firstPage('listing_videos');
    assert.equal(mapped.length, 100);
    const videos = mapped.filter((m) => m.asset.kind === 'video');
    assert.ok(videos.length > 0);
    assert.ok(videos.every((v) => v.asset.resources[0]!.contentType.startsWith('video/')));
    const shared = await api.page({ db: 'shared', zoneID: { zoneName: 'SharedSync-00000000-1111-2222-3333-444444444444' } }, { kind: 'all' }, 0, 100, signal);
    const pairs = pairRecords(shared.records).pairs;
    assert.equal(pairs.length, 1);
    assert.equal(toAsset(pairs[0]!.master, pairs[0]!.asset).asset.filename, 'solvej dk.png');
  });

  it('listing_albums: folders skipped, NFD names normalised', async () => {
    const { api } = setup('listing_albums');
    await api.checkIndexing(PRIMARY, signal);
    const zones = (await api.zones(signal)).zones.map((z) => [z.db, z.zoneID.zoneName]);
    assert.deepEqual(zones, [['private', 'PrimarySync'], ['shared', 'SharedSync-00000000-1111-2222-3333-444444444444']]);
    const { albumNode } = await import('./api/albums.ts');
    const nodes = (await api.albums(PRIMARY, undefined, signal)).map(albumNode).filter((n) => n !== undefined);
    assert.equal(nodes.length, 16);
    assert.ok(nodes.some((n) => n.name === 'Jörg'.normalize('NFC')));
  });

  it('autodelete_photos: Recently Deleted page, then an empty page', async () => {
    const { api } = setup('autodelete_photos');
    const page = await api.page(PRIMARY, { kind: 'deleted' }, 0, 100, signal);
    const { pairs } = pairRecords(page.records);
    assert.equal(pairs.length, 16);
    assert.ok(pairs.every((p) => flag(p.asset, 'isDeleted')));
    assert.equal(pairs[0]!.asset.expirationTime !== undefined || pairs[0]!.master.expirationTime !== undefined, true);
    const next = await api.page(PRIMARY, { kind: 'deleted' }, 16, 100, signal);
    assert.equal(next.records.length, 0);
  });

  it('download_autodelete_photos_part1/2: listing, isDeleted modify answer, trash listing', async () => {
    const one = await firstPage('download_autodelete_photos_part1');
    assert.equal(one.count, 7840);
    assert.equal(one.mapped[0]!.asset.filename, 'IMG_3589.JPG');
    const [updated] = await one.api.modify(PRIMARY, [{ operationType: 'update', record: { recordName: 'A5A7C0F1-BE37-46D8-9A99-400AD6DC2351', recordType: 'CPLAsset', recordChangeTag: '1s2g', fields: { isDeleted: { value: 1 } } } }], ['isDeleted'], signal);
    assert.ok(updated !== undefined && flag(updated, 'isDeleted'));
    assert.ok(updated.expirationTime !== undefined);
    const { api } = setup('download_autodelete_photos_part2');
    const trash = pairRecords((await api.page(PRIMARY, { kind: 'deleted' }, 0, 100, signal)).records).pairs;
    assert.equal(trash.length, 79);
    assert.equal(toAsset(trash[1]!.master, trash[1]!.asset).asset.filename, '70654405751__2B5F6796-AA03-4881-A85F-833C4218C5E4.HEIC');
  });
});

describe('icloud cassettes: downloads and errors', () => {
  it('download sizes are checked (recorded bodies are trimmed)', async () => {
    const page = await firstPage('listing_photos_two_sizes');
    const pair = pairRecords(page.page.records).pairs[0]!;
    const m = toAsset(pair.master, pair.asset);
    // The recorded URLs expired in 2018; the lookup for a fresh one is not recorded, so pretend they are fresh.
    const dl = new Downloader(page.api, page.session, fastPacer(), async () => [PRIMARY], { refreshMarginMs: -1e13 });
    dl.remember(m.asset.id, PRIMARY, pair.master, pair.asset, m.wire);
    const stream = await dl.open(m.asset, 'original', signal);
    await assert.rejects(async () => { for await (const _ of stream) { /* drain */ } }, (e: unknown) => isTransferError(e) && e.kind === 'transient' && /161 of 1884695/.test(e.message));
  });

  it('errors/listing_photos_404: download answers 404 → not-found', async () => {
    const page = await firstPage('errors/listing_photos_404');
    const pair = pairRecords(page.page.records).pairs[0]!;
    const m = toAsset(pair.master, pair.asset);
    const dl = new Downloader(page.api, page.session, fastPacer(), async () => [PRIMARY], { refreshMarginMs: -1e13 });
    dl.remember(m.asset.id, PRIMARY, pair.master, pair.asset, m.wire);
    await assert.rejects(dl.open(m.asset, 'original', signal), (e: unknown) => isTransferError(e) && e.kind === 'not-found');
  });

  it('errors/listing_albums_error: 200 with success:false is an error', async () => {
    const { api } = setup('errors/listing_albums_error');
    await api.checkIndexing(PRIMARY, signal);
    await assert.rejects(api.albums(PRIMARY, undefined, signal), (e: unknown) => e instanceof IcloudError && /Api Error/.test(e.message));
  });

  it('errors/listing_photos_iteration_error: 500 on a page → transient after retries', async () => {
    const { api, session } = setup('errors/listing_photos_iteration_error');
    await assert.rejects(api.page(PRIMARY, { kind: 'all' }, 0, 100, signal), (e: unknown) => isTransferError(e) && e.kind === 'transient');
    assert.equal(session.calls.filter((c) => c.endsWith('#index')).length, 4);
  });

  it('errors/listing_photos_session_error_iteration: 401 → refresh once → continue', async () => {
    const { api, session } = setup('errors/listing_photos_session_error_iteration');
    assert.equal(await api.count(PRIMARY, 'CPLAssetByAssetDateWithoutHiddenOrDeleted', signal), 33161);
    assert.equal(session.refreshes, 1);
    const page = await api.page(PRIMARY, { kind: 'all' }, 0, 100, signal);
    assert.equal(pairRecords(page.records).pairs.length, 100);
  });
});
