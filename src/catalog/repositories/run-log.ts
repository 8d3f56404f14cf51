/** @module Each run's log lines, and marking task runs a crash left "running" as interrupted (the dashboard's run history). */
import type { Kysely } from 'kysely';
import type { CatalogTables } from '../schema.ts';

export interface LogLineRow { readonly at: number; readonly level: string; readonly message: string }

export function createRunLogStore(db: Kysely<CatalogTables>) {
  return {
    async append(runId: string, lines: readonly LogLineRow[]): Promise<void> {
      if (lines.length === 0) return;
      const last = await db.selectFrom('run_log').select((eb) => eb.fn.max('seq').as('seq')).where('run_id', '=', runId).executeTakeFirst();
      let seq = Number(last?.seq ?? 0);
      for (let i = 0; i < lines.length; i += 200) {
        await db.insertInto('run_log')
          .values(lines.slice(i, i + 200).map((l) => ({ run_id: runId, seq: ++seq, at: l.at, level: l.level, message: l.message }))).execute();
      }
    },
    async lines(runId: string): Promise<LogLineRow[]> {
      const rows = await db.selectFrom('run_log').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
      return rows.map((r) => ({ at: Number(r.at), level: r.level, message: r.message }));
    },
    /** Task runs still "running" become `status` (finished now); their ids are returned. CLI runs are not touched. */
    async markRunningTaskRuns(status: string): Promise<string[]> {
      const rows = await db.selectFrom('runs').innerJoin('task_runs', 'task_runs.run_id', 'runs.id')
        .select('runs.id').where('runs.status', '=', 'running').execute();
      for (const { id } of rows) await db.updateTable('runs').set({ status, finished_at: Date.now() }).where('id', '=', id).execute();
      return rows.map((r) => r.id);
    },
  };
}
export type RunLogStore = ReturnType<typeof createRunLogStore>;
