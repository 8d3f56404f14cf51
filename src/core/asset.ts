/** @module Domain model of what a source yields and what the catalog stores: assets and their resources. */

export type AssetId = string & { readonly __brand: 'AssetId' };
export const assetId = (value: string): AssetId => value as AssetId;

export type AssetKind = 'photo' | 'video' | 'live-photo';

/**
 * The files one asset is made of. `original` is always present; `live-video` is the motion half of a
 * Live Photo; `raw` the RAW alternative of a RAW+JPEG pair (the original is then the JPEG/HEIC);
 * `edited` the rendered edit; `sidecar` a metadata file that travelled with the asset (e.g. an AAE).
 */
export type ResourceRole = 'original' | 'edited' | 'live-video' | 'raw' | 'edited-video' | 'sidecar';
export const RESOURCE_ROLES: readonly ResourceRole[] = ['original', 'edited', 'live-video', 'raw', 'edited-video', 'sidecar'];

export type ChecksumAlgorithm = 'sha256' | 'sha1' | 'md5' | 'icloud';
export interface Checksum {
  readonly algorithm: ChecksumAlgorithm;
  readonly value: string;
}

export interface Resource {
  readonly role: ResourceRole;
  readonly filename: string;
  readonly size: number;
  readonly contentType: string;
  /** A checksum the source vouches for, when it has one (not necessarily one we can recompute). */
  readonly checksum?: Checksum;
  readonly width?: number;
  readonly height?: number;
}

export interface GeoPoint {
  readonly latitude: number;
  readonly longitude: number;
  readonly altitude?: number;
}

export interface AlbumRef {
  readonly id: string;
  /** Folder path of the album, outermost first, ending with the album's own name. */
  readonly path: readonly string[];
}

/** Extra tags a source knows; filters read them when present and treat them as false when absent. */
export interface AssetTraits {
  readonly screenshot?: boolean;
  readonly burst?: boolean;
  readonly panorama?: boolean;
  /** Taken with the front camera (Photos' "Selfies"). */
  readonly selfie?: boolean;
}

export interface Asset {
  readonly id: AssetId;
  /** Changes whenever content or metadata changes; the engine re-sends a resource when it changes. */
  readonly version: string;
  readonly kind: AssetKind;
  readonly takenAt: Date;
  readonly addedAt: Date;
  /** Minutes east of UTC at capture, when the source knows the camera's time zone. */
  readonly utcOffsetMinutes?: number;
  readonly filename: string;
  readonly resources: readonly Resource[];
  readonly albums: readonly AlbumRef[];
  readonly favorite: boolean;
  readonly hidden: boolean;
  readonly location?: GeoPoint;
  readonly caption?: string;
  readonly traits?: AssetTraits;
}

export function resourceOf(asset: Asset, role: ResourceRole): Resource | undefined {
  return asset.resources.find((r) => r.role === role);
}
