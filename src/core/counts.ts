/**
 * @module The one definition of what photoferry counts — assets, original files, derived files and their bytes —
 * shared by copy, plan, verify, runs and the dashboard, so one backup shows one set of numbers everywhere.
 */
import { RESOURCE_ROLES } from './asset.ts';
import { formatBytes } from './format.ts';

export interface FileTally {
  readonly files: number;
  /** null: not known before the files are made (a plan's sidecars and manifests). */
  readonly bytes: number | null;
}

export interface Counts {
  /** Library items: a Live Photo, a RAW+JPEG pair or an edited photo is one asset. */
  readonly assets: number;
  /** Files from the library itself: originals, RAW alternatives, edits, Live Photo videos, source sidecars (.AAE). */
  readonly originals: FileTally;
  /** Files photoferry made beside them: metadata sidecars, conversions, album entries, library and album manifests. */
  readonly derived: FileTally;
}

export const COUNT_LABELS = {
  assets: 'assets',
  originals: 'original files (originals, RAW, edits, Live Photo videos)',
  derived: 'derived files (sidecars, conversions, album entries, manifests)',
} as const;

export const EMPTY_COUNTS: Counts = { assets: 0, originals: { files: 0, bytes: 0 }, derived: { files: 0, bytes: 0 } };

/** A placement or outcome role that is a library file rather than something photoferry derived. */
export const isOriginalRole = (role: string): boolean => (RESOURCE_ROLES as readonly string[]).includes(role);

/** Accumulates files into Counts; the only place the tallies are summed. */
export class CountsBuilder {
  private readonly assetIds = new Set<string>();
  private originals = { files: 0, bytes: 0 };
  private derived = { files: 0, bytes: 0 as number | null };
  private disjointAssets = 0;

  /** A placement (or planned file) by its role: a resource role is an original file, any other role derived. */
  add(assetKey: string | null, role: string, bytes: number | null): this {
    return this.addFile(isOriginalRole(role) ? 'original' : 'derived', assetKey, bytes);
  }

  /** One file: `assetKey` null for files of no single asset (manifests); `bytes` null when not known yet. */
  addFile(kind: 'original' | 'derived', assetKey: string | null, bytes: number | null): this {
    if (kind === 'original') {
      if (assetKey !== null) this.assetIds.add(assetKey);
      this.originals = { files: this.originals.files + 1, bytes: this.originals.bytes + (bytes ?? 0) };
    } else {
      this.derived = { files: this.derived.files + 1, bytes: bytes === null || this.derived.bytes === null ? null : this.derived.bytes + bytes };
    }
    return this;
  }

  /**
   * Counts tallied elsewhere over assets none of which this builder has seen (one page of a plan): the assets add up
   * without their ids being kept, so a 1M-asset plan is counted without a set of 1M ids.
   */
  addDisjoint(c: Counts): this {
    this.disjointAssets += c.assets;
    this.originals = { files: this.originals.files + c.originals.files, bytes: this.originals.bytes + (c.originals.bytes ?? 0) };
    this.derived = { files: this.derived.files + c.derived.files, bytes: c.derived.bytes === null || this.derived.bytes === null ? null : this.derived.bytes + c.derived.bytes };
    return this;
  }

  /** `n` assets none of which this builder has seen, their files added on their own (without an asset key). */
  addAssets(n: number): this {
    this.disjointAssets += n;
    return this;
  }

  /** A derived file of no asset's (photoferry-manifest.jsonl, albums/…json). */
  addManifest(bytes: number | null): this { return this.addFile('derived', null, bytes); }

  build(): Counts {
    return { assets: this.assetIds.size + this.disjointAssets, originals: { ...this.originals }, derived: { ...this.derived } };
  }
}

const fmt = (bytes: number | null) => (bytes === null ? 'size known once written' : formatBytes(bytes));
const tally = (t: FileTally) => `${t.files} (${fmt(t.bytes)})`;

/** "58 assets · 77 original files (12.7 MB) · 67 derived files (sidecars, …) (113 KB)": labelled, never summed together. */
export function describeCounts(c: Counts): string {
  return `${c.assets} ${COUNT_LABELS.assets} · ${c.originals.files} original files (${fmt(c.originals.bytes)}) · ` +
    `${c.derived.files} derived files: sidecars, conversions, album entries, manifests (${fmt(c.derived.bytes)})`;
}

/** Multi-line form for reports: one labelled row per count. */
export function countRows(c: Counts): string[] {
  return [
    `  ${COUNT_LABELS.assets.padEnd(68)} ${c.assets}`,
    `  ${COUNT_LABELS.originals.padEnd(68)} ${tally(c.originals)}`,
    `  ${COUNT_LABELS.derived.padEnd(68)} ${tally(c.derived)}`,
  ];
}
