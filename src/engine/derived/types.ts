/** @module Fidelity options and the derived actions they add to a plan: conversions, sidecars, album entries. */
import type { Asset, Resource, ResourceRole } from '../../core/asset.ts';
import type { DerivedRole, PlacementRole } from '../../destinations/destination.ts';

export type AlbumStrategy = 'manifest' | 'links' | 'none';

export interface FidelityOptions {
  /** HEIC/HEIF → JPEG beside the original (`IMG_1.HEIC` + `IMG_1.jpg`); null: only when the destination lacks HEIC. */
  readonly convertHeic: { readonly quality: number } | null;
  /** JPEG quality when a destination without HEIC support forces a conversion nobody asked for. */
  readonly fallbackQuality: number;
  readonly sidecars: { readonly xmp: boolean; readonly json: boolean };
  /** manifest: albums/<path>.json listing files; links: album folders filled by server-side copy; none. */
  readonly albums: AlbumStrategy;
  /** Also write the library's metadata (GPS, rating, caption, keywords) into derived JPEGs; originals are never touched. */
  readonly writeExif: boolean;
  /** photoferry-manifest.jsonl at the root, rewritten from the catalog at the end of each run. */
  readonly manifest: boolean;
}

/** What a plain `copy` writes besides the originals: XMP sidecars, album manifests, the library manifest. */
export const DEFAULT_FIDELITY: FidelityOptions = {
  convertHeic: null, fallbackQuality: 90, sidecars: { xmp: true, json: false }, albums: 'manifest', writeExif: false, manifest: true,
};

/** Originals only, nothing derived (engine unit tests, `--sidecar none --albums none --no-manifest`). */
export const NO_FIDELITY: FidelityOptions = {
  convertHeic: null, fallbackQuality: 90, sidecars: { xmp: false, json: false }, albums: 'none', writeExif: false, manifest: false,
};

/** One resource the plan sends: where it is (or will be, once this plan's copies ran) and its fingerprint. */
export interface PlacedResource {
  readonly resource: Resource;
  readonly path: string;
  readonly fingerprint: string;
}

/** The resources of one asset the policy sends, by role. */
/** Who holds each destination path key (by asset id); a Map is one, the streamed plan asks the catalog behind it. */
export interface PathClaims {
  get(key: string): string | undefined;
  set(key: string, assetId: string): unknown;
}

export interface AssetFiles {
  readonly asset: Asset;
  readonly entries: ReadonlyMap<ResourceRole, PlacedResource>;
}

export const pathsOf = (files: AssetFiles): Map<ResourceRole, string> =>
  new Map([...files.entries].map(([role, e]) => [role, e.path]));

interface DerivedBase {
  readonly asset: Asset;
  readonly role: DerivedRole;
  readonly path: string;
  /** Identity of the inputs: same fingerprint as the recorded placement → nothing to do. */
  readonly fingerprint: string;
}

export interface ConvertAction extends DerivedBase {
  readonly type: 'convert';
  readonly resource: Resource;
  readonly quality: number;
  readonly writeExif: boolean;
}

export interface SidecarAction extends DerivedBase {
  readonly type: 'sidecar';
  readonly format: 'xmp' | 'json';
  /** The file the sidecar describes (XMP), or the asset's primary resource (JSON). */
  readonly subject: ResourceRole;
  readonly files: AssetFiles;
}

export interface LinkAction extends DerivedBase {
  readonly type: 'link';
  /** The placed resource the album entry duplicates server-side. */
  readonly from: string;
  /** The entry's previous path (album renamed or moved): removed once the new entry exists. */
  readonly replaces?: string;
}

export type DerivedAction = ConvertAction | SidecarAction | LinkAction;

/** The resource role a derived role comes from (outcomes are reported under it). */
export function baseRoleOf(role: PlacementRole): ResourceRole {
  if (role === 'json') return 'original';
  if (role.startsWith('xmp:')) return role.slice(4) as ResourceRole;
  if (role.startsWith('album:')) return role.slice(role.lastIndexOf('/') + 1) as ResourceRole;
  if (role.endsWith('.jpeg')) return role.slice(0, -5) as ResourceRole;
  return role as ResourceRole;
}

export const isAlbumRole = (role: PlacementRole): boolean => role.startsWith('album:');

export const isHeic = (r: Resource): boolean =>
  /^image\/hei[cf]/i.test(r.contentType) || /\.hei[cf]$/i.test(r.filename);
