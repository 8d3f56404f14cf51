/** @module Which assets a free-up run considers: age, date, album, type, and what the user keeps (favorites, assets in albums). */
import { z } from 'zod';
import type { Asset } from '../../core/asset.ts';
import { UsageError } from '../../core/usage-error.ts';
import { MEDIA_TYPES, mediaTypesOf } from '../../engine/filters.ts';

export const criteriaSchema = z.object({
  /** Only assets taken before this instant (from --older-than or --before, whichever is earlier). */
  takenBefore: z.coerce.date().optional(),
  albums: z.array(z.string().min(1)).optional(),
  types: z.array(z.enum(MEDIA_TYPES)).optional(),
  keepFavorites: z.boolean().default(true),
  /** Keep every asset that is in at least one album. */
  keepAlbums: z.boolean().default(false),
  includeHidden: z.boolean().default(true),
});
export type Criteria = z.output<typeof criteriaSchema>;

const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, w: 7 * 86_400_000 };

/** `2y`, `18m`, `6w`, `30d` → the instant that long before `now` (calendar months and years). */
export function olderThanCutoff(text: string, now: Date): Date {
  const m = /^(\d+)\s*([ymwd])$/i.exec(text.trim());
  if (m === null) throw new UsageError(`--older-than ${text}: expected a number and a unit, e.g. 2y, 18m, 6w or 30d`);
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const at = new Date(now);
  if (unit === 'y') at.setUTCFullYear(at.getUTCFullYear() - n);
  else if (unit === 'm') at.setUTCMonth(at.getUTCMonth() - n);
  else at.setTime(at.getTime() - n * UNIT_MS[unit]!);
  return at;
}

/** The earlier of `--older-than` and `--before`; neither → undefined (the whole library is considered). */
export function cutoffOf(olderThan: string | undefined, before: string | undefined, now: Date): Date | undefined {
  const dates: Date[] = [];
  if (olderThan !== undefined) dates.push(olderThanCutoff(olderThan, now));
  if (before !== undefined) {
    const d = new Date(before);
    if (Number.isNaN(d.getTime())) throw new UsageError(`--before ${before}: not a date (use YYYY-MM-DD)`);
    dates.push(d);
  }
  return dates.length === 0 ? undefined : new Date(Math.min(...dates.map((d) => d.getTime())));
}

const inAlbum = (asset: Asset, names: readonly string[]) =>
  asset.albums.some((a) => names.some((n) => n === a.path.join('/') || n === a.path[a.path.length - 1] || n === a.id));

/** Why an asset is out of the run before any verification, or null when it is a candidate. */
export function excludedBy(asset: Asset, c: Criteria): string | null {
  if (c.takenBefore !== undefined && asset.takenAt >= c.takenBefore) return 'newer than the cutoff';
  if (c.types !== undefined && c.types.length > 0) {
    const types = mediaTypesOf(asset);
    if (!c.types.some((t) => types.has(t))) return 'another media type';
  }
  if (c.albums !== undefined && c.albums.length > 0 && !inAlbum(asset, c.albums)) return 'not in the chosen albums';
  if (!c.includeHidden && asset.hidden) return 'hidden';
  if (c.keepFavorites && asset.favorite) return 'favorite (kept)';
  if (c.keepAlbums && asset.albums.length > 0) return 'in an album (kept)';
  return null;
}
