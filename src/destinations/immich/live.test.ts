/**
 * @module The library-destination suite against a real Immich when IMMICH_URL and IMMICH_API_KEY are set (see
 * .env.example); skipped otherwise. The observer reads the server through its API (v2 album assets, v3 search).
 */
import { describe } from 'node:test';
import { z } from 'zod';
import { describeLibraryDestination } from '../../../test/conformance/library-destination.suite.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import { createImmichClient } from './api/client.ts';
import { album, asset, serverVersion } from './api/schemas.ts';
import { createImmichDestination } from './immich-destination.ts';

const url = process.env.IMMICH_URL ?? '';
const apiKey = process.env.IMMICH_API_KEY ?? '';
const reason = url && apiKey ? false : 'set IMMICH_URL and IMMICH_API_KEY to run against a real Immich server (it keeps the small test assets it gets)';
const signal = () => AbortSignal.timeout(60_000);

describe('immich live server', { skip: reason }, () => {
  const client = createImmichClient({ url, apiKey, connections: 2 });
  const albumAssets = async (id: string): Promise<string[]> => {
    const { major } = await client.json('GET', '/server/version', serverVersion, undefined, signal());
    if (major < 3) return (await client.json('GET', `/albums/${id}`, album.extend({ assets: z.array(asset) }), undefined, signal())).assets.map((a) => a.id);
    const page = z.object({ assets: z.object({ items: z.array(asset) }).loose() }).loose();
    return (await client.json('POST', '/search/metadata', page, { albumIds: [id], size: 1000 }, signal())).assets.items.map((a) => a.id);
  };
  describeLibraryDestination('immich live', {
    create: () => createImmichDestination({ id: `immich:${url}`, url, apiKey, connections: 2, probeBytes: 1e6 }, { log: silentLogger, state: memoryState() }),
    observer: () => ({
      albumAssets,
      albumName: async (id) => (await client.json('GET', `/albums/${id}?withoutAssets=true`, album, undefined, signal())).albumName,
      liveVideoOf: async (id) => (await client.json('GET', `/assets/${id}`, asset, undefined, signal())).livePhotoVideoId ?? undefined,
      assetCount: async () => (await client.json('GET', '/assets/statistics', z.object({ total: z.number() }).loose(), undefined, signal())).total,
    }),
    teardown: () => client.close(),
  });
});
