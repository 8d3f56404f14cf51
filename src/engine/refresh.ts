/** @module Pulls a source's changes into the catalog, page by page, each page committed with its cursor. */
import type { Catalog } from '../catalog/catalog.ts';
import type { Source } from '../sources/source.ts';
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
}

export async function refresh(source: Source, catalog: Catalog, events: EventSink, signal: AbortSignal): Promise<RefreshResult> {
  await catalog.ensureSource(source.id, source.kind);
  const cursor = source.capabilities.changeFeed ? await catalog.cursor(source.id) : null;
  let upserts = 0;
  let deletions = 0;
  let pages = 0;
  let structureChanged = false;
  let listing = startStage();
  for await (const page of source.changes(cursor, signal)) {
    endStage('list', listing);
    signal.throwIfAborted();
    await timeStage('catalog-apply', () => catalog.applyChanges(source.id, page));
    upserts += page.upserts.length;
    deletions += page.deletions.length;
    pages += 1;
    structureChanged ||= page.albums !== undefined || page.reset;
    events({ type: 'listing', assets: upserts });
    listing = startStage();
  }
  return { cursorBefore: cursor, upserts, deletions, pages, structureChanged };
}
