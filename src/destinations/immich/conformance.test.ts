/** @module The Immich connector runs the library-destination suite against the fake answering as v2 and as v3. */
import { describeLibraryDestination } from '../../../test/conformance/library-destination.suite.ts';
import { silentLogger, memoryState } from '../../connectors/context.ts';
import { createImmichDestination } from './immich-destination.ts';
import { startFakeImmich, type FakeImmich } from './testing/fake-server.ts';

for (const version of [2, 3] as const) {
  let fake: FakeImmich;
  describeLibraryDestination(`immich (fake v${version})`, {
    create: async () => {
      fake = await startFakeImmich({ version });
      return createImmichDestination({ id: `immich:${fake.url}`, url: fake.url, apiKey: 'test-key', connections: 4, probeBytes: 1e6 },
        { log: silentLogger, state: memoryState() });
    },
    observer: () => ({
      albumAssets: async (id) => [...fake.albums.get(id)?.assets ?? []],
      albumName: async (id) => fake.albums.get(id)?.albumName,
      liveVideoOf: async (id) => fake.assets.get(id)?.livePhotoVideoId ?? undefined,
      assetCount: async () => fake.assets.size,
    }),
    teardown: () => fake.stop(),
  });
}
