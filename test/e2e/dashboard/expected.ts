/** @module What a run of one album should copy, read from the simulator's own library state (not from photoferry). */
import type { Simulator } from '../../../src/simulator/server.ts';

export interface Expected { albumId: string; assets: number; files: number; bytes: number }

/** Every live asset in the album, every resource of it: the default policy sends originals, edits, RAW and Live videos. */
export function expectedForAlbum(sim: Simulator, albumName: string): Expected {
  const lib = sim.state.library;
  const album = lib.albums.find((a) => a.name.normalize('NFC') === albumName && a.type === 0);
  if (!album) throw new Error(`simulator has no album ${albumName}`);
  let assets = 0;
  let files = 0;
  let bytes = 0;
  for (let i = 0; i < lib.size; i++) {
    if (!lib.inAlbum(i, album.id)) continue;
    const a = lib.asset(i);
    if (a.deletedAt !== undefined || a.purged) continue;
    assets++;
    files += a.resources.length;
    bytes += a.resources.reduce((sum, r) => sum + r.size, 0);
  }
  return { albumId: album.id, assets, files, bytes };
}

/** Every live asset of the library, every resource of it (what a whole-library task with the default policy sends). */
export function expectedForLibrary(sim: Simulator): Omit<Expected, 'albumId'> {
  const lib = sim.state.library;
  let assets = 0;
  let files = 0;
  let bytes = 0;
  for (let i = 0; i < lib.size; i++) {
    const a = lib.asset(i);
    if (a.deletedAt !== undefined || a.purged) continue;
    assets++;
    files += a.resources.length;
    bytes += a.resources.reduce((sum, r) => sum + r.size, 0);
  }
  return { assets, files, bytes };
}
