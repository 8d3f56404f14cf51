/** @module The in-memory library destination runs the library-destination suite (its reference run). */
import { describeLibraryDestination } from '../../../test/conformance/library-destination.suite.ts';
import { createMemoryLibrary, type MemoryLibrary } from './memory-library.ts';

let lib: MemoryLibrary;
describeLibraryDestination('memory', {
  create: async () => (lib = createMemoryLibrary()),
  observer: () => ({
    albumAssets: async (id) => [...lib.albums.get(id)?.assets ?? []],
    albumName: async (id) => lib.albums.get(id)?.name,
    liveVideoOf: async (id) => lib.assets.get(id)?.livePhotoVideoId,
    assetCount: async () => lib.assets.size,
  }),
});
