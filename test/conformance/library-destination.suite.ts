/** @module The library-destination conformance suite: one test per sentence of the contract in library-destination.ts. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { assetId, type Asset, type Resource } from '../../src/core/asset.ts';
import { TransferError } from '../../src/core/transfer-error.ts';
import type { LibraryDestination, UploadPart } from '../../src/destinations/library-destination.ts';
import { bufferStream, patternStream } from './streams.ts';

/** What the suite reads from the service's side (the fake's state, or the real API) to check the connector's claims. */
export interface LibraryObserver {
  /** Remote ids in an album. */
  albumAssets(remoteAlbumId: string): Promise<string[]>;
  albumName(remoteAlbumId: string): Promise<string | undefined>;
  /** The video linked to a still, when the service pairs Live Photos. */
  liveVideoOf(remoteId: string): Promise<string | undefined>;
  /** Number of assets the service holds. */
  assetCount(): Promise<number>;
}

export interface LibrarySuiteOptions {
  create(): Promise<LibraryDestination>;
  observer(): LibraryObserver;
  teardown?(): Promise<void>;
  /** Opt-outs by exact test name, with the reason. */
  skip?: readonly { reason: string; tests: readonly string[] }[];
}

const signal = () => AbortSignal.timeout(120_000);
const sha1Of = (data: Buffer) => createHash('sha1').update(data).digest('hex');

/** Unique bytes per call, so each test's uploads are new to the service. */
const uniqueBytes = (label: string, size = 4096) => {
  const head = Buffer.from(`${label}:${randomUUID()}:`);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 7)]);
};

const assetOf = (name: string, resources: Resource[], extra: Partial<Asset> = {}): Asset => ({
  id: assetId(`suite-${name}-${randomUUID().slice(0, 8)}`), version: '1', kind: 'photo', takenAt: new Date('2024-06-01T10:20:30Z'),
  addedAt: new Date('2024-06-02T00:00:00Z'), utcOffsetMinutes: 120, filename: resources[0]!.filename, resources, albums: [],
  favorite: false, hidden: false, ...extra,
});

const resourceOf = (role: Resource['role'], filename: string, data: Buffer, contentType = 'image/jpeg'): Resource =>
  ({ role, filename, size: data.length, contentType });

const partOf = (resource: Resource, body: () => Readable, hashed?: string[]): UploadPart => ({
  resource, open: async () => body(), ...(hashed ? { onHashed: (s: string) => { hashed.push(s); } } : {}),
});

export function describeLibraryDestination(name: string, options: LibrarySuiteOptions): void {
  const skipped = new Map<string, string>();
  for (const group of options.skip ?? []) for (const test of group.tests) skipped.set(test, group.reason);

  describe(`LibraryDestination conformance: ${name}`, () => {
    let lib: LibraryDestination;
    let seen: LibraryObserver;
    const test = (title: string, fn: () => Promise<void>) => {
      const reason = skipped.get(title);
      it(title, reason ? { skip: reason } : {}, fn);
    };
    const uploadPhoto = async (label: string, extra: Partial<Asset> = {}) => {
      const data = uniqueBytes(label);
      const resource = resourceOf('original', `${label}.jpg`, data);
      const asset = assetOf(label, [resource], extra);
      const result = await lib.upload({ asset, part: partOf(resource, () => bufferStream(data)) }, signal());
      return { data, asset, resource, result };
    };

    before(async () => { lib = await options.create(); seen = options.observer(); });
    after(async () => { await lib?.close(); await options.teardown?.(); });

    test('declares its facet and capabilities', async () => {
      assert.equal(lib.facet, 'library');
      for (const key of ['livePairing', 'sidecar', 'favorites', 'verifiableBytes'] as const) assert.equal(typeof lib.capabilities[key], 'boolean', key);
      assert.ok(lib.capabilities.dailyQuota === undefined || lib.capabilities.dailyQuota > 0);
    });

    test('check passes with working credentials', async () => {
      await lib.check(signal());
    });

    test('upload returns a remote id and the SHA-1 of the bytes sent; onHashed saw the same SHA-1', async () => {
      const data = uniqueBytes('hashed', 200_000);
      const resource = resourceOf('original', 'hashed.jpg', data);
      const hashed: string[] = [];
      const before = await seen.assetCount();
      const r = await lib.upload({ asset: assetOf('hashed', [resource]), part: partOf(resource, () => bufferStream(data), hashed) }, signal());
      assert.ok(r.still.remoteId.length > 0);
      assert.equal(r.still.sha1, sha1Of(data));
      assert.equal(r.still.bytes, data.length);
      assert.equal(r.still.duplicate, false);
      assert.deepEqual(hashed, [sha1Of(data)]);
      assert.equal(await seen.assetCount(), before + 1);
    });

    test('a multi-megabyte upload streams through and verifies', async () => {
      const size = 6 * 1024 * 1024 + 3;
      const chunks: Buffer[] = [];
      for await (const c of patternStream(size, Math.floor(Math.random() * 1e9))) chunks.push(c as Buffer);
      const data = Buffer.concat(chunks);
      const resource = resourceOf('original', 'big.mov', data, 'video/quicktime');
      const r = await lib.upload({ asset: assetOf('big', [resource], { kind: 'video' }), part: partOf(resource, () => bufferStream(data)) }, signal());
      assert.equal(r.still.sha1, sha1Of(data));
      if (lib.capabilities.verifiableBytes) assert.equal(await lib.verify(r.still.remoteId, sha1Of(data), signal()), 'ok');
    });

    test('the same bytes again: the service keeps one asset and answers with its id', async () => {
      const first = await uploadPhoto('twice');
      const count = await seen.assetCount();
      const again = await lib.upload({ asset: first.asset, part: partOf(first.resource, () => bufferStream(first.data)) }, signal());
      assert.equal(again.still.remoteId, first.result.still.remoteId);
      assert.equal(again.still.duplicate, true);
      assert.equal(await seen.assetCount(), count);
    });

    test('findByChecksum finds what was uploaded and nothing else', async () => {
      const { data, result } = await uploadPhoto('findme');
      const unknown = sha1Of(uniqueBytes('never-sent'));
      const found = await lib.findByChecksum([sha1Of(data), unknown], signal());
      assert.equal(found.get(sha1Of(data)), result.still.remoteId);
      assert.equal(found.has(unknown), false);
    });

    test('verify: ok for the right SHA-1, mismatch for another, missing for an unknown id (or unverifiable)', async () => {
      const { data, result } = await uploadPhoto('verify');
      const ok = await lib.verify(result.still.remoteId, sha1Of(data), signal());
      if (!lib.capabilities.verifiableBytes) { assert.equal(ok, 'unverifiable'); return; }
      assert.equal(ok, 'ok');
      assert.equal(await lib.verify(result.still.remoteId, sha1Of(Buffer.from('other')), signal()), 'mismatch');
      assert.equal(await lib.verify(randomUUID(), sha1Of(data), signal()), 'missing');
    });

    test('a body shorter than the declared size fails with a TransferError and leaves no asset', async () => {
      const data = uniqueBytes('short');
      const resource = { ...resourceOf('original', 'short.jpg', data), size: data.length + 1000 };
      const count = await seen.assetCount();
      await assert.rejects(
        lib.upload({ asset: assetOf('short', [resource]), part: partOf(resource, () => bufferStream(data)) }, signal()),
        (err: unknown) => err instanceof TransferError,
      );
      assert.equal(await seen.assetCount(), count);
    });

    test('a Live Photo: the video goes first and the still is linked to it', async () => {
      const still = uniqueBytes('live-still');
      const video = uniqueBytes('live-video', 9000);
      const stillRes = resourceOf('original', 'IMG_1.HEIC', still, 'image/heic');
      const videoRes = resourceOf('live-video', 'IMG_1.MOV', video, 'video/quicktime');
      const r = await lib.upload({
        asset: assetOf('live', [stillRes, videoRes], { kind: 'live-photo' }),
        part: partOf(stillRes, () => bufferStream(still)), liveVideo: partOf(videoRes, () => bufferStream(video)),
      }, signal());
      assert.ok(r.liveVideo, 'video uploaded');
      assert.equal(r.liveVideo.sha1, sha1Of(video));
      if (lib.capabilities.livePairing) assert.equal(await seen.liveVideoOf(r.still.remoteId), r.liveVideo.remoteId);
    });

    test('ensureAlbum creates an album once per album id; a known id is kept and renamed, never looked up by name', async () => {
      const albumId = `album-${randomUUID()}`;
      const id = await lib.ensureAlbum({ albumId, name: 'Holidays' }, signal());
      assert.equal(await seen.albumName(id), 'Holidays');
      const same = await lib.ensureAlbum({ albumId, name: 'Holidays 2024', knownRemoteId: id }, signal());
      assert.equal(same, id);
      assert.equal(await seen.albumName(id), 'Holidays 2024');
      const other = await lib.ensureAlbum({ albumId: `album-${randomUUID()}`, name: 'Holidays 2024' }, signal());
      assert.notEqual(other, id, 'same name, other album id → another album');
    });

    test('renameAlbum renames in place', async () => {
      const id = await lib.ensureAlbum({ albumId: `album-${randomUUID()}`, name: 'Before' }, signal());
      await lib.renameAlbum(id, 'After', signal());
      assert.equal(await seen.albumName(id), 'After');
    });

    test('addToAlbum and removeFromAlbum: exact membership, idempotent', async () => {
      const a = await uploadPhoto('member-a');
      const b = await uploadPhoto('member-b');
      const id = await lib.ensureAlbum({ albumId: `album-${randomUUID()}`, name: 'Members' }, signal());
      await lib.addToAlbum(id, [a.result.still.remoteId, b.result.still.remoteId], signal());
      await lib.addToAlbum(id, [a.result.still.remoteId], signal());
      assert.deepEqual((await seen.albumAssets(id)).sort(), [a.result.still.remoteId, b.result.still.remoteId].sort());
      await lib.removeFromAlbum(id, [a.result.still.remoteId], signal());
      await lib.removeFromAlbum(id, [a.result.still.remoteId], signal());
      assert.deepEqual(await seen.albumAssets(id), [b.result.still.remoteId]);
    });

    test('a cancelled upload rejects', async () => {
      const data = uniqueBytes('cancel');
      const resource = resourceOf('original', 'cancel.jpg', data);
      const aborted = AbortSignal.abort(new Error('cancelled by test'));
      await assert.rejects(lib.upload({ asset: assetOf('cancel', [resource]), part: partOf(resource, () => bufferStream(data)) }, aborted));
    });
  });
}
