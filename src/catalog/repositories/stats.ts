/** @module Aggregate figures over the catalog (counts by status, code, error kind, source) computed in SQL on either dialect. */
import { sql, type Kysely } from 'kysely';
import type { CatalogTables } from '../schema.ts';

export interface CatalogTotals {
  readonly runsByStatus: Record<string, number>;
  readonly bytes: number;
  readonly filesByOutcome: Record<string, number>;
  readonly errorsByKind: Record<string, number>;
  readonly assetsBySource: Record<string, number>;
}

// count(*) is a bigint on PostgreSQL, which pg returns as text.
const toMap = (rows: { key: string | null; n: number | string | bigint }[]) =>
  Object.fromEntries(rows.map((r) => [r.key ?? 'unknown', Number(r.n)]));

export function createStatsStore(db: Kysely<CatalogTables>) {
  return {
    /** Totals since the catalog began, so they survive restarts. */
    async totals(): Promise<CatalogTotals> {
      const n = sql<number>`count(*)`.as('n');
      const runs = await db.selectFrom('runs').select(['status as key', n]).groupBy('status').execute();
      const files = await db.selectFrom('outcomes').select(['code as key', n]).groupBy('code').execute();
      const errors = await db.selectFrom('outcomes').select(['error_kind as key', n])
        .where('status', '=', 'failed').groupBy('error_kind').execute();
      const runErrors = await db.selectFrom('task_runs').select(['error_code as key', n])
        .where('error_code', 'is not', null).groupBy('error_code').execute();
      const assets = await db.selectFrom('assets').select(['source_id as key', n])
        .where('deleted', '=', 0).groupBy('source_id').execute();
      const bytes = await db.selectFrom('outcomes').select(sql<number>`coalesce(sum(bytes), 0)`.as('n')).where('code', '=', 'copied').executeTakeFirst();
      const errorsByKind = toMap(errors);
      for (const [k, v] of Object.entries(toMap(runErrors))) errorsByKind[k] = (errorsByKind[k] ?? 0) + v;
      return { runsByStatus: toMap(runs), bytes: Number(bytes?.n ?? 0), filesByOutcome: toMap(files), errorsByKind, assetsBySource: toMap(assets) };
    },
    /** When a source was last listed into the catalog, null if never. */
    async refreshedAt(sourceId: string): Promise<Date | null> {
      const row = await db.selectFrom('sources').select('updated_at').where('id', '=', sourceId).executeTakeFirst();
      return row === undefined ? null : new Date(Number(row.updated_at));
    },
  };
}
export type StatsStore = ReturnType<typeof createStatsStore>;
