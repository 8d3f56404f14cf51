/** @module The server-side indexes CloudKit queries name (All Photos, Hidden, Recently Deleted, smart albums, album contents), as cached rank lists. */
import type { AssetState, LibraryState, ZoneKey } from './state.ts';

export type SmartAlbum = 'FAVORITE' | 'VIDEO' | 'LIVE' | 'SCREENSHOT' | 'PANORAMA' | 'SLOMO' | 'TIMELAPSE';

export type ViewKey =
  | { readonly view: 'all' | 'added' | 'hidden' | 'deleted' | 'bursts' }
  | { readonly view: 'smart'; readonly smart: SmartAlbum }
  | { readonly view: 'album'; readonly albumId: string };

const visible = (a: AssetState) => !a.purged && a.deletedAt === undefined;

function matches(key: ViewKey, a: AssetState, inAlbum: (albumId: string) => boolean): boolean {
  switch (key.view) {
    case 'all': case 'added': return visible(a) && !a.hidden;
    case 'hidden': return visible(a) && a.hidden;
    case 'deleted': return !a.purged && a.deletedAt !== undefined;
    case 'bursts': return visible(a) && !a.hidden && a.burstId !== undefined;
    case 'album': return visible(a) && inAlbum(key.albumId);
    case 'smart': {
      if (!visible(a) || a.hidden) return false;
      switch (key.smart) {
        case 'FAVORITE': return a.favorite;
        case 'VIDEO': return a.shape === 'video';
        case 'LIVE': return a.shape === 'live-heic' || a.shape === 'live-jpeg';
        case 'SCREENSHOT': return a.shape === 'screenshot';
        case 'PANORAMA': return a.shape === 'panorama';
        case 'SLOMO': case 'TIMELAPSE': return false;
      }
    }
  }
}

const sortDate = (key: ViewKey, a: AssetState) =>
  key.view === 'deleted' ? a.deletedAt ?? 0 : key.view === 'added' ? a.addedDate : a.assetDate;

/** Rank lists per (zone, view), rebuilt lazily after any change. */
export class Views {
  private cache = new Map<string, { version: number; ranks: Int32Array }>();
  constructor(private readonly lib: LibraryState) {}

  ranks(zone: ZoneKey, key: ViewKey): Int32Array {
    const id = `${zone}:${JSON.stringify(key)}`;
    const hit = this.cache.get(id);
    if (hit !== undefined && hit.version === this.lib.version) return hit.ranks;
    const picked: { i: number; d: number }[] = [];
    for (let i = 0; i < this.lib.size; i++) {
      if (this.lib.spec(i).zone !== zone) continue;
      const a = this.lib.asset(i);
      if (matches(key, a, (albumId) => this.lib.inAlbum(i, albumId))) picked.push({ i, d: sortDate(key, a) });
    }
    // Recorded pages come back newest first for `startRank 0, ASCENDING`.
    picked.sort((x, y) => y.d - x.d || x.i - y.i);
    const ranks = Int32Array.from(picked, (p) => p.i);
    this.cache.set(id, { version: this.lib.version, ranks });
    return ranks;
  }
}

/** `HyperionIndexCountLookup` ids → views (see protocol notes §3.5). */
export function viewOfCountId(id: string): ViewKey | undefined {
  if (id === 'CPLAssetByAssetDateWithoutHiddenOrDeleted') return { view: 'all' };
  if (id === 'CPLAssetByAddedDate') return { view: 'added' };
  if (id === 'CPLAssetHiddenByAssetDate') return { view: 'hidden' };
  if (id === 'CPLAssetDeletedByExpungedDate') return { view: 'deleted' };
  if (id === 'CPLAssetBurstStackAssetByAssetDate') return { view: 'bursts' };
  const smart = /^CPLAssetInSmartAlbumByAssetDate:(\w+)$/.exec(id)?.[1];
  if (smart !== undefined) return { view: 'smart', smart: smart.toUpperCase() as SmartAlbum };
  const album = /^CPLContainerRelationNotDeletedByAssetDate:(.+)$/.exec(id)?.[1];
  if (album !== undefined) return { view: 'album', albumId: album };
  return undefined;
}
