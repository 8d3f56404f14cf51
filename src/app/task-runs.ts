/** @module Run history as the dashboard sees it: runs with their task and stop reason, failures, and the full report. */
import type { Outcome } from '../core/outcome.ts';
import type { RunRecord } from '../catalog/catalog.ts';
import type { AppContext } from './context.ts';
import { NotFoundError, type TaskRepository } from './tasks.ts';

export interface TaskRun extends RunRecord {
  readonly taskId: string | null;
  readonly error?: { readonly code: string; readonly message: string };
}

async function withTask(repo: TaskRepository, run: RunRecord): Promise<TaskRun> {
  const link = await repo.runLink(run.id);
  return {
    ...run, taskId: link?.task_id ?? null,
    ...(link?.error_code ? { error: { code: link.error_code, message: link.error_message ?? '' } } : {}),
  };
}

export async function listTaskRuns(ctx: AppContext, repo: TaskRepository, opts: { task?: string; limit: number }): Promise<TaskRun[]> {
  if (opts.task === undefined) return Promise.all((await ctx.catalog.runs(opts.limit)).map((r) => withTask(repo, r)));
  await repo.get(opts.task);
  const runs: TaskRun[] = [];
  for (const id of await repo.runIdsOf(opts.task, opts.limit)) {
    const run = await ctx.catalog.run(id);
    if (run !== null) runs.push(await withTask(repo, run));
  }
  return runs;
}

export async function getTaskRun(ctx: AppContext, repo: TaskRepository, id: string): Promise<TaskRun> {
  const run = await ctx.catalog.run(id);
  if (run === null) throw new NotFoundError(`No run "${id}".`);
  return withTask(repo, run);
}

export async function runFailures(ctx: AppContext, id: string): Promise<Outcome[]> {
  return ctx.catalog.outcomes(id, { status: 'failed' });
}

export async function runReport(ctx: AppContext, repo: TaskRepository, id: string): Promise<{ run: TaskRun; outcomes: Outcome[] }> {
  const run = await getTaskRun(ctx, repo, id);
  return { run, outcomes: await ctx.catalog.outcomes(id) };
}

const csvField = (v: unknown) => {
  const s = v === undefined || v === null ? '' : String(v);
  // Also defuse spreadsheet formulas: a file named "=cmd|…" must stay text.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function reportCsv(outcomes: readonly Outcome[]): string {
  const head = 'path,asset_id,role,status,code,bytes,error_kind,message';
  const rows = outcomes.map((o) => [o.path, o.assetId, o.role, o.status, o.code, o.bytes, o.errorKind, o.message].map(csvField).join(','));
  return `${[head, ...rows].join('\n')}\n`;
}
