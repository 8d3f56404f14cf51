/**
 * @module The no-change fast path. After a clean run the pair (source, destination) is "settled" at the source's
 * cursor with the run's settings; when the change feed then reports nothing and the settings are the same, there is
 * nothing to plan: the run is recorded from the settled counts without loading 100k assets and placements. When it
 * reports a few changes, only those assets are planned, counted against the settled counts.
 *
 * A pair remembers a few settings (say a daily copy and a weekly `--favorites` one), so alternating between them does
 * not make every run a full plan. A run with other settings may copy or remove files, which would make another
 * settings' counts wrong: each entry holds the destination's placement stamp and only counts while it is unchanged.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { RunSummary } from '../core/outcome.ts';
import type { RefreshResult } from '../engine/refresh.ts';

interface Settled {
  readonly settings: string;
  readonly cursor: string | null;
  /** The destination's placement stamp when the run ended. */
  readonly placements: string;
  readonly present: number;
  readonly filtered: number;
}

/** Settings remembered per pair, most recent first; older ones are planned in full again. */
const SETTINGS_HELD = 8;

const keyOf = (destinationId: string) => `settled-runs:${destinationId}`;
/** Where one settled run per pair was kept before several were (cleared on the next record). */
const legacyKeyOf = (destinationId: string) => `settled:${destinationId}`;

/** Everything that changes what a run would do, besides the library itself. */
export const settingsOf = (request: object): string => JSON.stringify(request);

/** The settled counts when nothing can have changed since the last clean run, else undefined. */
export async function settledRun(
  catalog: Catalog, sourceId: string, destinationId: string, settings: string, refreshed: RefreshResult,
): Promise<{ present: number; filtered: number } | undefined> {
  if (refreshed.upserts > 0 || refreshed.deletions > 0) return undefined;
  return settledBase(catalog, sourceId, destinationId, settings, refreshed);
}

async function settledList(catalog: Catalog, sourceId: string, destinationId: string): Promise<Settled[]> {
  const list = await catalog.state(sourceId).get<Settled[]>(keyOf(destinationId));
  return Array.isArray(list) ? list : [];
}

/**
 * The last clean run's counts when this run differs from it only by the assets the refresh changed (same settings,
 * settled at the cursor this refresh started from, no album change, the destination's placements as it left them):
 * then only those assets need planning.
 */
export async function settledBase(
  catalog: Catalog, sourceId: string, destinationId: string, settings: string, refreshed: RefreshResult,
): Promise<{ present: number; filtered: number } | undefined> {
  if (refreshed.cursorBefore === null || refreshed.structureChanged) return undefined;
  const settled = (await settledList(catalog, sourceId, destinationId)).find((s) => s.settings === settings);
  if (!settled || settled.cursor !== refreshed.cursorBefore) return undefined;
  if (settled.placements !== await catalog.placementStamp(destinationId)) return undefined;
  return { present: settled.present, filtered: settled.filtered };
}

/** After a run: settle on a clean one, forget every settings on anything else (so the next run plans in full). */
export async function recordSettled(
  catalog: Catalog, sourceId: string, destinationId: string, settings: string, summary: RunSummary, fatal: boolean,
): Promise<void> {
  const state = catalog.state(sourceId);
  await state.delete(legacyKeyOf(destinationId));
  if (fatal || summary.status !== 'ok' || summary.files.failed > 0) {
    await state.delete(keyOf(destinationId));
    return;
  }
  const placements = await catalog.placementStamp(destinationId);
  const settled: Settled = {
    settings, cursor: await catalog.cursor(sourceId), placements,
    present: summary.files.present + summary.files.copied, filtered: summary.files.filtered,
  };
  // Entries settled on other placements could never match again.
  const others = (await settledList(catalog, sourceId, destinationId)).filter((s) => s.settings !== settings && s.placements === placements);
  await state.set(keyOf(destinationId), [settled, ...others].slice(0, SETTINGS_HELD));
}
