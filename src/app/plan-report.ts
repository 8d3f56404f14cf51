/** @module What a plan would do, counted per year, media type and album (the `plan` command and the dashboard). */
import type { Plan } from '../engine/plan.ts';
import { mediaTypesOf } from '../engine/filters.ts';
import { formatBytes } from '../core/format.ts';
import type { LibraryCount } from '../sources/source.ts';
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
  /** Per library (personal, shared) and their sum: the service's count next to what was listed. */
  readonly libraries?: readonly LibraryCount[];
  readonly text: string;
}

/** The one place the per-library sum is made, for the text and the JSON alike. */
export function withTotal(libraries: readonly LibraryCount[]): LibraryCount[] {
  const total = libraries.reduce((t, l) => ({ library: 'total', counted: t.counted + l.counted, listed: t.listed + l.listed }), { library: 'total', counted: 0, listed: 0 });
  return [...libraries, total];
}

const add = (map: Record<string, Bucket>, key: string, bytes: number) => {
  const b = (map[key] ??= { files: 0, bytes: 0 });
  b.files += 1;
  b.bytes += bytes;
};


/** Where the library files rewritten at a run's end go, and which of them it writes. */
export interface LibraryFileTargets {
  readonly fidelity: FidelityOptions;
  readonly destination: { readonly writesFiles: boolean; readonly serverSideCopy: boolean };
  readonly sourceAlbumIds: readonly string[];
}

/**
 * The library files a run rewrites at its end (photoferry-manifest.jsonl, albums/index.json, one manifest per
 * album of the source): all of them when the run writes anything, none when nothing changes.
 */
export function plannedLibraryFiles(plan: Plan, fidelity: FidelityOptions, destination: { writesFiles: boolean; serverSideCopy: boolean },
  sourceAlbumIds: readonly string[]): number {
  const tally = new PlanTally();
  tally.add(plan);
  return tally.libraryFiles({ fidelity, destination, sourceAlbumIds });
}

export function summarizePlan(plan: Plan, libraryFiles = 0, libraries?: readonly LibraryCount[]): PlanReport {
  const tally = new PlanTally();
  tally.add(plan);
  return tally.report(libraryFiles, libraries);
}

/**
 * A plan's report built step by step, so a streamed plan is counted as it is made and its actions dropped:
 * the same counts summarizePlan gives for the whole Plan (it is built on this).
 */
export class PlanTally {
  private readonly byYear: Record<string, Bucket> = {};
  private readonly byType: Record<string, Bucket> = {};
  private readonly byAlbum: Record<string, Bucket> = {};
  private readonly counts = new CountsBuilder();
  private readonly albumIds = new Set<string>();
  private copies = 0;
  private derived = 0;
  private removes = 0;
  private present = 0;
  private derivedPresent = 0;
  private filtered = 0;

  /** One step of a plan (its assets on no other step), or a whole plan. */
  add(step: Pick<Plan, 'copies' | 'derived' | 'removes' | 'present' | 'derivedPresent' | 'filtered'>): void {
    const counts = new CountsBuilder();
    for (const c of step.copies) {
      counts.add(c.asset.id, c.resource.role, c.resource.size);
      // The camera's local year, as verify's per-year table and the destination folders count it.
      add(this.byYear, localTimeOf(c.asset).slice(0, 4), c.resource.size);
      for (const t of mediaTypesOf(c.asset)) add(this.byType, t, c.resource.size);
      if (c.asset.albums.length === 0) add(this.byAlbum, '(no album)', c.resource.size);
      for (const a of c.asset.albums) { add(this.byAlbum, a.path.join('/'), c.resource.size); this.albumIds.add(a.id); }
    }
    this.counts.addDisjoint(counts.build());
    this.copies += step.copies.length;
    this.derived += step.derived.length;
    this.removes += step.removes.length;
    this.present += step.present;
    this.derivedPresent += step.derivedPresent;
    this.filtered += step.filtered;
  }

  /** The plan's counts without its actions: what a streamed plan command returns as its Plan. */
  countsOnly(): Plan {
    const copied = this.counts.build();
    return {
      copies: [], derived: [], removes: [], present: this.present, derivedPresent: this.derivedPresent, filtered: this.filtered,
      totals: { assets: copied.assets, files: this.copies, bytes: copied.originals.bytes ?? 0 },
    };
  }

  /** How many library files the run would rewrite (see plannedLibraryFiles). */
  libraryFiles(targets: LibraryFileTargets): number {
    const { fidelity, destination } = targets;
    if (!destination.writesFiles || this.copies + this.derived + this.removes === 0) return 0;
    const albumManifests = fidelity.albums === 'manifest' || (fidelity.albums === 'links' && !destination.serverSideCopy);
    const albums = new Set([...targets.sourceAlbumIds, ...this.albumIds]);
    return (fidelity.manifest ? 1 : 0) + (fidelity.albums === 'none' ? 0 : 1) + (albumManifests ? albums.size : 0);
  }

  report(libraryFiles = 0, libraries?: readonly LibraryCount[]): PlanReport {
    const { byYear, byType, byAlbum } = this;
    // Derived files and manifests are counted with their sizes unknown until written, as CountsBuilder.addFile does.
    const copied = this.counts.build();
    const unsized = this.derived + libraryFiles;
    const built: Counts = { ...copied, derived: {
      files: copied.derived.files + unsized, bytes: unsized > 0 || copied.derived.bytes === null ? null : copied.derived.bytes,
    } };
    const typeRows = Object.values(byType).reduce((sum, b) => sum + b.files, 0);
    const typesOverlap = typeRows > this.copies;
    const table = (title: string, map: Record<string, Bucket>) => [
      `${title}:`,
      ...Object.entries(map).sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `  ${k.padEnd(24)} ${String(v.files).padStart(7)} files ${formatBytes(v.bytes).padStart(10)}`),
    ];
    const typeTitle = typesOverlap
      ? `By type (types overlap: a Live Photo is also a photo, a RAW pair also raw; rows add up to ${typeRows} for ${this.copies} files)`
      : 'By type (types do not overlap here: rows add up to the total)';
    const lines = [
      `Would copy ${built.originals.files} original files of ${built.assets} assets and write ${built.derived.files} derived files:`, ...countRows(built),
      `Already at the destination: ${this.present} original files; ${this.filtered} assets filtered out; ${this.removes} removals.`,
      ...(this.copies > 0 ? [...table('By year', byYear), ...table(typeTitle, byType), ...table('By album (an asset in two albums counts in both)', byAlbum)] : []),
    ];
    const libs = libraries === undefined || libraries.length === 0 ? undefined : withTotal(libraries);
    if (libs !== undefined) {
      lines.push('By library (the service\'s count / listed):');
      for (const l of libs) lines.push(`  ${l.library.padEnd(24)} ${String(l.counted).padStart(7)} in the library ${String(l.listed).padStart(7)} listed`);
    }
    return {
      counts: built, present: this.present, filtered: this.filtered, removes: this.removes,
      byYear, byType, typesOverlap, byAlbum, ...(libs === undefined ? {} : { libraries: libs }), text: `${lines.join('\n')}\n`,
    };
  }
}
