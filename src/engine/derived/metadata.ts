/** @module The metadata every sidecar and the manifest agree on, derived once from an Asset (pure). */
import type { Asset, ResourceRole } from '../../core/asset.ts';

export interface AssetMetadata {
  readonly assetId: string;
  /** Capture time in the camera's zone with its offset (`2019-05-04T14:00:00+02:00`), UTC `Z` when unknown. */
  readonly localTime: string;
  readonly rating: number;
  readonly favorite: boolean;
  readonly hidden: boolean;
  readonly caption?: string;
  readonly location?: { readonly latitude: number; readonly longitude: number; readonly altitude?: number };
  /** Album paths, outermost folder first; also written as keywords, since the library has no other tags. */
  readonly albums: readonly { readonly id: string; readonly path: readonly string[] }[];
  /** The Live Photo pairing: the asset id binds the still and the motion half (Apple pairs them by asset). */
  readonly livePhotoPairingId?: string;
  /** File names (no folder) of the asset's files by role, so a sidecar can point at its siblings. */
  readonly files: Readonly<Partial<Record<ResourceRole, string>>>;
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

export function localTimeOf(asset: Asset): string {
  const offset = asset.utcOffsetMinutes;
  if (offset === undefined) return asset.takenAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const local = new Date(asset.takenAt.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function metadataOf(asset: Asset, paths: ReadonlyMap<ResourceRole, string>): AssetMetadata {
  const files: Partial<Record<ResourceRole, string>> = {};
  for (const [role, path] of [...paths].sort(([a], [b]) => a.localeCompare(b))) files[role] = basename(path);
  return {
    assetId: asset.id,
    localTime: localTimeOf(asset),
    rating: asset.favorite ? 5 : 0,
    favorite: asset.favorite,
    hidden: asset.hidden,
    ...(asset.caption ? { caption: asset.caption } : {}),
    ...(asset.location ? { location: asset.location } : {}),
    albums: asset.albums.map((a) => ({ id: a.id, path: [...a.path] })),
    ...(asset.kind === 'live-photo' || paths.has('live-video') ? { livePhotoPairingId: asset.id } : {}),
    files,
  };
}

/** The JSON sidecar (`IMG_1.HEIC.json`): everything the library knows about the asset, in one object. */
export function renderJsonSidecar(asset: Asset, meta: AssetMetadata): string {
  return `${JSON.stringify({
    format: 'photoferry-sidecar', version: 1,
    assetId: meta.assetId, kind: asset.kind, filename: asset.filename,
    takenAt: asset.takenAt.toISOString(), localTime: meta.localTime,
    ...(asset.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: asset.utcOffsetMinutes }),
    addedAt: asset.addedAt.toISOString(),
    favorite: meta.favorite, rating: meta.rating, hidden: meta.hidden,
    ...(meta.caption ? { caption: meta.caption } : {}),
    ...(meta.location ? { location: meta.location } : {}),
    albums: meta.albums,
    ...(meta.livePhotoPairingId ? { livePhotoPairingId: meta.livePhotoPairingId } : {}),
    files: meta.files,
  }, null, 2)}\n`;
}
