/**
 * @module The no-change fast path. After a clean run the pair (source, destination) is "settled" at the source's
 * cursor with the run's settings; when the change feed then reports nothing and the settings are the same, there is
 * nothing to plan: the run is recorded from the settled counts without loading 100k assets and placements. When it
 * reports a few changes, only those assets are planned, counted against the settled counts.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { RunSummary } from '../core/outcome.ts';
import type { RefreshResult } from '../engine/refresh.ts';

interface Settled {
  readonly settings: string;
  readonly cursor: string | null;
  readonly present: number;
  readonly filtered: number;
}

const keyOf = (destinationId: string) => `settled:${destinationId}`;

/** Everything that changes what a run would do, besides the library itself. */
export const settingsOf = (request: object): string => JSON.stringify(request);

/** The settled counts when nothing can have changed since the last clean run, else undefined. */
export async function settledRun(
  catalog: Catalog, sourceId: string, destinationId: string, settings: string, refreshed: RefreshResult,
): Promise<{ present: number; filtered: number } | undefined> {
  if (refreshed.upserts > 0 || refreshed.deletions > 0) return undefined;
  return settledBase(catalog, sourceId, destinationId, settings, refreshed);
}

/**
 * The last clean run's counts when this run differs from it only by the assets the refresh changed (same settings,
 * settled at the cursor this refresh started from, no album change): then only those assets need planning.
 */
export async function settledBase(
  catalog: Catalog, sourceId: string, destinationId: string, settings: string, refreshed: RefreshResult,
): Promise<{ present: number; filtered: number } | undefined> {
  if (refreshed.cursorBefore === null || refreshed.structureChanged) return undefined;
  const settled = await catalog.state(sourceId).get<Settled>(keyOf(destinationId));
  if (!settled || settled.settings !== settings || settled.cursor !== refreshed.cursorBefore) return undefined;
  return { present: settled.present, filtered: settled.filtered };
}

/** After a run: settle on a clean one, forget on anything else (so the next run plans in full). */
export async function recordSettled(
  catalog: Catalog, sourceId: string, destinationId: string, settings: string, summary: RunSummary, fatal: boolean,
): Promise<void> {
  const state = catalog.state(sourceId);
  if (fatal || summary.status !== 'ok' || summary.files.failed > 0) {
    await state.delete(keyOf(destinationId));
    return;
  }
  const settled: Settled = {
    settings, cursor: await catalog.cursor(sourceId),
    present: summary.files.present + summary.files.copied, filtered: summary.files.filtered,
  };
  await state.set(keyOf(destinationId), settled);
}
