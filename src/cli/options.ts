/** @module Shared CLI option groups (filters, resource policy) and their parsing into use-case requests. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { UsageError } from '../core/usage-error.ts';
import type { Filters, PolicyInput } from '../app/requests.ts';
import { DEFAULT_FIDELITY, MEDIA_TYPES, type FidelityOptions } from '../app/defaults.ts';

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a size (e.g. 500K, 20M, 1.5G)`);
  const power = ' kmgt'.indexOf((m[2] || ' ').toLowerCase());
  return Math.round(Number(m[1]) * 1024 ** power);
}

export const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/** A calendar date as the user typed it; "2020-13-45" or "2021-02-30" is refused rather than rolled over. */
export const parseDateFlag = (flag: string) => (text: string): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date || date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[3])) {
    throw new InvalidArgumentError(`${flag}: not a date (expected YYYY-MM-DD)`);
  }
  return m[0];
};

const collectTypes = (value: string, previous: string[] = []): string[] => {
  const types = collect(value, previous);
  const unknown = types.filter((t) => !(MEDIA_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) throw new InvalidArgumentError(`--type: unknown type ${unknown.map((t) => `"${t}"`).join(', ')} (valid types: ${MEDIA_TYPES.join(', ')})`);
  return types;
};

/** Files in flight: a whole number from 1 to 64 (0 would never start anything; more only thrashes). */
export function parseConcurrency(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 64) throw new InvalidArgumentError(`--concurrency: expected a whole number from 1 to 64, not "${text}"`);
  return n;
}

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--after <date>', 'only assets taken on or after this date (YYYY-MM-DD)', parseDateFlag('--after'))
    .option('--before <date>', 'only assets taken before this date (YYYY-MM-DD)', parseDateFlag('--before'))
    .option('--type <types>', `only these media types: ${MEDIA_TYPES.join(', ')} (comma-separated)`, collectTypes)
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
    .option('--concurrency <n>', 'files in flight at once (1-64)', parseConcurrency);
}

export interface FilterFlags {
  after?: string; before?: string; type?: string[]; minSize?: number; maxSize?: number; album?: string[];
  excludeAlbum?: string[]; favorites?: boolean; excludeHidden?: boolean; include?: string;
  liveVideo: boolean; raw: 'original' | 'alternative' | 'both'; edits: 'original' | 'edited' | 'both';
}

export async function filtersFrom(flags: FilterFlags): Promise<{ filters: Filters; policy: PolicyInput }> {
  const { filterSchema } = await import('../app/requests.ts'); // zod loads for a command, not for `--help`
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

export function addFidelityOptions(cmd: Command): Command {
  return cmd
    .option('--convert <spec>', 'add converted copies beside the originals: heic=jpeg[:quality] (quality 1-100, default 90)', collect)
    .addOption(new Option('--sidecar <which>', 'metadata sidecars beside each photo (IMG_1.HEIC.xmp / .json)').choices(['xmp', 'json', 'both', 'none']).default('xmp'))
    .addOption(new Option('--albums <how>', 'albums: JSON manifests under albums/, folders of server-side copies (hard links, CopyObject), or none')
      .choices(['manifest', 'links', 'none']).default('manifest'))
    .option('--write-exif', 'also write the library metadata (GPS, rating, caption, albums as keywords) into converted JPEGs; originals are never changed')
    .option('--no-manifest', 'do not write photoferry-manifest.jsonl at the destination root');
}

export interface FidelityFlags {
  convert?: string[]; sidecar: 'xmp' | 'json' | 'both' | 'none'; albums: 'manifest' | 'links' | 'none'; writeExif?: boolean; manifest: boolean;
}

export function fidelityFrom(flags: FidelityFlags): FidelityOptions {
  let convertHeic: FidelityOptions['convertHeic'] = null;
  for (const spec of flags.convert ?? []) {
    const m = /^(heic|heif)=(jpe?g)(?::(\d{1,3}))?$/i.exec(spec);
    if (/^mov=mp4/i.test(spec)) {
      throw new UsageError('--convert mov=mp4 is not available: no maintained remuxer ships with photoferry (ffmpeg is not a dependency); MOV originals are kept as they are');
    }
    const quality = Number(m?.[3] ?? DEFAULT_FIDELITY.fallbackQuality);
    if (!m || quality < 1 || quality > 100) throw new UsageError(`--convert ${spec}: expected heic=jpeg or heic=jpeg:QUALITY (1-100)`);
    convertHeic = { quality };
  }
  return {
    ...DEFAULT_FIDELITY, convertHeic, writeExif: Boolean(flags.writeExif), manifest: flags.manifest, albums: flags.albums,
    sidecars: { xmp: flags.sidecar === 'xmp' || flags.sidecar === 'both', json: flags.sidecar === 'json' || flags.sidecar === 'both' },
  };
}
