/** @module Asset filters (date, type, size, album, favorites, name glob), layered: every one set must hold. */
import picomatch from 'picomatch';
import { z } from 'zod';
import type { Asset } from '../core/asset.ts';
import { MEDIA_TYPES, type MediaType } from './media-types.ts';

export { MEDIA_TYPES, type MediaType };

export const filterSchema = z.object({
  takenAfter: z.coerce.date().optional().describe('Only assets taken on or after this date'),
  takenBefore: z.coerce.date().optional().describe('Only assets taken before this date'),
  types: z.array(z.enum(MEDIA_TYPES)).optional().describe('Only these media types'),
  minSize: z.number().int().nonnegative().optional().describe('Only assets of at least this many bytes'),
  maxSize: z.number().int().nonnegative().optional().describe('Only assets of at most this many bytes'),
  albums: z.array(z.string()).optional().describe('Only assets in one of these albums (name or folder/name)'),
  excludeAlbums: z.array(z.string()).optional().describe('No assets in any of these albums'),
  favoritesOnly: z.boolean().optional().describe('Only favorites'),
  includeHidden: z.boolean().optional().describe('Include hidden assets (default yes)'),
  filename: z.string().optional().describe('Only file names matching this glob (case-insensitive)'),
});
export type Filters = z.infer<typeof filterSchema>;

/** Which media types an asset counts as (a Live Photo is also a photo; a RAW pair also raw). */
export function mediaTypesOf(asset: Asset): Set<MediaType> {
  const types = new Set<MediaType>();
  if (asset.kind === 'video') types.add('video');
  else types.add('photo');
  if (asset.kind === 'live-photo') types.add('live');
  if (asset.resources.some((r) => r.role === 'raw') || /\.(dng|cr2|cr3|nef|arw|raf|orf|rw2)$/i.test(asset.filename)) types.add('raw');
  if (asset.traits?.screenshot) types.add('screenshot');
  return types;
}

/**
 * Photos' smart albums, usable as `--album NAME` (case-insensitive): computed from the asset's flags and traits,
 * so they select exactly what the library marks. Recently Deleted is not one: deleted assets are never listed.
 */
export const SMART_ALBUMS: Readonly<Record<string, (asset: Asset) => boolean>> = {
  favorites: (a) => a.favorite,
  videos: (a) => a.kind === 'video',
  'live photos': (a) => a.kind === 'live-photo',
  panoramas: (a) => a.traits?.panorama === true,
  screenshots: (a) => a.traits?.screenshot === true,
  bursts: (a) => a.traits?.burst === true,
  hidden: (a) => a.hidden,
  selfies: (a) => a.traits?.selfie === true,
};

const albumMatches = (asset: Asset, names: readonly string[]) =>
  asset.albums.some((a) => names.some((n) => n === a.path.join('/') || n === a.path[a.path.length - 1] || n === a.id))
  || names.some((n) => SMART_ALBUMS[n.toLowerCase()]?.(asset) === true);

/** Compiles the filters once; the predicate is pure and cheap. */
export function compileFilters(filters: Filters): (asset: Asset) => boolean {
  const glob = filters.filename ? picomatch(filters.filename, { nocase: true, basename: true }) : undefined;
  return (asset) => {
    if (filters.takenAfter && asset.takenAt < filters.takenAfter) return false;
    if (filters.takenBefore && asset.takenAt >= filters.takenBefore) return false;
    if (filters.types && filters.types.length > 0) {
      const types = mediaTypesOf(asset);
      if (!filters.types.some((t) => types.has(t))) return false;
    }
    const size = asset.resources.reduce((sum, r) => sum + r.size, 0);
    if (filters.minSize !== undefined && size < filters.minSize) return false;
    if (filters.maxSize !== undefined && size > filters.maxSize) return false;
    if (filters.albums && filters.albums.length > 0 && !albumMatches(asset, filters.albums)) return false;
    if (filters.excludeAlbums && albumMatches(asset, filters.excludeAlbums)) return false;
    if (filters.favoritesOnly && !asset.favorite) return false;
    if (filters.includeHidden === false && asset.hidden) return false;
    if (glob && !glob(asset.filename)) return false;
    return true;
  };
}
