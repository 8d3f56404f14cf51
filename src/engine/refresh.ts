/** @module Pulls a source's changes into the catalog, page by page, each page committed with its cursor. */
import type { Catalog } from '../catalog/catalog.ts';
import type { Source } from '../sources/source.ts';
import type { EventSink } from './events.ts';

export interface RefreshResult {
  readonly upserts: number;
  readonly deletions: number;
  readonly pages: number;
}

export async function refresh(source: Source, catalog: Catalog, events: EventSink, signal: AbortSignal): Promise<RefreshResult> {
  await catalog.ensureSource(source.id, source.kind);
  const cursor = source.capabilities.changeFeed ? await catalog.cursor(source.id) : null;
  let upserts = 0;
  let deletions = 0;
  let pages = 0;
  for await (const page of source.changes(cursor, signal)) {
    signal.throwIfAborted();
    await catalog.applyChanges(source.id, page);
    upserts += page.upserts.length;
    deletions += page.deletions.length;
    pages += 1;
    events({ type: 'listing', assets: upserts });
  }
  return { upserts, deletions, pages };
}
