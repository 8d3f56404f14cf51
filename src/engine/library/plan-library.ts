/**
 * @module The pure diff for a library destination: which resources to upload (by fingerprint, as for files) and how
 * each album differs — create, rename (an iCloud rename or move), add and remove members. A moved asset is a
 * membership change, never an upload.
 */
import type { Asset, AssetId, Resource } from '../../core/asset.ts';
import type { Placement } from '../../destinations/destination.ts';
import type { LibraryCapabilities } from '../../destinations/library-destination.ts';
import type { RemoteAlbum } from '../../catalog/library-records.ts';
import type { Album } from '../../sources/source.ts';

export interface LibraryPlanInput {
  readonly capabilities: LibraryCapabilities;
  /** The source's albums now (names and folders as they are after renames and moves). */
  readonly albums: readonly Album[];
  readonly remoteAlbums: readonly RemoteAlbum[];
  /** Our album id → our assets the remote album holds. */
  readonly members: ReadonlyMap<string, ReadonlySet<AssetId>>;
}

export interface AlbumAction {
  readonly albumId: string;
  /** The name the album should have on the service: its folder path joined, so a move is a rename too. */
  readonly name: string;
  /** The service's album when one was made before. */
  readonly remoteId?: string;
  readonly rename: boolean;
  readonly add: readonly AssetId[];
  readonly remove: readonly AssetId[];
}

/** One service asset per still resource; a Live Photo's video travels with (and is linked to) the original. */
export const LIBRARY_ROLES: readonly Resource['role'][] = ['original', 'raw', 'edited', 'edited-video', 'live-video'];

export const albumName = (album: Pick<Album, 'path'>): string => album.path.join(' / ');

/**
 * A Live Photo's video is re-sent with its still, so the pair is linked again; the still alone needs the video's
 * remote id, which the placement keeps.
 */
export function withLivePairs(asset: Asset, sending: Set<Resource['role']>, capabilities: LibraryCapabilities): void {
  if (capabilities.livePairing && sending.has('live-video') && asset.resources.some((r) => r.role === 'original')) sending.add('original');
}

/** Album actions: desired membership (included assets that are or will be on the service) against recorded membership. */
export function planAlbums(input: LibraryPlanInput, onService: ReadonlySet<AssetId>, assets: readonly Asset[]): AlbumAction[] {
  const desired = new Map<string, AssetId[]>();
  for (const asset of assets) {
    if (!onService.has(asset.id)) continue;
    for (const ref of asset.albums) {
      let list = desired.get(ref.id);
      if (!list) desired.set(ref.id, list = []);
      list.push(asset.id);
    }
  }
  const remote = new Map(input.remoteAlbums.map((a) => [a.albumId, a]));
  const current = new Map(input.albums.map((a) => [a.id, a]));
  const actions: AlbumAction[] = [];
  for (const albumId of new Set([...desired.keys(), ...input.members.keys()])) {
    const album = current.get(albumId);
    const want = album ? desired.get(albumId) ?? [] : [];
    const have = input.members.get(albumId) ?? new Set<AssetId>();
    const wantSet = new Set(want);
    const add = want.filter((id) => !have.has(id));
    const remove = [...have].filter((id) => !wantSet.has(id));
    const known = remote.get(albumId);
    const name = album ? albumName(album) : known?.name ?? albumId;
    const rename = known !== undefined && album !== undefined && known.name !== name;
    if (add.length === 0 && remove.length === 0 && !rename && (known || want.length === 0)) continue;
    actions.push({ albumId, name, ...(known ? { remoteId: known.remoteId } : {}), rename, add, remove });
  }
  return actions.sort((a, b) => a.name.localeCompare(b.name));
}

/** The assets that hold (or are about to hold) a still on the service, so they can be album members. */
export function assetsOnService(placements: readonly Placement[], sending: ReadonlyMap<AssetId, ReadonlySet<Resource['role']>>): Set<AssetId> {
  const out = new Set<AssetId>();
  for (const p of placements) if (p.remoteId && p.role !== 'live-video') out.add(p.assetId);
  for (const [id, roles] of sending) if ([...roles].some((r) => r !== 'live-video')) out.add(id);
  return out;
}
