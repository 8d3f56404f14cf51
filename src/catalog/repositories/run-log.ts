/** @module Each run's log lines (the dashboard's run history). */
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
  };
}
export type RunLogStore = ReturnType<typeof createRunLogStore>;
