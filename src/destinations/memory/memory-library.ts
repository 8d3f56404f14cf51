/** @module In-memory library destination: the reference run of the library-destination suite and the engine's tests. */
import { createHash } from 'node:crypto';
import { TransferError } from '../../core/transfer-error.ts';
import type { Asset } from '../../core/asset.ts';
import type { LibraryCapabilities, LibraryDestination, UploadPart, UploadedPart } from '../library-destination.ts';

const KIND = 'memory-library';

export interface MemoryLibraryAsset {
  readonly id: string;
  readonly sha1: string;
  readonly bytes: Buffer;
  readonly filename: string;
  readonly takenAt: Date;
  readonly favorite: boolean;
  readonly livePhotoVideoId?: string;
  readonly sidecar?: string;
}

export interface MemoryLibrary extends LibraryDestination {
  /** Direct views for assertions. */
  readonly assets: Map<string, MemoryLibraryAsset>;
  readonly albums: Map<string, { name: string; assets: Set<string> }>;
  /** Bytes received by uploads (a duplicate's bytes count too: they were sent). */
  readonly received: () => number;
}

export function createMemoryLibrary(options: { id?: string; capabilities?: Partial<LibraryCapabilities> } = {}): MemoryLibrary {
  const assets = new Map<string, MemoryLibraryAsset>();
  const albums = new Map<string, { name: string; assets: Set<string> }>();
  let received = 0;
  let next = 0;
  const newId = (prefix: string) => `${prefix}-${++next}`;
  // Looked up in `assets` itself, so a test that seeds the map directly is seen by every call.
  const idOfSha1 = (sha1: string) => [...assets.values()].find((a) => a.sha1 === sha1)?.id;
  const albumOf = (id: string) => {
    const album = albums.get(id);
    if (!album) throw new TransferError('not-found', `album ${id} not found`, { connector: KIND });
    return album;
  };

  const store = async (asset: Asset, part: UploadPart, extra: { livePhotoVideoId?: string; sidecar?: string }, signal: AbortSignal): Promise<UploadedPart> => {
    if (signal.aborted) throw new TransferError('cancelled', 'cancelled', { connector: KIND, cause: signal.reason });
    const body = await part.open(signal);
    const hash = createHash('sha1');
    const chunks: Buffer[] = [];
    for await (const chunk of body) { hash.update(chunk as Buffer); chunks.push(chunk as Buffer); received += (chunk as Buffer).length; }
    const sha1 = hash.digest('hex');
    part.onHashed?.(sha1);
    const bytes = Buffer.concat(chunks);
    if (bytes.length !== part.resource.size) {
      throw new TransferError('corrupted', `${part.resource.filename}: got ${bytes.length} of ${part.resource.size} bytes`, { connector: KIND });
    }
    const existing = idOfSha1(sha1);
    if (existing) return { remoteId: existing, sha1, bytes: bytes.length, duplicate: true };
    const id = newId('asset');
    assets.set(id, {
      id, sha1, bytes, filename: part.resource.filename, takenAt: asset.takenAt, favorite: asset.favorite,
      ...(extra.livePhotoVideoId ? { livePhotoVideoId: extra.livePhotoVideoId } : {}), ...(extra.sidecar ? { sidecar: extra.sidecar } : {}),
    });
    return { remoteId: id, sha1, bytes: bytes.length, duplicate: false };
  };

  return {
    facet: 'library',
    id: options.id ?? KIND,
    kind: KIND,
    capabilities: { livePairing: true, sidecar: true, favorites: true, verifiableBytes: true, ...options.capabilities },
    assets,
    albums,
    received: () => received,
    async check() {},
    async upload(request, signal) {
      const liveVideo = request.liveVideo ? await store(request.asset, request.liveVideo, {}, signal) : undefined;
      const videoId = liveVideo?.remoteId ?? request.liveVideoRemoteId;
      const still = await store(request.asset, request.part, {
        ...(videoId ? { livePhotoVideoId: videoId } : {}), ...(request.sidecar ? { sidecar: request.sidecar } : {}),
      }, signal);
      return { still, ...(liveVideo ? { liveVideo } : {}) };
    },
    async findByChecksum(sha1s) {
      const out = new Map<string, string>();
      for (const sha1 of sha1s) { const id = idOfSha1(sha1); if (id) out.set(sha1, id); }
      return out;
    },
    async verify(remoteId, sha1) {
      const asset = assets.get(remoteId);
      return !asset ? 'missing' : asset.sha1 === sha1 ? 'ok' : 'mismatch';
    },
    async ensureAlbum(album) {
      const known = album.knownRemoteId ? albums.get(album.knownRemoteId) : undefined;
      if (known) { known.name = album.name; return album.knownRemoteId!; }
      const id = newId('album');
      albums.set(id, { name: album.name, assets: new Set() });
      return id;
    },
    async renameAlbum(remoteAlbumId, name) { albumOf(remoteAlbumId).name = name; },
    async addToAlbum(remoteAlbumId, remoteIds) {
      const album = albumOf(remoteAlbumId);
      for (const id of remoteIds) {
        if (!assets.has(id)) throw new TransferError('not-found', `asset ${id} not found`, { connector: KIND });
        album.assets.add(id);
      }
    },
    async removeFromAlbum(remoteAlbumId, remoteIds) {
      const album = albumOf(remoteAlbumId);
      for (const id of remoteIds) album.assets.delete(id);
    },
    async close() {},
  };
}
