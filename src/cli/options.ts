/** @module Shared CLI option groups (filters, resource policy) and their parsing into use-case requests. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../core/usage-error.ts';
import { filterSchema, type Filters, type PolicyInput } from '../app/requests.ts';

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a size (e.g. 500K, 20M, 1.5G)`);
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  return Math.round(Number(m[1]) * 1024 ** power);
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--after <date>', 'only assets taken on or after this date (YYYY-MM-DD)')
    .option('--before <date>', 'only assets taken before this date')
    .option('--type <types>', 'only these media types: photo, video, live, raw, screenshot (comma-separated)', collect)
    .option('--min-size <size>', 'only assets of at least this size (e.g. 500K)', parseSize)
    .option('--max-size <size>', 'only assets of at most this size (e.g. 2G)', parseSize)
    .option('--album <name>', 'only assets in this album (repeatable)', collect)
    .option('--exclude-album <name>', 'skip assets in this album (repeatable)', collect)
    .option('--favorites', 'only favorites')
    .option('--exclude-hidden', 'skip hidden assets')
    .option('--include <glob>', 'only file names matching this glob (case-insensitive)')
    .option('--no-live-video', 'skip the motion part of Live Photos')
    .addOption(new Option('--raw <which>', 'RAW+JPEG pairs: send the original, the RAW alternative, or both').choices(['original', 'alternative', 'both']).default('both'))
    .addOption(new Option('--edits <which>', 'edited assets: send the original, the edit, or both').choices(['original', 'edited', 'both']).default('both'))
    .option('--template <template>', 'destination path template, e.g. {yyyy}/{mm}/{dd}/{filename}')
    .option('--concurrency <n>', 'files in flight at once', (v) => Number(v));
}

export interface FilterFlags {
  after?: string; before?: string; type?: string[]; minSize?: number; maxSize?: number; album?: string[];
  excludeAlbum?: string[]; favorites?: boolean; excludeHidden?: boolean; include?: string;
  liveVideo: boolean; raw: 'original' | 'alternative' | 'both'; edits: 'original' | 'edited' | 'both';
}

export function filtersFrom(flags: FilterFlags): { filters: Filters; policy: PolicyInput } {
  const parsed = filterSchema.safeParse({
    takenAfter: flags.after, takenBefore: flags.before, types: flags.type, minSize: flags.minSize, maxSize: flags.maxSize,
    albums: flags.album, excludeAlbums: flags.excludeAlbum, favoritesOnly: flags.favorites,
    includeHidden: flags.excludeHidden ? false : undefined, filename: flags.include,
  });
  if (!parsed.success) {
    throw new UsageError('invalid filter options:', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const filters = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Filters;
  return { filters, policy: { liveVideo: flags.liveVideo, raw: flags.raw, edits: flags.edits } };
}
