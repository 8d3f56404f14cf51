/** @module What a destination holds, joined from catalog placements and assets: the manifest's entries and album lists. */
import type { Asset, ResourceRole } from '../../core/asset.ts';
import { RESOURCE_ROLES } from '../../core/asset.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Placement } from '../../destinations/destination.ts';
import type { Album } from '../../sources/source.ts';
import { localTimeOf } from './metadata.ts';

export interface ManifestFile {
  readonly role: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly filename?: string;
  readonly contentType?: string;
}

/** One line of photoferry-manifest.jsonl. `files` are the source's resources, `derived` what photoferry made. */
export interface ManifestEntry {
  readonly sourceId: string;
  readonly assetId: string;
  readonly version: string;
  readonly kind: Asset['kind'];
  readonly filename: string;
  readonly takenAt: string;
  readonly localTime: string;
  readonly utcOffsetMinutes?: number;
  readonly addedAt: string;
  readonly favorite: boolean;
  readonly hidden: boolean;
  readonly caption?: string;
  readonly location?: Asset['location'];
  readonly albums: readonly string[];
  readonly livePhotoPairingId?: string;
  /** Every resource the copy policy selects is here (a Live Photo with both halves). */
  readonly complete: boolean;
  readonly files: readonly ManifestFile[];
  readonly derived: readonly ManifestFile[];
}

export interface LibraryAlbum extends Album {
  readonly sourceId: string;
  readonly entries: AlbumEntry[];
}

export interface LibraryView {
  readonly albums: readonly LibraryAlbum[];
}

const isResourceRole = (role: string): role is ResourceRole => (RESOURCE_ROLES as readonly string[]).includes(role);
const fileOf = (p: Placement): ManifestFile => ({ role: p.role, path: p.path, size: p.size, sha256: p.sha256 });

/** One album's entry in its album manifest: the asset and the files an album link points at, in path order. */
export interface AlbumEntry { readonly assetId: string; readonly files: readonly { readonly role: string; readonly path: string }[] }

/** The files of a manifest entry an album lists: the source's resources but the sidecar, and JPEG conversions. */
export function albumEntryOf(entry: ManifestEntry): AlbumEntry {
  const listed = [...entry.files, ...entry.derived].filter((f) => isResourceRole(f.role) && f.role !== 'sidecar' || f.role.endsWith('.jpeg'))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { assetId: entry.assetId, files: listed.map((f) => ({ role: f.role, path: f.path })) };
}

/** Every source's albums in the order the files list them (by path; the sort is stable, so ties keep source order). */
export function orderAlbums<T extends { readonly path: readonly string[] }>(albums: T[]): T[] {
  return albums.sort((a, b) => a.path.join('/').localeCompare(b.path.join('/')));
}

/** An album as the manifest header and albums/index.json describe it. */
export const albumHeader = (a: Album & { readonly sourceId: string }) => ({ id: a.id, sourceId: a.sourceId, name: a.path.at(-1) ?? '', path: a.path, kind: a.kind });

/** Sources in the order the manifest lists them. */
export const orderSources = (sourceIds: readonly string[]): string[] => [...sourceIds].sort((a, b) => a.localeCompare(b));

/**
 * Walks what the destination holds, source by source and asset page by asset page (with the placements of just that
 * page), handing each manifest entry to `onEntry` as it is made: the manifest is never one array. Album lists are
 * returned whole; they grow with album memberships, not with the library.
 */
export async function walkLibrary(
  catalog: Catalog, destinationId: string, wanted: (asset: Asset) => readonly ResourceRole[],
  onEntry: (entry: ManifestEntry) => void,
): Promise<LibraryView> {
  const albums: LibraryAlbum[] = [];
  for (const sourceId of orderSources(await catalog.placementSources(destinationId))) {
    const sourceAlbums = new Map((await catalog.albums(sourceId)).map((a) => [a.id, { ...a, sourceId, entries: [] } as LibraryAlbum]));
    for await (const page of catalog.assetPages(sourceId)) {
      for (const [asset, mine] of placedOf(page, await catalog.placementsFor(destinationId, sourceId, page.map((a) => a.id)))) {
        const entry = entryOf(sourceId, asset, mine, wanted);
        const listed = asset.albums.length > 0 ? albumEntryOf(entry) : undefined;
        for (const ref of asset.albums) {
          const album = sourceAlbums.get(ref.id) ?? { id: ref.id, path: ref.path, kind: 'user' as const, sourceId, entries: [] };
          sourceAlbums.set(ref.id, album);
          album.entries.push(listed!);
        }
        onEntry(entry);
      }
    }
    albums.push(...sourceAlbums.values());
  }
  return { albums: orderAlbums(albums) };
}

/** The assets of a page that have placements, each with its placements (path order kept), in page order. */
export function placedOf(page: readonly Asset[], placements: readonly Placement[]): [Asset, Placement[]][] {
  const placed = new Map<string, Placement[]>();
  for (const p of placements) {
    let list = placed.get(p.assetId);
    if (!list) placed.set(p.assetId, list = []);
    list.push(p);
  }
  return page.flatMap((asset) => { const mine = placed.get(asset.id); return mine ? [[asset, mine] as [Asset, Placement[]]] : []; });
}

/** One asset's manifest line. */
export function entryOf(sourceId: string, asset: Asset, mine: readonly Placement[], wanted: (asset: Asset) => readonly ResourceRole[]): ManifestEntry {
  const resources = mine.filter((p) => isResourceRole(p.role));
  const files = resources.map((p) => {
    const r = asset.resources.find((x) => x.role === p.role);
    return { ...fileOf(p), ...(r ? { filename: r.filename, contentType: r.contentType } : {}) };
  });
  const roles = new Set(resources.map((p) => p.role));
  return {
    sourceId, assetId: asset.id, version: asset.version, kind: asset.kind, filename: asset.filename,
    takenAt: asset.takenAt.toISOString(), localTime: localTimeOf(asset),
    ...(asset.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: asset.utcOffsetMinutes }),
    addedAt: asset.addedAt.toISOString(), favorite: asset.favorite, hidden: asset.hidden,
    ...(asset.caption ? { caption: asset.caption } : {}), ...(asset.location ? { location: asset.location } : {}),
    albums: asset.albums.map((a) => a.id),
    ...(roles.has('live-video') ? { livePhotoPairingId: asset.id } : {}),
    complete: wanted(asset).every((r) => roles.has(r)),
    files, derived: mine.filter((p) => !isResourceRole(p.role)).map(fileOf),
  };
}
