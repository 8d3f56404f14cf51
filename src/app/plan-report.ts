/** @module What a plan would do, counted per year, media type and album (the `plan` command and the dashboard). */
import type { Plan } from '../engine/plan.ts';
import { mediaTypesOf } from '../engine/filters.ts';
import { formatBytes } from '../core/format.ts';
import { CountsBuilder, countRows, type Counts } from '../core/counts.ts';
import { localTimeOf } from '../engine/derived/metadata.ts';
import type { FidelityOptions } from '../engine/derived/types.ts';

export interface Bucket { files: number; bytes: number }
export interface PlanReport {
  /** What the run would write, labelled: the same definition copy, verify and runs report. */
  readonly counts: Counts;
  readonly present: number;
  readonly filtered: number;
  readonly removes: number;
  readonly byYear: Record<string, Bucket>;
  readonly byType: Record<string, Bucket>;
  /** True when a file counts under several types (a Live Photo is also a photo), so the rows sum past the total. */
  readonly typesOverlap: boolean;
  readonly byAlbum: Record<string, Bucket>;
  readonly text: string;
}

const add = (map: Record<string, Bucket>, key: string, bytes: number) => {
  const b = (map[key] ??= { files: 0, bytes: 0 });
  b.files += 1;
  b.bytes += bytes;
};


/**
 * The library files a run rewrites at its end (photoferry-manifest.jsonl, albums/index.json, one manifest per
 * album of the source): all of them when the run writes anything, none when nothing changes.
 */
export function plannedLibraryFiles(plan: Plan, fidelity: FidelityOptions, destination: { writesFiles: boolean; serverSideCopy: boolean },
  sourceAlbumIds: readonly string[]): number {
  if (!destination.writesFiles || plan.copies.length + plan.derived.length + plan.removes.length === 0) return 0;
  const albumManifests = fidelity.albums === 'manifest' || (fidelity.albums === 'links' && !destination.serverSideCopy);
  const albums = new Set(sourceAlbumIds);
  for (const c of plan.copies) for (const a of c.asset.albums) albums.add(a.id);
  return (fidelity.manifest ? 1 : 0) + (fidelity.albums === 'none' ? 0 : 1) + (albumManifests ? albums.size : 0);
}

export function summarizePlan(plan: Plan, libraryFiles = 0): PlanReport {
  const byYear: Record<string, Bucket> = {};
  const byType: Record<string, Bucket> = {};
  const byAlbum: Record<string, Bucket> = {};
  const counts = new CountsBuilder();
  for (const c of plan.copies) {
    counts.add(c.asset.id, c.resource.role, c.resource.size);
    // The camera's local year, as verify's per-year table and the destination folders count it.
    add(byYear, localTimeOf(c.asset).slice(0, 4), c.resource.size);
    for (const t of mediaTypesOf(c.asset)) add(byType, t, c.resource.size);
    if (c.asset.albums.length === 0) add(byAlbum, '(no album)', c.resource.size);
    for (const a of c.asset.albums) add(byAlbum, a.path.join('/'), c.resource.size);
  }
  for (let i = 0; i < plan.derived.length; i++) counts.addFile('derived', null, null);
  for (let i = 0; i < libraryFiles; i++) counts.addManifest(null);
  const typeRows = Object.values(byType).reduce((sum, b) => sum + b.files, 0);
  const typesOverlap = typeRows > plan.copies.length;
  const table = (title: string, map: Record<string, Bucket>) => [
    `${title}:`,
    ...Object.entries(map).sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `  ${k.padEnd(24)} ${String(v.files).padStart(7)} files ${formatBytes(v.bytes).padStart(10)}`),
  ];
  const built = counts.build();
  const typeTitle = typesOverlap
    ? `By type (types overlap: a Live Photo is also a photo, a RAW pair also raw; rows add up to ${typeRows} for ${plan.copies.length} files)`
    : 'By type (types do not overlap here: rows add up to the total)';
  const lines = [
    `Would copy ${built.originals.files} original files of ${built.assets} assets and write ${built.derived.files} derived files:`, ...countRows(built),
    `Already at the destination: ${plan.present} original files; ${plan.filtered} assets filtered out; ${plan.removes.length} removals.`,
    ...(plan.copies.length > 0 ? [...table('By year', byYear), ...table(typeTitle, byType), ...table('By album (an asset in two albums counts in both)', byAlbum)] : []),
  ];
  return {
    counts: built, present: plan.present, filtered: plan.filtered, removes: plan.removes.length,
    byYear, byType, typesOverlap, byAlbum, text: `${lines.join('\n')}\n`,
  };
}
