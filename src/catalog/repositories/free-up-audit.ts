/** @module Free-up runs and their audit rows (migration 0006) as stored; app/free-up gives the entries their meaning. */
import type { Kysely } from 'kysely';
import type { CatalogTables, FreeUpTables } from '../schema.ts';

export type FreeUpRunRow = FreeUpTables['free_up_runs'];
/** An audit entry as stored: JSON the app defines, with its state and batch also kept as columns for queries. */
export interface StoredAuditEntry { readonly run: string; readonly asset: string; readonly batch: number; readonly state: string; readonly bytes: number; readonly at: string; readonly updatedAt: string }

/** Numbers come back as text from PostgreSQL's bigint; the store hands out plain numbers on both dialects. */
const toRun = (r: FreeUpRunRow): FreeUpRunRow => ({ ...r, started_at: Number(r.started_at), finished_at: r.finished_at === null ? null : Number(r.finished_at) });

export function createFreeUpAuditStore(db: Kysely<CatalogTables>) {
  return {
    async insertRun(row: FreeUpRunRow): Promise<void> { await db.insertInto('free_up_runs').values(row).execute(); },
    async finishRun(id: string, status: string, message: string | null): Promise<void> {
      await db.updateTable('free_up_runs').set({ status, message, finished_at: Date.now() }).where('id', '=', id).execute();
    },
    async run(id: string): Promise<FreeUpRunRow | undefined> {
      const row = await db.selectFrom('free_up_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRun(row);
    },
    async runs(limit: number): Promise<FreeUpRunRow[]> {
      return (await db.selectFrom('free_up_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute()).map(toRun);
    },
    /** Writes a batch's entries in one transaction (before the batch is sent to Apple). */
    async insertEntries(entries: readonly StoredAuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const e of entries) {
          await tx.insertInto('free_up_audit').values({
            run_id: e.run, asset_id: e.asset, batch: e.batch, state: e.state, entry: JSON.stringify(e), bytes: e.bytes,
            at: Date.parse(e.at), updated_at: Date.parse(e.updatedAt),
          }).execute();
        }
      });
    },
    /** Sets the state of some entries of a run (and merges `extra` into each one's JSON). */
    async setStates(run: string, changes: ReadonlyMap<string, { state: string; extra?: Record<string, unknown> }>): Promise<void> {
      const now = Date.now();
      await db.transaction().execute(async (tx) => {
        for (const [asset, { state, extra }] of changes) {
          const row = await tx.selectFrom('free_up_audit').select('entry').where('run_id', '=', run).where('asset_id', '=', asset).executeTakeFirst();
          if (row === undefined) continue;
          const entry = { ...JSON.parse(row.entry) as object, ...extra, state, updatedAt: new Date(now).toISOString() };
          await tx.updateTable('free_up_audit').set({ state, entry: JSON.stringify(entry), updated_at: now })
            .where('run_id', '=', run).where('asset_id', '=', asset).execute();
        }
      });
    },
    async entries(run: string): Promise<unknown[]> {
      const rows = await db.selectFrom('free_up_audit').select('entry').where('run_id', '=', run).orderBy('batch').orderBy('at').orderBy('asset_id').execute();
      return rows.map((r) => JSON.parse(r.entry) as unknown);
    },
    /** Entries of this source's runs still `pending` (their process died between writing them and Apple's answer). */
    async pendingOf(sourceId: string): Promise<{ run: string; asset: string }[]> {
      const rows = await db.selectFrom('free_up_audit').innerJoin('free_up_runs', 'free_up_runs.id', 'free_up_audit.run_id')
        .select(['free_up_audit.run_id', 'free_up_audit.asset_id']).where('free_up_runs.source_id', '=', sourceId)
        .where('free_up_audit.state', '=', 'pending').execute();
      return rows.map((r) => ({ run: r.run_id, asset: r.asset_id }));
    },
    /** Destinations holding any placement of this source's assets. */
    async destinationsHolding(sourceId: string): Promise<string[]> {
      const rows = await db.selectFrom('placements').select('destination_id').distinct().where('source_id', '=', sourceId).execute();
      return rows.map((r) => r.destination_id).sort();
    },
  };
}
export type FreeUpAuditStore = ReturnType<typeof createFreeUpAuditStore>;
