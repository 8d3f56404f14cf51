/** @module Pulls a source's changes into the catalog, page by page, each page committed with its cursor. */
import type { Asset, AssetId } from '../core/asset.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { LibraryCount, SkippedRecord, Source } from '../sources/source.ts';
import type { EventSink } from './events.ts';
import { endStage, startStage, timeStage } from '../core/stages.ts';

export interface RefreshResult {
  /** The catalog's cursor for the source before this refresh (null for sources without a change feed). */
  readonly cursorBefore: string | null;
  readonly upserts: number;
  readonly deletions: number;
  readonly pages: number;
  /** A page replaced the album list, or started a full listing. */
  readonly structureChanged: boolean;
  /** Records left out of the listing, with why. */
  readonly skipped?: readonly SkippedRecord[];
  /** Per-library counts, when the source reports them. */
  readonly libraries?: readonly LibraryCount[];
  /** An incremental refresh's changed assets (not after a full listing, nor past CHANGES_HELD). */
  readonly changes?: RefreshChanges;
}

/** What a change feed changed: the ids upserted or deleted, and those assets as the catalog had them before. */
export interface RefreshChanges {
  readonly ids: readonly AssetId[];
  readonly before: readonly Asset[];
}

/** Changed assets an incremental refresh remembers; past this a run plans the whole library instead. */
const CHANGES_HELD = 10_000;

/** "3 skipped: 2 × no original resource, 1 × no master record (e.g. ABC)": one line for the user. */
export function describeSkipped(skipped: readonly SkippedRecord[]): string {
  const byReason = new Map<string, SkippedRecord[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s]);
  const parts = [...byReason].map(([reason, list]) => `${list.length} × ${reason} (e.g. ${list.slice(0, 3).map((x) => x.record).join(', ')})`);
  return `${skipped.length} record(s) skipped: ${parts.join('; ')}`;
}

export async function refresh(source: Source, catalog: Catalog, events: EventSink, signal: AbortSignal): Promise<RefreshResult> {
  await catalog.ensureSource(source.id, source.kind);
  const cursor = source.capabilities.changeFeed ? await catalog.cursor(source.id) : null;
  let upserts = 0;
  let deletions = 0;
  let pages = 0;
  let structureChanged = false;
  const skipped: SkippedRecord[] = [];
  let libraries: readonly LibraryCount[] | undefined;
  let changes: { ids: Set<AssetId>; before: Asset[] } | undefined = cursor === null ? undefined : { ids: new Set(), before: [] };
  let listing = startStage();
  for await (const page of source.changes(cursor, signal)) {
    endStage('list', listing);
    signal.throwIfAborted();
    if (page.reset) changes = undefined;
    if (changes !== undefined) {
      const fresh = [...new Set([...page.upserts.map((a) => a.id), ...page.deletions])].filter((id) => !changes!.ids.has(id));
      if (changes.ids.size + fresh.length > CHANGES_HELD) changes = undefined;
      else {
        // Read before the page is applied: the version the last run saw.
        changes.before.push(...await catalog.assetsById(source.id, fresh));
        for (const id of fresh) changes.ids.add(id);
      }
    }
    await timeStage('catalog-apply', () => catalog.applyChanges(source.id, page));
    upserts += page.upserts.length;
    deletions += page.deletions.length;
    pages += 1;
    structureChanged ||= page.albums !== undefined || page.reset;
    events({ type: 'listing', assets: upserts });
    skipped.push(...page.skipped ?? []);
    for (const message of page.notices ?? []) events({ type: 'notice', message });
    libraries = page.libraries ?? libraries;
    listing = startStage();
  }
  if (skipped.length > 0) events({ type: 'notice', message: describeSkipped(skipped) });
  return {
    cursorBefore: cursor, upserts, deletions, pages, structureChanged, skipped, ...(libraries === undefined ? {} : { libraries }),
    ...(changes === undefined ? {} : { changes: { ids: [...changes.ids], before: changes.before } }),
  };
}
