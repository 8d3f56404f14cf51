/**
 * @module The library files updated in place are byte for byte the files a full walk writes, through adds,
 * removals, renames, album membership and album name changes; a previous manifest that is not what we wrote is
 * not patched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset } from '../../../test/fixtures/build.ts';
import { openSqliteCatalog } from '../../catalog/sqlite/sqlite-catalog.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Asset } from '../../core/asset.ts';
import type { Album } from '../../sources/source.ts';
import type { PlacementRole } from '../../destinations/destination.ts';
import { createMemoryStore, type MemoryStore } from '../../destinations/memory/memory-store.ts';
import { createFileDestination } from '../../destinations/file-destination.ts';
import { DEFAULT_POLICY } from '../plan.ts';
import { DEFAULT_FIDELITY } from './types.ts';
import { MANIFEST_PATH, writeLibraryFiles } from './library-files.ts';

const DEST = 'memory:dest';
const signal = () => AbortSignal.timeout(30_000);

/** A catalog that counts full walks, a destination patched run after run, and a fresh one each rebuild writes to. */
async function setUp() {
  const real = await openSqliteCatalog(':memory:');
  let walks = 0;
  const catalog: Catalog = { ...real, assetPages: (...args) => { walks += 1; return real.assetPages(...args); } };
  const store = createMemoryStore();
  const write = (target: MemoryStore) => writeLibraryFiles({
    destination: createFileDestination(DEST, target), catalog, fidelity: DEFAULT_FIDELITY, policy: DEFAULT_POLICY, onBytes: () => {},
  }, signal());
  /** Patches `store`, then builds the same files by a full walk into an empty store: both must hold the same bytes. */
  const patchAndCompare = async (why: string) => {
    const walksBefore = walks;
    await write(store);
    assert.equal(walks, walksBefore, `${why}: patched, not walked`);
    const rebuilt = createMemoryStore();
    // Without the files at the destination the previous ones cannot be read back: a full walk.
    await write(rebuilt);
    assert.equal(walks, walksBefore + 1, `${why}: the rebuild walked`);
    assert.deepEqual(textOf(store), textOf(rebuilt), why);
    // The rebuild rewrote the state; the patched store must be what the state says again for the next step.
    await write(store);
  };
  return { real, catalog, store, write, patchAndCompare, walks: () => walks };
}

const textOf = (store: MemoryStore) => Object.fromEntries([...store.files].filter(([path]) => !path.startsWith('20'))
  .sort(([a], [b]) => a.localeCompare(b)).map(([path, data]) => [path, data.toString()]));

const albums: Album[] = [
  { id: 'al-trip', path: ['Trips', 'Alps'], kind: 'user' },
  { id: 'al-cats', path: ['Cats'], kind: 'user' },
  { id: 'al-empty', path: ['Empty'], kind: 'user' },
  { id: 'al-fav', path: ['Favorites'], kind: 'smart' },
];
const ref = (id: string) => ({ id, path: albums.find((a) => a.id === id)!.path });

function assetNo(n: number, more: Partial<Asset> = {}): Asset {
  const memberOf = [n % 3 === 0 ? ['al-trip'] : [], n % 4 === 0 ? ['al-cats'] : [], n % 5 === 0 ? ['al-fav'] : []].flat();
  return anAsset({
    id: `a${String(n).padStart(3, '0')}`, filename: `IMG_${n}.JPG`, takenAt: new Date(Date.UTC(2021, 0, 1 + (n % 7), n)),
    albums: memberOf.map(ref), favorite: n % 5 === 0, ...(n % 6 === 0 ? { caption: `caption "${n}" ,"albums":[x]` } : {}), ...more,
  });
}

async function place(catalog: Catalog, asset: Asset, role: PlacementRole, path: string): Promise<void> {
  await catalog.recordPlacement({
    destinationId: DEST, sourceId: 's', assetId: asset.id, role, path, size: path.length, sha256: `sha-${path}`,
    fingerprint: 'f', version: asset.version, verifiedAt: new Date(),
  });
}

async function placeAll(catalog: Catalog, asset: Asset): Promise<void> {
  await place(catalog, asset, 'original', `2021/${asset.filename}`);
  await place(catalog, asset, 'xmp:original', `2021/${asset.filename}.xmp`);
  if (Number(asset.id.slice(1)) % 4 === 1) await place(catalog, asset, 'original.jpeg', `2021/${asset.filename}.jpeg`);
}

test('an in-place update writes exactly the files a full rebuild writes', async () => {
  const { real, catalog, store, write, patchAndCompare, walks } = await setUp();
  await catalog.ensureSource('s', 'icloud');
  const initial = Array.from({ length: 40 }, (_, i) => assetNo(i + 1));
  await catalog.applyChanges('s', { upserts: initial, deletions: [], albums, cursor: 'c1', reset: true, done: true });
  for (const a of initial) await placeAll(catalog, a);
  await write(store);
  assert.equal(walks(), 1, 'the first run walks');
  assert.ok(store.files.has(MANIFEST_PATH) && store.files.has('albums/Trips/Alps.json'));

  const added = [assetNo(41), assetNo(42, { takenAt: new Date(Date.UTC(2020, 0, 1)) }), assetNo(43, { takenAt: initial[9]!.takenAt }),
    assetNo(0, { takenAt: initial[9]!.takenAt })];
  await catalog.applyChanges('s', { upserts: added, deletions: [], cursor: 'c2', reset: false, done: true });
  for (const a of added) await placeAll(catalog, a);
  await patchAndCompare('adds (first, middle, last, and ties on the time taken on either side)');

  await catalog.applyChanges('s', { upserts: [], deletions: [initial[2]!.id, initial[19]!.id], cursor: 'c3', reset: false, done: true });
  await patchAndCompare('assets deleted at the source, placements kept');

  await real.removePlacement(DEST, 's', initial[4]!.id, 'xmp:original');
  await real.removePlacement(DEST, 's', initial[7]!.id, 'original');
  await real.removePlacement(DEST, 's', initial[7]!.id, 'xmp:original');
  await patchAndCompare('placements removed (one asset leaves the destination)');

  const renamed = { ...initial[10]!, filename: 'RENAMED.JPG', version: 'v2' };
  await catalog.applyChanges('s', { upserts: [renamed], deletions: [], cursor: 'c4', reset: false, done: true });
  await place(catalog, renamed, 'original', '2021/RENAMED.JPG');
  await patchAndCompare('an asset renamed and moved');

  const moved = [
    { ...initial[11]!, albums: [ref('al-empty')], version: 'v2' },
    { ...initial[12]!, albums: [ref('al-cats'), ref('al-trip')] },
    { ...initial[14]!, albums: [], favorite: false, caption: 'now with a caption' },
  ];
  await catalog.applyChanges('s', { upserts: moved, deletions: [], cursor: 'c5', reset: false, done: true });
  await patchAndCompare('album memberships changed (joined, left, an empty album filled)');

  const renamedAlbums = albums.map((a) => (a.id === 'al-cats' ? { ...a, path: ['Pets', 'Cats'] } : a));
  await catalog.applyChanges('s', { upserts: [], deletions: [], albums: renamedAlbums, cursor: 'c6', reset: false, done: true });
  await patchAndCompare('an album renamed');
  assert.ok(store.files.has('albums/Pets/Cats.json') && !store.files.has('albums/Cats.json'), 'the renamed album file moved');

  const late = assetNo(44, { albums: [ref('al-trip')] });
  await catalog.applyChanges('s', { upserts: [late], deletions: [], cursor: 'c7', reset: false, done: true });
  await placeAll(catalog, late);
  const tripBefore = store.files.get('albums/Trips/Alps.json')!.toString();
  const favBefore = store.files.get('albums/Favorites.json');
  await write(store);
  assert.notEqual(store.files.get('albums/Trips/Alps.json')!.toString(), tripBefore, 'the album the new asset joined is rewritten');
  assert.equal(store.files.get('albums/Favorites.json'), favBefore, 'an album nothing touched is not written again');
  await real.close();
});

test('a previous manifest that is not the one we wrote, or an album only assets name, is rebuilt by a full walk', async () => {
  const { real, catalog, store, write, walks } = await setUp();
  await catalog.ensureSource('s', 'icloud');
  const initial = Array.from({ length: 10 }, (_, i) => assetNo(i + 1));
  await catalog.applyChanges('s', { upserts: initial, deletions: [], albums, cursor: 'c1', reset: true, done: true });
  for (const a of initial) await placeAll(catalog, a);
  await write(store);
  const manifest = store.files.get(MANIFEST_PATH)!.toString();
  store.files.set(MANIFEST_PATH, Buffer.from(manifest.replace('IMG_1.JPG', 'IMG_X.JPG')));
  const added = assetNo(11);
  await catalog.applyChanges('s', { upserts: [added], deletions: [], cursor: 'c2', reset: false, done: true });
  await placeAll(catalog, added);
  await write(store);
  assert.equal(walks(), 2, 'edited by hand: walked');
  assert.ok(store.files.get(MANIFEST_PATH)!.toString().includes('IMG_1.JPG'));

  const stray = assetNo(12, { albums: [{ id: 'al-unlisted', path: ['Unlisted'] }] });
  await catalog.applyChanges('s', { upserts: [stray], deletions: [], cursor: 'c3', reset: false, done: true });
  await placeAll(catalog, stray);
  await write(store);
  assert.equal(walks(), 3, 'an album the catalog does not list: walked');
  assert.ok(store.files.has('albums/Unlisted.json'));
  await real.close();
});
