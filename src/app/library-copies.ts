/**
 * @module How much of one source's library a photo service (Immich, Google Photos) holds: assets and albums there and
 * verified. The one definition the library page and its API use.
 */
import type { Asset } from '../core/asset.ts';
import { CountsBuilder, isOriginalRole } from '../core/counts.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Placement } from '../destinations/destination.ts';
import type { LibraryDestination } from '../destinations/library-destination.ts';
import { fingerprintOf } from '../engine/plan.ts';

export interface LibraryCopies {
  readonly destinationId: string;
  readonly kind: string;
  /** Assets with a copy there (the count copy, plan and verify use: a Live Photo or RAW+JPEG pair is one asset). */
  readonly assets: number;
  /** Albums photoferry made there for this source's albums. */
  readonly albums: number;
  /**
   * Null when the service gives nothing back to compare (Google Photos): its copies are unverifiable. Otherwise
   * assets whose every copy is of the current version and carries the checksum the service stores (what `verify`
   * asks it for), and albums that hold exactly the copied assets the source lists in them.
   */
  readonly verified: { readonly assets: number; readonly albums: number } | null;
}

type Service = Pick<LibraryDestination, 'id' | 'kind' | 'capabilities'>;

function verifiedAsset(asset: Asset, placements: readonly Placement[]): boolean {
  return placements.every((p) => {
    const resource = asset.resources.find((r) => r.role === p.role);
    return resource !== undefined && p.fingerprint === fingerprintOf(asset, resource) && p.remoteId !== undefined && p.remoteChecksum !== undefined;
  });
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

export async function libraryCopies(catalog: Catalog, service: Service, sourceId: string): Promise<LibraryCopies> {
  const byAsset = new Map<string, Placement[]>();
  for (const p of await catalog.placements(service.id, sourceId)) {
    if (isOriginalRole(p.role)) byAsset.set(p.assetId, [...byAsset.get(p.assetId) ?? [], p]);
  }
  const counts = new CountsBuilder();
  for (const [assetId, placements] of byAsset) for (const p of placements) counts.add(assetId, p.role, p.size);
  const records = catalog.library(service.id, sourceId);
  const remoteAlbums = await records.albums();
  const base = { destinationId: service.id, kind: service.kind, assets: counts.build().assets, albums: remoteAlbums.length };
  if (!service.capabilities.verifiableBytes) return { ...base, verified: null };

  let verifiedAssets = 0;
  const wanted = new Map<string, Set<string>>();
  for await (const page of catalog.assetPages(sourceId)) for (const asset of page) {
    const placements = byAsset.get(asset.id);
    if (placements === undefined) continue;
    if (verifiedAsset(asset, placements)) verifiedAssets += 1;
    for (const album of asset.albums) (wanted.get(album.id) ?? wanted.set(album.id, new Set()).get(album.id)!).add(asset.id);
  }
  const members = await records.members();
  const verifiedAlbums = remoteAlbums.filter((a) => sameSet(members.get(a.albumId) ?? new Set(), wanted.get(a.albumId) ?? new Set())).length;
  return { ...base, verified: { assets: verifiedAssets, albums: verifiedAlbums } };
}
