/** @module Run history use cases: list runs, show one with its failures. */
import type { Outcome } from '../core/outcome.ts';
import type { RunRecord } from '../catalog/catalog.ts';
import { UsageError } from '../core/usage-error.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { EMPTY_COUNTS } from '../core/counts.ts';
import { isTransferError } from '../core/transfer-error.ts';
import type { AppContext } from './context.ts';

export type { RunRecord };

export const listRuns = (ctx: AppContext, limit = 20): Promise<RunRecord[]> => ctx.catalog.runs(limit);

export async function showRun(ctx: AppContext, id: string): Promise<{ run: RunRecord; failures: Outcome[] }> {
  const run = await ctx.catalog.run(id);
  if (!run) throw new UsageError(`no run "${id}" — list runs with: photoferry runs`);
  return { run, failures: await ctx.catalog.outcomes(id, { status: 'failed' }) };
}

/**
 * Records a run that stopped before its plan ran (source missing, destination unwritable, sign-in needed,
 * Ctrl-C while listing), with the reason, so the history has every run the user started.
 */
export async function recordFailedRun(
  catalog: Catalog, run: { sourceId: string; destinationId: string; command: string }, err: unknown, signal?: AbortSignal,
  onRecorded?: (runId: string) => void,
): Promise<void> {
  const cancelled = signal?.aborted === true || (isTransferError(err) && err.kind === 'cancelled');
  const started = Date.now();
  try {
    const id = await catalog.startRun(run);
    await catalog.finishRun(id, {
      assets: 0, files: { copied: 0, present: 0, removed: 0, failed: 0, filtered: 0 }, bytes: 0, counts: EMPTY_COUNTS,
      durationMs: Date.now() - started, status: cancelled ? 'cancelled' : 'failed',
      reason: cancelled ? 'cancelled before any file was sent' : err instanceof Error ? err.message : String(err),
    });
    onRecorded?.(id);
  } catch {
    // The history is secondary to the error the user must see; a catalog that cannot record is reported by that error's path.
  }
}
