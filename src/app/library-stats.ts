/** @module Library numbers from the catalog (by year, type, album) for the dashboard, refreshing a source, and the /metrics figures. */
import { sql } from 'kysely';
import { mediaTypesOf } from '../engine/filters.ts';
import { refresh } from '../engine/refresh.ts';
import { ignoreEvents } from '../engine/events.ts';
import type { Album } from '../sources/source.ts';
import type { AppContext } from './context.ts';
import { noInteraction, openSource } from './connect.ts';
import { resolveTarget } from './targets.ts';
import { withFreshRemotes } from './live-config.ts';
import { serverDb, targetOf } from './tasks.ts';

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
  const assets = await ctx.catalog.assets(sourceId);
  for (const asset of assets) {
    const size = asset.resources.reduce((sum, r) => sum + r.size, 0);
    bytes += size;
    add(byYear, String(asset.takenAt.getUTCFullYear()), size);
    for (const t of mediaTypesOf(asset)) add(byType, t, size);
    if (asset.albums.length === 0) add(byAlbum, '(no album)', size);
    for (const a of asset.albums) add(byAlbum, a.path.join('/'), size);
  }
  const row = await ctx.db.selectFrom('sources').select('updated_at').where('id', '=', sourceId).executeTakeFirst();
  return {
    source, sourceId, assets: assets.length, bytes, byYear, byType, byAlbum, albums: await ctx.catalog.albums(sourceId),
    refreshedAt: row === undefined ? null : new Date(Number(row.updated_at)),
  };
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

export interface ServerMetrics {
  readonly runsByStatus: Record<string, number>;
  readonly bytes: number;
  readonly filesByOutcome: Record<string, number>;
  readonly errorsByKind: Record<string, number>;
  readonly assetsBySource: Record<string, number>;
}

/** Totals since the catalog began, so they survive restarts (Prometheus counters may only go up; these do). */
export async function serverMetrics(ctx: AppContext): Promise<ServerMetrics> {
  const db = serverDb(ctx.db);
  const toMap = (rows: { key: string | null; n: number | string | bigint }[]) =>
    Object.fromEntries(rows.map((r) => [r.key ?? 'unknown', Number(r.n)]));
  const runs = await db.selectFrom('runs').select(['status as key', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
  const files = await db.selectFrom('outcomes').select(['code as key', sql<number>`count(*)`.as('n')]).groupBy('code').execute();
  const errors = await db.selectFrom('outcomes').select(['error_kind as key', sql<number>`count(*)`.as('n')])
    .where('status', '=', 'failed').groupBy('error_kind').execute();
  const runErrors = await db.selectFrom('task_runs').select(['error_code as key', sql<number>`count(*)`.as('n')])
    .where('error_code', 'is not', null).groupBy('error_code').execute();
  const assets = await db.selectFrom('assets').select(['source_id as key', sql<number>`count(*)`.as('n')])
    .where('deleted', '=', 0).groupBy('source_id').execute();
  const bytes = await db.selectFrom('outcomes').select(sql<number>`coalesce(sum(bytes), 0)`.as('n')).where('code', '=', 'copied').executeTakeFirst();
  const errorsByKind = toMap(errors);
  for (const [k, n] of Object.entries(toMap(runErrors))) errorsByKind[k] = (errorsByKind[k] ?? 0) + n;
  return { runsByStatus: toMap(runs), bytes: Number(bytes?.n ?? 0), filesByOutcome: toMap(files), errorsByKind, assetsBySource: toMap(assets) };
}
