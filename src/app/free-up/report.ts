/** @module What a free-up run removes (or would), by year and type with bytes, and what it keeps and why: one computation for the CLI, JSON and the dashboard. */
import { formatBytes } from '../../core/format.ts';
import { bytesOf, typeOf } from './audit.ts';
import type { Decision } from './select.ts';

export interface Tally { assets: number; bytes: number }
export interface KeptAsset { readonly asset: string; readonly filename: string; readonly takenAt: string; readonly reasons: readonly string[] }

export interface FreeUpSummary {
  readonly candidates: number;
  readonly remove: Tally;
  readonly keep: Tally;
  /** Year (UTC) → type → what goes. */
  readonly byYear: Record<string, Record<string, Tally>>;
  readonly kept: readonly KeptAsset[];
}

const add = (t: Tally, bytes: number) => { t.assets += 1; t.bytes += bytes; };

export function summarize(remove: readonly Decision[], keep: readonly Decision[]): FreeUpSummary {
  const byYear: Record<string, Record<string, Tally>> = {};
  const removeTally: Tally = { assets: 0, bytes: 0 };
  const keepTally: Tally = { assets: 0, bytes: 0 };
  for (const d of remove) {
    const year = String(d.asset.takenAt.getUTCFullYear());
    add(((byYear[year] ??= {})[typeOf(d.asset)] ??= { assets: 0, bytes: 0 }), bytesOf(d.asset));
    add(removeTally, bytesOf(d.asset));
  }
  for (const d of keep) add(keepTally, bytesOf(d.asset));
  const kept = keep.map((d) => ({ asset: d.asset.id, filename: d.asset.filename, takenAt: d.asset.takenAt.toISOString(), reasons: d.reasons }));
  return { candidates: remove.length + keep.length, remove: removeTally, keep: keepTally, byYear, kept };
}

/** Adds what one batch decided to a running summary (an executed run decides batch by batch). */
export function merge(a: FreeUpSummary, b: FreeUpSummary): FreeUpSummary {
  const byYear: Record<string, Record<string, Tally>> = structuredClone(a.byYear);
  for (const [year, types] of Object.entries(b.byYear)) {
    for (const [type, t] of Object.entries(types)) {
      const into = ((byYear[year] ??= {})[type] ??= { assets: 0, bytes: 0 });
      into.assets += t.assets; into.bytes += t.bytes;
    }
  }
  const sum = (x: Tally, y: Tally) => ({ assets: x.assets + y.assets, bytes: x.bytes + y.bytes });
  return { candidates: a.candidates + b.candidates, remove: sum(a.remove, b.remove), keep: sum(a.keep, b.keep), byYear, kept: [...a.kept, ...b.kept] };
}

export const emptySummary = (): FreeUpSummary => ({ candidates: 0, remove: { assets: 0, bytes: 0 }, keep: { assets: 0, bytes: 0 }, byYear: {}, kept: [] });

export function summaryText(s: FreeUpSummary, executed: boolean): string {
  const verb = executed ? 'Moved to Recently Deleted' : 'Would move to Recently Deleted';
  const lines = [`${verb}: ${s.remove.assets} assets, ${formatBytes(s.remove.bytes)} freed in iCloud (of ${s.candidates} candidates).`];
  const years = Object.keys(s.byYear).sort();
  if (years.length > 0) {
    lines.push('By year and type:');
    for (const y of years) {
      for (const [type, t] of Object.entries(s.byYear[y]!).sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`  ${y} ${type.padEnd(11)} ${String(t.assets).padStart(6)} assets ${formatBytes(t.bytes).padStart(10)}`);
      }
    }
  }
  if (s.kept.length > 0) {
    lines.push(`Kept ${s.kept.length} assets (${formatBytes(s.keep.bytes)}) whose copies did not all verify:`);
    for (const k of s.kept) lines.push(`  ${k.filename} (${k.asset}, ${k.takenAt.slice(0, 10)}): ${k.reasons.join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}
