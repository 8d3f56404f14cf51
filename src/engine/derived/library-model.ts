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
  readonly entries: { readonly assetId: string; readonly files: readonly { readonly role: string; readonly path: string }[] }[];
}

export interface LibraryView {
  readonly assets: readonly ManifestEntry[];
  readonly albums: readonly LibraryAlbum[];
  /** Catalog assets by `sourceId\0assetId`, for reports. */
  readonly byId: ReadonlyMap<string, Asset>;
}

const isResourceRole = (role: string): role is ResourceRole => (RESOURCE_ROLES as readonly string[]).includes(role);
const fileOf = (p: Placement): ManifestFile => ({ role: p.role, path: p.path, size: p.size, sha256: p.sha256 });

export async function buildLibrary(catalog: Catalog, destinationId: string, wanted: (asset: Asset) => readonly ResourceRole[]): Promise<LibraryView> {
  const placements = await catalog.placements(destinationId);
  const bySource = new Map<string, Map<string, Placement[]>>();
  for (const p of placements) {
    const assets = bySource.get(p.sourceId) ?? new Map<string, Placement[]>();
    bySource.set(p.sourceId, assets);
    assets.set(p.assetId, [...(assets.get(p.assetId) ?? []), p]);
  }
  const entries: ManifestEntry[] = [];
  const albums: LibraryAlbum[] = [];
  const byId = new Map<string, Asset>();
  for (const [sourceId, placed] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    const sourceAlbums = new Map((await catalog.albums(sourceId)).map((a) => [a.id, { ...a, sourceId, entries: [] } as LibraryAlbum]));
    for (const asset of await catalog.assets(sourceId)) {
      const mine = placed.get(asset.id);
      if (!mine) continue;
      byId.set(`${sourceId}\u0000${asset.id}`, asset);
      const resources = mine.filter((p) => isResourceRole(p.role));
      const files = resources.map((p) => {
        const r = asset.resources.find((x) => x.role === p.role);
        return { ...fileOf(p), ...(r ? { filename: r.filename, contentType: r.contentType } : {}) };
      });
      const roles = new Set(resources.map((p) => p.role));
      entries.push({
        sourceId, assetId: asset.id, version: asset.version, kind: asset.kind, filename: asset.filename,
        takenAt: asset.takenAt.toISOString(), localTime: localTimeOf(asset),
        ...(asset.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: asset.utcOffsetMinutes }),
        addedAt: asset.addedAt.toISOString(), favorite: asset.favorite, hidden: asset.hidden,
        ...(asset.caption ? { caption: asset.caption } : {}), ...(asset.location ? { location: asset.location } : {}),
        albums: asset.albums.map((a) => a.id),
        ...(roles.has('live-video') ? { livePhotoPairingId: asset.id } : {}),
        complete: wanted(asset).every((r) => roles.has(r)),
        files, derived: mine.filter((p) => !isResourceRole(p.role)).map(fileOf),
      });
      const listed = mine.filter((p) => isResourceRole(p.role) && p.role !== 'sidecar' || p.role.endsWith('.jpeg'))
        .map((p) => ({ role: p.role, path: p.path }));
      for (const ref of asset.albums) {
        const album = sourceAlbums.get(ref.id) ?? { id: ref.id, path: ref.path, kind: 'user' as const, sourceId, entries: [] };
        sourceAlbums.set(ref.id, album);
        album.entries.push({ assetId: asset.id, files: listed });
      }
    }
    albums.push(...sourceAlbums.values());
  }
  albums.sort((a, b) => a.path.join('/').localeCompare(b.path.join('/')));
  return { assets: entries, albums, byId };
}
