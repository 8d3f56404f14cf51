/**
 * @module The cost planner: the library by year and type, the iCloud tier it needs today and after freeing each
 * cumulative year (oldest first), and the monthly cost of keeping it on each configured destination and common options.
 * The CLI (`plan SOURCE --cost`) and the dashboard show these numbers; both read them from here.
 */
import type { Asset } from '../../core/asset.ts';
import { refresh } from '../../engine/refresh.ts';
import { ignoreEvents } from '../../engine/events.ts';
import type { AppContext } from '../context.ts';
import { noInteraction, openSource } from '../connect.ts';
import type { SourceInteraction } from '../../sources/define.ts';
import { bytesOf, typeOf } from '../free-up/audit.ts';
import { loadPrices, monthlyCost, tierFor, type Prices } from './prices.ts';

export interface Tally { assets: number; bytes: number }
export interface TierCost { readonly tier: string; readonly tierBytes: number; readonly monthly: number }
export interface CostPlan {
  readonly source: string;
  readonly pricesDate: string;
  readonly pricesFile: string;
  readonly currency: string;
  readonly icloudSource: string;
  readonly library: Tally & { readonly byYear: Record<string, Record<string, Tally>> };
  readonly today: TierCost;
  /** Freeing every year up to and including `throughYear`, oldest first. */
  readonly afterFreeing: readonly (TierCost & { readonly throughYear: string; readonly freedBytes: number; readonly remainingBytes: number })[];
  readonly destinations: readonly { readonly name: string; readonly option: string; readonly monthly: number }[];
  readonly options: readonly { readonly id: string; readonly name: string; readonly monthly: number; readonly source: string; readonly note?: string }[];
}

/** Which price line a configured destination is billed like. */
function optionOf(type: string, provider: unknown): string {
  if (type === 's3') return ({ aws: 's3-standard', b2: 'b2', wasabi: 'wasabi', r2: 'r2' } as Record<string, string>)[String(provider ?? 'aws')] ?? 'local-disk';
  return 'local-disk';
}

/** Pure: the plan from assets and prices (what the tests and the dashboard check against). */
export function costPlanOf(source: string, assets: readonly Asset[], prices: Prices & { file: string }, destinations: readonly { name: string; option: string }[]): CostPlan {
  const byYear: Record<string, Record<string, Tally>> = {};
  const yearBytes = new Map<string, number>();
  let bytes = 0;
  for (const a of assets) {
    const year = String(a.takenAt.getUTCFullYear());
    const t = ((byYear[year] ??= {})[typeOf(a)] ??= { assets: 0, bytes: 0 });
    t.assets += 1; t.bytes += bytesOf(a);
    yearBytes.set(year, (yearBytes.get(year) ?? 0) + bytesOf(a));
    bytes += bytesOf(a);
  }
  const tierCost = (b: number): TierCost => { const t = tierFor(prices, b); return { tier: t.name, tierBytes: t.bytes, monthly: t.monthly }; };
  let freed = 0;
  const afterFreeing = [...yearBytes.keys()].sort().map((year) => {
    freed += yearBytes.get(year)!;
    return { throughYear: year, freedBytes: freed, remainingBytes: bytes - freed, ...tierCost(bytes - freed) };
  });
  const price = (id: string) => prices.storage.find((p) => p.id === id);
  return {
    source, pricesDate: prices.date, pricesFile: prices.file, currency: prices.currency, icloudSource: prices.icloud.source,
    library: { assets: assets.length, bytes, byYear }, today: tierCost(bytes), afterFreeing,
    destinations: destinations.flatMap((d) => { const p = price(d.option); return p === undefined ? [] : [{ name: d.name, option: p.name, monthly: monthlyCost(p, bytes) }]; }),
    options: prices.storage.map((p) => ({ id: p.id, name: p.name, monthly: monthlyCost(p, bytes), source: p.source, ...(p.note === undefined ? {} : { note: p.note }) })),
  };
}

const DESTINATION_TYPES = new Set(['local', 's3', 'sftp', 'webdav', 'rclone']);

/** Refreshes the library from the source, then plans against the configured price file. */
export async function planCost(ctx: AppContext, source: string, signal: AbortSignal, interaction: SourceInteraction = noInteraction): Promise<CostPlan> {
  const prices = loadPrices(...(ctx.config.prices === undefined ? [] : [ctx.config.prices]));
  const opened = await openSource(ctx, source, interaction);
  try {
    await opened.connect(signal);
    await refresh(opened, ctx.catalog, ignoreEvents, signal);
  } finally {
    await opened.close();
  }
  const configured = Object.entries(ctx.config.remotes).filter(([, r]) => DESTINATION_TYPES.has(r.type)).map(([name, r]) => ({ name, option: optionOf(r.type, r['provider']) }));
  return costPlanOf(source, await ctx.catalog.assets(opened.id), prices, configured);
}
