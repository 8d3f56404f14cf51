/** @module Full listing of one index: counts, then pages of 100 photos fetched in parallel (paced) and yielded in rank order, with a progress check. */
import { IcloudError } from '../errors.ts';
import { NameSet } from '../../../core/name-set.ts';
import type { Pacer } from '../pacer.ts';
import { pairRecords } from '../to-asset.ts';
import { viewQuery, type PhotosApi, type ViewSpec, type Zone } from './photos-api.ts';
import type { CkRecord, InvalidRecord, QueryResponse } from './records.ts';

export const PAGE_PHOTOS = 100;

export interface ListedPage {
  readonly pairs: { master: CkRecord; asset: CkRecord }[];
  /** Assets whose master was not on the page (Apple does not promise both are); the caller looks them up. */
  readonly orphans: CkRecord[];
  /** Records that were not records (malformed), set aside with why. */
  readonly invalid: readonly InvalidRecord[];
  readonly syncToken?: string;
}

export interface ListViewOptions {
  /** Apple's count for the view, once known (per-library totals). */
  readonly onCount?: (count: number) => void;
  /**
   * Assets listed before, by record name: pages leave them out and add the fresh ones. One set for a whole listing
   * (every view and zone): each set holds ~16 bytes a name, 16–24 MB at 1M assets, and there used to be two.
   */
  readonly seen?: NameSet;
}

/** Photos listed beyond Apple's count before the listing is called broken: the count may lag, not by this much. */
const slack = (count: number) => Math.max(1000, Math.ceil(count / 10));

const loop = (zone: Zone, why: string, requests: number) => new IcloudError('permanent', 'protocol-loop',
  `Listing the iCloud library ${zone.zoneID.zoneName} stopped: ${why} after ${requests} page requests. Apple's answers are inconsistent; try again later, and report it if it persists.`);

/**
 * Pages of a view. Ranks are planned from the count and fetched with up to the pacer's current
 * concurrency in flight; after the plan, pages continue one by one until a short page, since the
 * count and the listing may disagree (icloud-photos-sync saw this). A page that brings no asset not seen
 * before, or a listing far past the count, ends with an error instead of asking forever. Assets already listed
 * (see `seen`) are left out of the pages.
 */
export async function* listView(api: PhotosApi, pacer: Pacer, zone: Zone, view: ViewSpec, signal: AbortSignal, options: ListViewOptions = {}): AsyncGenerator<ListedPage> {
  const count = await api.count(zone, viewQuery(view).countId, signal);
  options.onCount?.(count);
  const seen = options.seen ?? new NameSet();
  /** Distinct assets this view brought (the shared set also holds other views'). */
  let distinct = 0;
  let requests = 0;
  /** The page without the assets listed before; the fresh ones are remembered. */
  const fresh = (listed: ListedPage): ListedPage => {
    requests++;
    const pairs = listed.pairs.filter((p) => seen.add(p.asset.recordName));
    const orphans = listed.orphans.filter((a) => seen.add(a.recordName));
    distinct += pairs.length + orphans.length;
    return { ...listed, pairs, orphans };
  };
  /** Throws when a full page was all repeats or the count is overrun. */
  const progress = (listed: ListedPage, kept: ListedPage): void => {
    if (kept.pairs.length + kept.orphans.length === 0 && isFull(listed)) throw loop(zone, `a full page repeated assets already listed (${distinct} distinct so far)`, requests);
    if (distinct > count + slack(count)) throw loop(zone, `${distinct} assets listed although Apple counts ${count}`, requests);
  };
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
    lastFull = isFull(listed);
    end = starts[k]! + PAGE_PHOTOS;
    yield fresh(listed);
  }
  for (let start = end; lastFull; start += PAGE_PHOTOS) {
    const listed = toListed(await api.page(zone, view, start, PAGE_PHOTOS, signal));
    lastFull = isFull(listed);
    const kept = fresh(listed);
    progress(listed, kept);
    if (kept.pairs.length + kept.orphans.length + kept.invalid.length > 0) yield kept;
  }
}

const isFull = (listed: ListedPage) => listed.pairs.length + listed.orphans.length >= PAGE_PHOTOS;

const KNOWN = new Set(['CPLMaster', 'CPLAsset', 'CPLContainerRelation']);

function toListed(page: QueryResponse): ListedPage {
  const { pairs, orphanAssets } = pairRecords(page.records);
  const unknown = page.records.filter((r) => !KNOWN.has(r.recordType ?? '') && r.deleted !== true)
    .map((r) => ({ record: r.recordName, reason: `unknown record type (${r.recordType ?? 'none'})` }));
  return { pairs, orphans: orphanAssets, invalid: [...page.invalid, ...unknown], ...(page.syncToken === undefined ? {} : { syncToken: page.syncToken }) };
}
