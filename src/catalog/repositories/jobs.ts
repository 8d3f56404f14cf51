/** @module What workers share in the catalog: each batch's result, live workers, and the reset of a retried batch's outcomes. */
import type { Kysely } from 'kysely';
import type { CatalogTables } from '../schema.ts';

export interface WorkerRecord {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: Date;
  readonly heartbeatAt: Date;
  readonly currentJob: string | null;
  readonly filesDone: number;
  readonly bytesDone: number;
}

export function createJobStore(db: Kysely<CatalogTables>) {
  return {
    /** Records a run's batches as planned (idempotent). */
    async planBatches(runId: string, batches: readonly { batch: number; files: number; bytes: number }[]): Promise<void> {
      const now = Date.now();
      for (let i = 0; i < batches.length; i += 200) {
        await db.insertInto('run_batches').values(batches.slice(i, i + 200).map((b) => ({
          run_id: runId, batch: b.batch, files: b.files, bytes: b.bytes, result: null, worker: null, attempts: 0, updated_at: now,
        }))).onConflict((oc) => oc.columns(['run_id', 'batch']).doNothing()).execute();
      }
    },
    /**
     * A worker starts (or restarts, after another died) a batch: outcomes an earlier attempt recorded for its assets
     * are dropped, so the batch's files are counted once, by the attempt that finishes. Returns the result an earlier
     * attempt already recorded (it finished, but the queue never heard: the database went away in between), and then
     * changes nothing: that batch is done and must not be redone under a coordinator that may have moved on.
     */
    async beginBatch(runId: string, batch: number, worker: string, assetIds: readonly string[]): Promise<unknown> {
      return db.transaction().execute(async (tx) => {
        const recorded = await tx.selectFrom('run_batches').select('result').where('run_id', '=', runId).where('batch', '=', batch).executeTakeFirst();
        if (recorded?.result != null) return JSON.parse(recorded.result) as unknown;
        for (let i = 0; i < assetIds.length; i += 200) {
          await tx.deleteFrom('outcomes').where('run_id', '=', runId).where('asset_id', 'in', assetIds.slice(i, i + 200)).execute();
        }
        await tx.updateTable('run_batches').set((eb) => ({ worker, attempts: eb('attempts', '+', 1), updated_at: Date.now() }))
          .where('run_id', '=', runId).where('batch', '=', batch).execute();
        return null;
      });
    },
    async finishBatch(runId: string, batch: number, worker: string, result: unknown): Promise<void> {
      await db.updateTable('run_batches').set({ result: JSON.stringify(result), worker, updated_at: Date.now() })
        .where('run_id', '=', runId).where('batch', '=', batch).execute();
    },
    async batches(runId: string): Promise<{ batch: number; files: number; bytes: number; result: unknown; attempts: number; worker: string | null }[]> {
      const rows = await db.selectFrom('run_batches').selectAll().where('run_id', '=', runId).orderBy('batch').execute();
      return rows.map((r) => ({
        batch: Number(r.batch), files: Number(r.files), bytes: Number(r.bytes), attempts: Number(r.attempts), worker: r.worker,
        result: r.result === null ? null : JSON.parse(r.result) as unknown,
      }));
    },
    /** How many of a run's batches have a result: what the coordinator polls, without reading any result. */
    async finishedCount(runId: string): Promise<number> {
      const row = await db.selectFrom('run_batches').select((eb) => eb.fn.countAll().as('n')).where('run_id', '=', runId)
        .where('result', 'is not', null).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    /** Results of a run's finished batches numbered `fromBatch` or more (the coordinator reads past what it already has). */
    async resultsFrom(runId: string, fromBatch: number): Promise<{ batch: number; result: unknown }[]> {
      const rows = await db.selectFrom('run_batches').select(['batch', 'result']).where('run_id', '=', runId)
        .where('batch', '>=', fromBatch).where('result', 'is not', null).orderBy('batch').execute();
      return rows.map((r) => ({ batch: Number(r.batch), result: JSON.parse(r.result!) as unknown }));
    },
    async heartbeat(w: { id: string; host: string; pid: number; startedAt: number; currentJob: string | null; filesDone: number; bytesDone: number }): Promise<void> {
      const row = {
        id: w.id, host: w.host, pid: w.pid, started_at: w.startedAt, heartbeat_at: Date.now(), current_job: w.currentJob,
        files_done: w.filesDone, bytes_done: w.bytesDone,
      };
      await db.insertInto('workers').values(row).onConflict((oc) => oc.column('id').doUpdateSet({
        heartbeat_at: row.heartbeat_at, current_job: row.current_job, files_done: row.files_done, bytes_done: row.bytes_done,
      })).execute();
    },
    async removeWorker(id: string): Promise<void> {
      await db.deleteFrom('workers').where('id', '=', id).execute();
    },
    async workers(): Promise<WorkerRecord[]> {
      const rows = await db.selectFrom('workers').selectAll().orderBy('started_at').execute();
      return rows.map((r) => ({
        id: r.id, host: r.host, pid: Number(r.pid), startedAt: new Date(Number(r.started_at)), heartbeatAt: new Date(Number(r.heartbeat_at)),
        currentJob: r.current_job, filesDone: Number(r.files_done), bytesDone: Number(r.bytes_done),
      }));
    },
  };
}
export type JobStore = ReturnType<typeof createJobStore>;
