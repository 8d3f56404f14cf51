/** @module The Google Photos connector runs the library-destination suite against the fake (what its API cannot do is skipped with the reason). */
import { describeLibraryDestination } from '../../../test/conformance/library-destination.suite.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import { createGphotosDestination } from './gphotos-destination.ts';
import { FAKE_CLIENT, startFakeGphotos, type FakeGphotos } from './testing/fake-server.ts';

let fake: FakeGphotos;
describeLibraryDestination('gphotos (fake)', {
  create: async () => {
    fake = await startFakeGphotos();
    return createGphotosDestination({
      id: 'gphotos:test', clientId: FAKE_CLIENT.id, clientSecret: FAKE_CLIENT.secret, refreshToken: FAKE_CLIENT.refreshToken,
      testingMode: false, dailyQuota: 10_000, apiUrl: fake.url, tokenUrl: fake.tokenUrl,
    }, { log: silentLogger, state: memoryState() });
  },
  observer: () => ({
    albumAssets: async (id) => fake.albums.get(id)?.items ?? [],
    albumName: async (id) => fake.albums.get(id)?.title,
    liveVideoOf: async () => undefined,
    assetCount: async () => fake.items.size,
  }),
  teardown: () => fake.stop(),
  skip: [{
    reason: 'the Library API reports no checksums and lists only app-created items: nothing can be found or deduplicated by content',
    tests: ['the same bytes again: the service keeps one asset and answers with its id', 'findByChecksum finds what was uploaded and nothing else'],
  }],
});
