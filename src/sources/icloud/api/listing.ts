/** @module Full listing of one index: counts, then pages of 100 photos fetched in parallel (paced) and yielded in rank order. */
import type { Pacer } from '../pacer.ts';
import { pairRecords } from '../to-asset.ts';
import { viewQuery, type PhotosApi, type ViewSpec, type Zone } from './photos-api.ts';
import type { CkRecord, QueryResponse } from './records.ts';

export const PAGE_PHOTOS = 100;

export interface ListedPage {
  readonly pairs: { master: CkRecord; asset: CkRecord }[];
  /** Assets whose master was not on the page (Apple does not promise both are); the caller looks them up. */
  readonly orphans: CkRecord[];
  readonly syncToken?: string;
}

/**
 * Pages of a view. Ranks are planned from the count and fetched with up to the pacer's current
 * concurrency in flight; after the plan, pages continue one by one until a short page, since the
 * count and the listing may disagree (icloud-photos-sync saw this).
 */
export async function* listView(api: PhotosApi, pacer: Pacer, zone: Zone, view: ViewSpec, signal: AbortSignal): AsyncGenerator<ListedPage> {
  const count = await api.count(zone, viewQuery(view).countId, signal);
  const starts: number[] = [];
  for (let s = 0; s < count; s += PAGE_PHOTOS) starts.push(s);
  const inflight = new Map<number, Promise<QueryResponse>>();
  let next = 0;
  let lastFull = starts.length === 0;
  let end = 0;
  for (let k = 0; k < starts.length; k++) {
    while (next < starts.length && inflight.size < Math.max(1, pacer.pace().concurrency)) {
      const p = api.page(zone, view, starts[next]!, PAGE_PHOTOS, signal);
      p.catch(() => undefined); // awaited in order below; this keeps an early failure from being "unhandled"
      inflight.set(next++, p);
    }
    const page = await inflight.get(k)!;
    inflight.delete(k);
    const listed = toListed(page);
    lastFull = listed.pairs.length + listed.orphans.length >= PAGE_PHOTOS;
    end = starts[k]! + PAGE_PHOTOS;
    yield listed;
  }
  for (let start = end; lastFull; start += PAGE_PHOTOS) {
    const listed = toListed(await api.page(zone, view, start, PAGE_PHOTOS, signal));
    lastFull = listed.pairs.length + listed.orphans.length >= PAGE_PHOTOS;
    if (listed.pairs.length + listed.orphans.length > 0) yield listed;
  }
}

function toListed(page: QueryResponse): ListedPage {
  const { pairs, orphanAssets } = pairRecords(page.records);
  return { pairs, orphans: orphanAssets, ...(page.syncToken === undefined ? {} : { syncToken: page.syncToken }) };
}
