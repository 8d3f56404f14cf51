/** @module Run history use cases: list runs, show one with its failures. */
import type { Outcome } from '../core/outcome.ts';
import type { RunRecord } from '../catalog/catalog.ts';
import { UsageError } from '../core/usage-error.ts';
import type { AppContext } from './context.ts';

export type { RunRecord };

export const listRuns = (ctx: AppContext, limit = 20): Promise<RunRecord[]> => ctx.catalog.runs(limit);

export async function showRun(ctx: AppContext, id: string): Promise<{ run: RunRecord; failures: Outcome[] }> {
  const run = await ctx.catalog.run(id);
  if (!run) throw new UsageError(`no run "${id}" — list runs with: photoferry runs`);
  return { run, failures: await ctx.catalog.outcomes(id, { status: 'failed' }) };
}
