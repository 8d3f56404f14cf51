/** @module Library numbers from the catalog (by year, type, album) for the dashboard, refreshing a source, and the /metrics figures. */
import { mediaTypesOf } from '../engine/filters.ts';
import { refresh } from '../engine/refresh.ts';
import { ignoreEvents } from '../engine/events.ts';
import type { Album } from '../sources/source.ts';
import type { AppContext } from './context.ts';
import { noInteraction, openSource } from './connect.ts';
import { resolveTarget } from './targets.ts';
import { withFreshRemotes } from './live-config.ts';
import { targetOf } from './tasks.ts';
import type { CatalogTotals } from '../catalog/repositories/stats.ts';
import { libraryCopies, type LibraryCopies } from './library-copies.ts';
import { listRemotes, remotesDepsOf } from './remotes.ts';
import { openTarget } from './connect.ts';
import { isLibraryDestination } from '../destinations/library-destination.ts';

export interface Bucket { assets: number; bytes: number }
export interface LibraryStats {
  readonly source: string;
  readonly sourceId: string;
  readonly assets: number;
  readonly bytes: number;
  readonly byYear: Record<string, Bucket>;
  readonly byType: Record<string, Bucket>;
  readonly byAlbum: Record<string, Bucket>;
  readonly albums: readonly Album[];
  readonly refreshedAt: Date | null;
  /** Each named photo service (Immich, Google Photos) with what it holds of this source. */
  readonly services: readonly (LibraryCopies & { readonly name: string })[];
}

const add = (map: Record<string, Bucket>, key: string, bytes: number) => {
  const b = (map[key] ??= { assets: 0, bytes: 0 });
  b.assets += 1;
  b.bytes += bytes;
};

async function sourceIdOf(ctx: AppContext, source: string): Promise<string> {
  const fresh = withFreshRemotes(ctx);
  const t = await resolveTarget(targetOf(source), 'source', fresh.sources, fresh.config.remotes, (r) => fresh.remoteSecrets(r), 'folder');
  return t.id;
}

export async function libraryStats(ctx: AppContext, source: string): Promise<LibraryStats> {
  const sourceId = await sourceIdOf(ctx, source);
  const byYear: Record<string, Bucket> = {};
  const byType: Record<string, Bucket> = {};
  const byAlbum: Record<string, Bucket> = {};
  let bytes = 0;
  let count = 0;
  for await (const page of ctx.catalog.assetPages(sourceId)) for (const asset of page) {
    count += 1;
    const size = asset.resources.reduce((sum, r) => sum + r.size, 0);
    bytes += size;
    add(byYear, String(asset.takenAt.getUTCFullYear()), size);
    for (const t of mediaTypesOf(asset)) add(byType, t, size);
    if (asset.albums.length === 0) add(byAlbum, '(no album)', size);
    for (const a of asset.albums) add(byAlbum, a.path.join('/'), size);
  }
  return {
    source, sourceId, assets: count, bytes, byYear, byType, byAlbum, albums: await ctx.catalog.albums(sourceId),
    refreshedAt: await ctx.catalog.stats.refreshedAt(sourceId),
    services: await servicesOf(ctx, sourceId),
  };
}

/** Named destinations that are photo services; opening one only builds its client (nothing is sent). */
async function servicesOf(ctx: AppContext, sourceId: string): Promise<LibraryStats['services']> {
  const fresh = withFreshRemotes(ctx);
  const kinds = new Set(ctx.destinations.map((d) => d.kind));
  const out: (LibraryCopies & { name: string })[] = [];
  for (const remote of (await listRemotes(remotesDepsOf(fresh))).filter((r) => kinds.has(r.type))) {
    const opened = await openTarget(fresh, `${remote.name}:`).catch((err: unknown) => {
      ctx.log.warn({ remote: remote.name, err: err instanceof Error ? err.message : String(err) }, 'library page: destination does not open');
    });
    if (opened === undefined) continue;
    try {
      if (isLibraryDestination(opened)) out.push({ name: remote.name, ...await libraryCopies(ctx.catalog, opened, sourceId) });
    } finally {
      await opened.close();
    }
  }
  return out;
}

/** Lists the source into the catalog (no prompt: an account that needs a code fails with auth-required). */
export async function refreshLibrary(ctx: AppContext, source: string, signal: AbortSignal) {
  const opened = await openSource(withFreshRemotes(ctx), targetOf(source), noInteraction);
  try {
    await opened.connect(signal);
    const result = await refresh(opened, ctx.catalog, ignoreEvents, signal);
    return { source, sourceId: opened.id, ...result };
  } finally {
    await opened.close();
  }
}

export type ServerMetrics = CatalogTotals;

/** Totals since the catalog began, so they survive restarts (Prometheus counters may only go up; these do). */
export const serverMetrics = (ctx: AppContext): Promise<ServerMetrics> => ctx.catalog.stats.totals();
