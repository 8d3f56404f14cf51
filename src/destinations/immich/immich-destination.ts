/**
 * @module Immich as a library destination: detects the server's API generation and shapes the upload form for it,
 * streams each file (SHA-1 as it passes), links Live Photos, keeps albums by id and verifies by the stored SHA-1.
 */
import { Readable } from 'node:stream';
import { TransferError } from '../../core/transfer-error.ts';
import type { Asset } from '../../core/asset.ts';
import type { ConnectorContext } from '../../connectors/context.ts';
import { localTimeOf } from '../../engine/derived/metadata.ts';
import type { LibraryDestination, UploadPart, UploadedPart } from '../library-destination.ts';
import { createImmichClient, ImmichHttpError } from './api/client.ts';
import { multipartBody } from './api/multipart.ts';
import * as S from './api/schemas.ts';
import { KIND, toTransferError } from './errors.ts';
import { createJobPauser } from './jobs.ts';

export interface ImmichOptions {
  readonly id: string;
  readonly url: string;
  readonly apiKey: string;
  readonly connections: number;
  /** Size of the body `remote test` sends to find a proxy's limit. */
  readonly probeBytes: number;
  /** Pause the server's background jobs while a run uploads (admin key). */
  readonly pauseJobs?: boolean;
}

/** Immich adds up to this many ids per album call (the immich CLI's batch). */
const ALBUM_BATCH = 1000;
const hexToB64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const b64ToHex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

/** The upload form's text fields for the server's generation: v2 requires device ids, v3 refuses them. */
export function uploadFields(generation: number, asset: Asset, part: UploadPart, extra: { livePhotoVideoId?: string; metadata: boolean }): Record<string, string> {
  const v3 = generation >= 3;
  // v3 wants the capture time with its UTC offset; v2 takes UTC.
  const created = v3 ? localTimeOf(asset) : asset.takenAt.toISOString();
  const fields: Record<string, string> = {
    ...(v3 ? {} : { deviceAssetId: `photoferry-${asset.id}-${part.resource.role}`, deviceId: 'photoferry' }),
    fileCreatedAt: created, fileModifiedAt: created, filename: part.resource.filename,
  };
  // The video half of a Live Photo goes up bare (immich PR #25400): the still carries the metadata.
  if (extra.metadata) fields.isFavorite = String(asset.favorite);
  if (extra.livePhotoVideoId) fields.livePhotoVideoId = extra.livePhotoVideoId;
  return fields;
}

export async function createImmichDestination(o: ImmichOptions, ctx: ConnectorContext): Promise<LibraryDestination> {
  const client = createImmichClient({ url: o.url, apiKey: o.apiKey, connections: o.connections });
  let generation: number | undefined;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try { return await fn(); } catch (err) { throw toTransferError(err, what); }
  };
  const detect = async (signal: AbortSignal) => {
    generation ??= (await call(`${o.url}: version`, () => client.json('GET', '/server/version', S.serverVersion, undefined, signal))).major;
    return generation;
  };

  const send = async (asset: Asset, part: UploadPart, extra: { livePhotoVideoId?: string; sidecar?: string; metadata: boolean }, signal: AbortSignal): Promise<UploadedPart> => {
    const gen = await detect(signal);
    const body = await part.open(signal);
    try {
      const form = multipartBody(uploadFields(gen, asset, part, extra), {
        field: 'assetData', filename: part.resource.filename, contentType: part.resource.contentType, size: part.resource.size, body,
      }, extra.sidecar ? { field: 'sidecarData', filename: `${part.resource.filename}.xmp`, contentType: 'application/xml', data: Buffer.from(extra.sidecar) } : undefined,
      (sha1) => part.onHashed?.(sha1));
      const res = await call(`upload ${part.resource.filename}`, () => client.upload('/assets', form,
        part.sha1 ? { 'x-immich-checksum': hexToB64(part.sha1) } : {}, S.uploadResult, signal));
      const sha1 = form.sha1() ?? part.sha1;
      if (sha1 === undefined) throw new TransferError('permanent', `upload ${part.resource.filename}: Immich answered before the file was sent`, { connector: KIND });
      return { remoteId: res.body.id, sha1, bytes: part.resource.size, duplicate: res.body.status === 'duplicate' };
    } finally {
      body.destroy();
    }
  };

  const permissions = async (signal: AbortSignal) => {
    const key = await call('API key', () => client.json('GET', '/api-keys/me', S.apiKeyMe, undefined, signal));
    const has = (p: string) => key.permissions.includes('all') || key.permissions.includes(p);
    return { missing: S.REQUIRED_PERMISSIONS.filter((p) => !has(p)), albumEdits: S.ALBUM_EDIT_PERMISSIONS.filter((p) => !has(p)) };
  };

  const jobs = createJobPauser({
    client, generation: detect, state: ctx.state, enabled: o.pauseJobs === true,
    isAdmin: async (signal) => (await client.json('GET', '/users/me', S.userMe, undefined, signal)).isAdmin !== false,
  });

  const rename = (remoteAlbumId: string, name: string, signal: AbortSignal) =>
    call(`rename album to ${name}`, () => client.json('PATCH', `/albums/${encodeURIComponent(remoteAlbumId)}`, S.album, { albumName: name }, signal));

  /** Adds (PUT) or removes (DELETE) album members in batches; `harmless` is the per-id error that means "already so". */
  const albumAssets = async (method: 'PUT' | 'DELETE', remoteAlbumId: string, remoteIds: readonly string[], harmless: string, signal: AbortSignal) => {
    const what = method === 'PUT' ? 'add to album' : 'remove from album';
    for (let i = 0; i < remoteIds.length; i += ALBUM_BATCH) {
      const ids = remoteIds.slice(i, i + ALBUM_BATCH);
      const res = await call(what, () => client.json(method, `/albums/${encodeURIComponent(remoteAlbumId)}/assets`, S.albumAssetResults, { ids }, signal));
      const bad = res.filter((r) => !r.success && r.error !== harmless);
      if (bad.length > 0) throw new TransferError('permanent', `${what}: Immich refused ${bad.length} asset(s) (${bad[0]!.error ?? 'unknown'})`, { connector: KIND });
    }
  };

  return {
    facet: 'library',
    id: o.id,
    kind: KIND,
    capabilities: { livePairing: true, sidecar: true, favorites: true, verifiableBytes: true },

    async check(signal) {
      const gen = await detect(signal);
      await call('API key', () => client.json('GET', '/users/me', S.userMe, undefined, signal));
      const { missing, albumEdits } = await permissions(signal);
      if (missing.length > 0) {
        throw new TransferError('permanent', `the Immich API key lacks the permission(s) ${missing.join(', ')}: edit the key in Immich (Account Settings → API Keys) and grant ${[...S.REQUIRED_PERMISSIONS, ...S.ALBUM_EDIT_PERMISSIONS].join(', ')}`, { connector: KIND });
      }
      if (albumEdits.length > 0) ctx.log.warn({ missing: albumEdits }, 'Immich API key lacks album edit permissions: album renames and moves will fail until granted');
      ctx.log.debug({ generation: gen }, 'Immich API generation');
    },

    async upload(request, signal) {
      const liveVideo = request.liveVideo ? await send(request.asset, request.liveVideo, { metadata: false }, signal) : undefined;
      const videoId = liveVideo?.remoteId ?? request.liveVideoRemoteId;
      const still = await send(request.asset, request.part, {
        metadata: true, ...(videoId ? { livePhotoVideoId: videoId } : {}), ...(request.sidecar ? { sidecar: request.sidecar } : {}),
      }, signal);
      return { still, ...(liveVideo ? { liveVideo } : {}) };
    },

    async findByChecksum(sha1s, signal) {
      const out = new Map<string, string>();
      for (let i = 0; i < sha1s.length; i += ALBUM_BATCH) {
        const assets = sha1s.slice(i, i + ALBUM_BATCH).map((sha1) => ({ id: sha1, checksum: hexToB64(sha1) }));
        const res = await call('bulk upload check', () => client.json('POST', '/assets/bulk-upload-check', S.bulkCheck, { assets }, signal));
        for (const r of res.results) if (r.action === 'reject' && r.reason === 'duplicate' && r.assetId) out.set(r.id, r.assetId);
      }
      return out;
    },

    async verify(remoteId, sha1, signal) {
      try {
        const a = await client.json('GET', `/assets/${encodeURIComponent(remoteId)}`, S.asset, undefined, signal);
        return b64ToHex(a.checksum) === sha1 ? 'ok' : 'mismatch';
      } catch (err) {
        // Immich answers 400 for an id it does not hold (it validates access first), 404 on some versions.
        if (err instanceof ImmichHttpError && (err.status === 404 || err.status === 400)) return 'missing';
        throw toTransferError(err, `asset ${remoteId}`);
      }
    },

    async ensureAlbum(album, signal) {
      if (album.knownRemoteId) {
        try {
          const found = await client.json('GET', `/albums/${encodeURIComponent(album.knownRemoteId)}?withoutAssets=true`, S.album, undefined, signal);
          if (found.albumName !== album.name) await rename(found.id, album.name, signal);
          return found.id;
        } catch (err) {
          if (!(err instanceof ImmichHttpError && (err.status === 404 || err.status === 400))) throw toTransferError(err, `album ${album.name}`);
        }
      }
      const made = await call(`create album ${album.name}`, () => client.json('POST', '/albums', S.album,
        { albumName: album.name, description: `photoferry album ${album.albumId}` }, signal));
      return made.id;
    },

    async renameAlbum(remoteAlbumId, name, signal) { await rename(remoteAlbumId, name, signal); },

    addToAlbum: (remoteAlbumId, remoteIds, signal) => albumAssets('PUT', remoteAlbumId, remoteIds, 'duplicate', signal),
    removeFromAlbum: (remoteAlbumId, remoteIds, signal) => albumAssets('DELETE', remoteAlbumId, remoteIds, 'not_found', signal),

    async probe(signal) {
      // A body as large as a long video, in a file type Immich refuses: the server reads and rejects it (400), while a
      // proxy with a body limit answers 413 first. Nothing is stored either way.
      const size = o.probeBytes;
      let sent = 0;
      const zeros = Buffer.alloc(1024 * 1024);
      const body = new Readable({ read() { const n = Math.min(zeros.length, size - sent); sent += n; this.push(n > 0 ? zeros.subarray(0, n) : null); } });
      const form = multipartBody({ deviceAssetId: 'photoferry-probe', deviceId: 'photoferry', fileCreatedAt: new Date().toISOString(), fileModifiedAt: new Date().toISOString() },
        { field: 'assetData', filename: 'photoferry-size-probe.photoferry-probe', contentType: 'application/octet-stream', size, body });
      try {
        await client.upload('/assets', form, {}, S.uploadResult, signal);
        throw new TransferError('permanent', 'Immich stored the size probe, which it should refuse: is this an Immich server?', { connector: KIND });
      } catch (err) {
        if (err instanceof ImmichHttpError && (err.status === 400 || err.status === 422)) {
          return `v${generation ?? '?'} server, API key has the needed permissions, a ${Math.round(size / 1024 / 1024)} MB body passed`;
        }
        throw toTransferError(err, `a ${Math.round(size / 1024 / 1024)} MB test upload`);
      }
    },

    bulk: jobs,
    close: () => client.close(),
  };
}
