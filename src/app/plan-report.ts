/** @module What a plan would do, counted per year, media type and album (the `plan` command and the dashboard). */
import type { Plan } from '../engine/plan.ts';
import { mediaTypesOf } from '../engine/filters.ts';
import { formatBytes } from '../core/format.ts';
import type { LibraryCount } from '../sources/source.ts';

export interface Bucket { files: number; bytes: number }
export interface PlanReport {
  readonly files: number;
  readonly bytes: number;
  readonly assets: number;
  readonly present: number;
  readonly filtered: number;
  readonly removes: number;
  readonly byYear: Record<string, Bucket>;
  readonly byType: Record<string, Bucket>;
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


export function summarizePlan(plan: Plan, libraries?: readonly LibraryCount[]): PlanReport {
  const byYear: Record<string, Bucket> = {};
  const byType: Record<string, Bucket> = {};
  const byAlbum: Record<string, Bucket> = {};
  for (const c of plan.copies) {
    add(byYear, String(c.asset.takenAt.getUTCFullYear()), c.resource.size);
    for (const t of mediaTypesOf(c.asset)) add(byType, t, c.resource.size);
    if (c.asset.albums.length === 0) add(byAlbum, '(no album)', c.resource.size);
    for (const a of c.asset.albums) add(byAlbum, a.path.join('/'), c.resource.size);
  }
  const table = (title: string, map: Record<string, Bucket>) => [
    `${title}:`,
    ...Object.entries(map).sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `  ${k.padEnd(24)} ${String(v.files).padStart(7)} files ${formatBytes(v.bytes).padStart(10)}`),
  ];
  const lines = [
    `Would copy ${plan.totals.files} files (${formatBytes(plan.totals.bytes)}) of ${plan.totals.assets} assets; ` +
      `${plan.present} files already present, ${plan.filtered} assets filtered out, ${plan.removes.length} removals.`,
    ...(plan.totals.files > 0 ? [...table('By year', byYear), ...table('By type', byType), ...table('By album', byAlbum)] : []),
  ];
  const libs = libraries === undefined || libraries.length === 0 ? undefined : withTotal(libraries);
  if (libs !== undefined) {
    lines.push('By library (the service\'s count / listed):');
    for (const l of libs) lines.push(`  ${l.library.padEnd(24)} ${String(l.counted).padStart(7)} in the library ${String(l.listed).padStart(7)} listed`);
  }
  return {
    files: plan.totals.files, bytes: plan.totals.bytes, assets: plan.totals.assets, present: plan.present,
    filtered: plan.filtered, removes: plan.removes.length, byYear, byType, byAlbum, ...(libs === undefined ? {} : { libraries: libs }), text: `${lines.join('\n')}\n`,
  };
}
