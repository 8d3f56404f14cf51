/** @module Generated albums and folders (nested), and the deterministic rule for which assets each album holds. */
import { mix, uuidOf } from './hash.ts';

export interface AlbumSpec {
  readonly id: string;
  name: string;
  /** 0 album, 3 folder (CPLAlbum `albumType`). */
  readonly type: 0 | 3;
  readonly parentId?: string;
  readonly position: number;
  /** Percent of assets this album holds by the generator rule (0 for folders). */
  readonly share: number;
  deleted: boolean;
  revision: number;
}

const LAYOUT: readonly { name: string; type: 0 | 3; parent?: number; share: number }[] = [
  { name: 'Trips', type: 3, share: 0 },
  { name: 'Italy 2019', type: 0, parent: 0, share: 4 },
  { name: 'Family', type: 3, parent: 0, share: 0 },
  { name: 'Grandparents', type: 0, parent: 2, share: 3 },
  { name: 'Best of', type: 0, share: 6 },
  { name: 'Jörg’s birthday', type: 0, share: 2 },
  { name: 'Receipts', type: 0, share: 3 },
  { name: 'Wallpapers', type: 0, share: 2 },
];

export function generateAlbums(seed: number): AlbumSpec[] {
  const ids = LAYOUT.map((_, k) => uuidOf(`${seed}:album:${k}`));
  return LAYOUT.map((a, k) => ({
    id: ids[k]!,
    // Apple stores some names decomposed (NFD), as the listing_albums cassette shows.
    name: a.name.normalize(k === 5 ? 'NFD' : 'NFC'),
    type: a.type,
    ...(a.parent === undefined ? {} : { parentId: ids[a.parent]! }),
    position: 1024 * (k + 1),
    share: a.share,
    deleted: false,
    revision: 0,
  }));
}

/** Generator rule: album k holds asset i when this says so (before scripted moves). */
export const inAlbumByRule = (seed: number, album: AlbumSpec, albumIndex: number, i: number): boolean =>
  album.type === 0 && album.share > 0 && mix(seed, i, 100 + albumIndex) % 100 < album.share;
