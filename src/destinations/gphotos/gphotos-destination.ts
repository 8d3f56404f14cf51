/**
 * @module Google Photos as a library destination: raw uploads in parallel, batchCreate of at most 50 items one call at a
 * time, app-created albums mirrored by our album id, the project's daily quota counted. Nothing comes back to compare
 * with the originals, so every copy here is unverifiable.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TransferError } from '../../core/transfer-error.ts';
import type { ConnectorContext } from '../../connectors/context.ts';
import type { LibraryDestination, UploadPart, UploadedPart } from '../library-destination.ts';
import { KIND, createGphotosHttp, msToQuotaReset } from './api.ts';
import { createBatcher } from './batcher.ts';

export interface GphotosOptions {
  readonly id: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly testingMode: boolean;
  readonly dailyQuota: number;
  readonly apiUrl: string;
  readonly tokenUrl: string;
}

const album = z.object({ id: z.string(), title: z.string().optional() }).loose();
const MAX_IDS = 50;

export async function createGphotosDestination(o: GphotosOptions, ctx: ConnectorContext): Promise<LibraryDestination> {
  const now = () => Date.now();
  const dayKey = () => `requests:${new Date(now() - 8 * 3600_000).toISOString().slice(0, 10)}`;
  /** One request against the project's daily quota; refuses before sending once the day's count is spent. */
  const spend = async () => {
    const used = (await ctx.state.get<number>(dayKey())) ?? 0;
    if (used >= o.dailyQuota) {
      throw new TransferError('quota-exceeded', `the daily quota of ${o.dailyQuota} Google Photos API requests is used up: run again after midnight Pacific time; the copy resumes where it stopped`,
        { connector: KIND, retryAfterMs: msToQuotaReset(now()) });
    }
    await ctx.state.set(dayKey(), used + 1);
  };
  const http = createGphotosHttp(o, spend, now);
  const batcher = createBatcher(http);

  const send = async (part: UploadPart, signal: AbortSignal): Promise<UploadedPart> => {
    const body = await part.open(signal);
    const hash = createHash('sha1');
    let sent = 0;
    async function* hashed() {
      for await (const chunk of body) { hash.update(chunk as Buffer); sent += (chunk as Buffer).length; yield chunk as Buffer; }
      if (sent !== part.resource.size) throw new TransferError('corrupted', `${part.resource.filename}: the source sent ${sent} of ${part.resource.size} bytes`, { connector: KIND });
    }
    try {
      const uploadToken = await http.uploadRaw(hashed(), part.resource.size, part.resource.contentType, signal);
      const sha1 = hash.digest('hex');
      part.onHashed?.(sha1);
      const id = await batcher.create(uploadToken, part.resource.filename);
      return { remoteId: id, sha1, bytes: sent, duplicate: false };
    } finally {
      body.destroy();
    }
  };
  const ids = async (path: string, remoteIds: readonly string[], signal: AbortSignal) => {
    for (let i = 0; i < remoteIds.length; i += MAX_IDS) await http.json('POST', path, z.object({}).loose(), { mediaItemIds: remoteIds.slice(i, i + MAX_IDS) }, signal);
  };
  const rename = (id: string, title: string, signal: AbortSignal) =>
    http.json('PATCH', `/v1/albums/${encodeURIComponent(id)}?updateMask=title`, album, { title }, signal);

  return {
    facet: 'library',
    id: o.id,
    kind: KIND,
    capabilities: { livePairing: false, sidecar: false, favorites: false, verifiableBytes: false, dailyQuota: o.dailyQuota },
    async check(signal) {
      await http.json('GET', '/v1/albums?pageSize=1', z.object({}).loose(), undefined, signal);
    },
    async upload(request, signal) {
      // No pairing in this API: the video (when the policy sends it) becomes an item of its own.
      const liveVideo = request.liveVideo ? await send(request.liveVideo, signal) : undefined;
      const still = await send(request.part, signal);
      return { still, ...(liveVideo ? { liveVideo } : {}) };
    },
    // The API lists only what this app created and reports no checksums: nothing can be found by content.
    findByChecksum: async () => new Map(),
    verify: async () => 'unverifiable',
    async ensureAlbum(spec, signal) {
      if (spec.knownRemoteId) {
        try {
          const found = await http.json('GET', `/v1/albums/${encodeURIComponent(spec.knownRemoteId)}`, album, undefined, signal);
          if (found.title !== spec.name) await rename(found.id, spec.name, signal);
          return found.id;
        } catch (err) {
          if (!(err instanceof TransferError && (err.kind === 'not-found' || err.kind === 'permanent'))) throw err;
        }
      }
      return (await http.json('POST', '/v1/albums', album, { album: { title: spec.name } }, signal)).id;
    },
    async renameAlbum(remoteAlbumId, name, signal) { await rename(remoteAlbumId, name, signal); },
    addToAlbum: (id, remoteIds, signal) => ids(`/v1/albums/${encodeURIComponent(id)}:batchAddMediaItems`, remoteIds, signal),
    removeFromAlbum: (id, remoteIds, signal) => ids(`/v1/albums/${encodeURIComponent(id)}:batchRemoveMediaItems`, remoteIds, signal),
    // Shown with the run (not only in the log): a Testing app's sign-in silently stops working after a week.
    bulk: {
      begin: async () => (o.testingMode ? ['gphotos: this OAuth app is in "Testing": its refresh token expires 7 days after "photoferry auth gphotos"; publish the app (In production) to keep it'] : []),
      end: async () => [],
    },
    async close() { await batcher.close(); },
  };
}
