/**
 * @module A planned run executed by worker processes: the copies are cut into batch jobs on the shared queue, the
 * coordinator waits for every batch's recorded result, then writes derived files and removals itself and finishes
 * the run once. The plan is made once, here; workers never plan.
 */
import type { RunId, RunSummary } from '../core/outcome.ts';
import { EMPTY_COUNTS, type Counts } from '../core/counts.ts';
import { TransferError } from '../core/transfer-error.ts';
import { UsageError } from '../core/usage-error.ts';
import { executePlan, type RunDeps, type RunResult } from '../engine/run.ts';
import type { Plan } from '../engine/plan.ts';
import { splitCopies, type BatchJob, type BatchResult } from '../jobs/batches.ts';
import { openJobQueue, type JobQueue } from '../jobs/queue.ts';
import type { AppContext } from './context.ts';

export type PlanExecutor = (runId: RunId, planned: Plan, deps: RunDeps, signal: AbortSignal) => Promise<RunResult>;

/** Whether copy/sync should hand their copies to workers: always on a PostgreSQL catalog, or when asked. */
export function usesWorkers(ctx: AppContext, asked: boolean | undefined): boolean {
  if (ctx.catalog.dialect === 'postgres') return asked !== false;
  if (asked === true) throw new UsageError('--workers needs a shared PostgreSQL catalog: --catalog postgres://… (workers cannot share a SQLite file)');
  return false;
}

/** An executor with executePlan's shape that spreads the copies over `photoferry worker` processes. */
export function workersExecutor(ctx: AppContext, specs: { source: string; destination: string }): PlanExecutor {
  return async (runId, planned, deps, signal) => {
    const queue = await openJobQueue(ctx.config.catalog, (err) => ctx.log.warn({ err: err.message }, 'job queue'));
    try {
      const started = Date.now();
      const jobs: BatchJob[] = splitCopies(planned.copies).map((copies, batch) => ({
        runId, batch, source: specs.source, destination: specs.destination, account: deps.source.id, copies,
      }));
      await deps.catalog.jobs.planBatches(runId, jobs.map((j) => ({ batch: j.batch, files: j.copies.length, bytes: j.copies.reduce((s, c) => s + c.resource.size, 0) })));
      await queue.enqueueBatches(jobs);
      deps.events({ type: 'notice', message: `${jobs.length} batch job(s) queued for workers` });
      const results = await waitForBatches(queue, deps, runId, jobs.length, signal);
      const failedAssets = new Set(results.flatMap((r) => r.failedAssetIds));
      // Derived files and removals are light and need the whole picture; the coordinator does them after the copies.
      const rest = await executePlan(runId, {
        ...planned, copies: [], derived: planned.derived.filter((d) => !failedAssets.has(d.asset.id)),
      }, { ...deps, batch: true }, signal);
      const sum = (pick: (r: BatchResult) => number) => results.reduce((s, r) => s + pick(r), 0);
      const restCounts = rest.summary.counts ?? EMPTY_COUNTS;
      // A derived tally may be "not known yet" (null) only in a plan; after writing, count what is known.
      const known = (t: { bytes: number | null }) => t.bytes ?? 0;
      const counts: Counts = {
        assets: sum((r) => (r.counts ?? EMPTY_COUNTS).assets),
        originals: { files: sum((r) => (r.counts ?? EMPTY_COUNTS).originals.files), bytes: sum((r) => known((r.counts ?? EMPTY_COUNTS).originals)) },
        derived: { files: sum((r) => (r.counts ?? EMPTY_COUNTS).derived.files) + restCounts.derived.files, bytes: sum((r) => known((r.counts ?? EMPTY_COUNTS).derived)) + known(restCounts.derived) },
      };
      const files = {
        copied: sum((r) => r.copied), present: planned.present, removed: rest.summary.files.removed,
        failed: sum((r) => r.failed) + rest.summary.files.failed, filtered: planned.filtered,
      };
      const fatal = rest.fatal ?? (signal.aborted ? new TransferError('cancelled', 'cancelled', { connector: 'workers' }) : undefined);
      const status: RunSummary['status'] = fatal?.kind === 'cancelled' ? 'cancelled' : fatal ? 'failed' : files.failed > 0 ? 'partial' : 'ok';
      const summary: RunSummary = {
        assets: counts.assets, files, bytes: known(counts.originals) + known(counts.derived), counts,
        durationMs: Date.now() - started, status, ...(fatal ? { reason: fatal.message } : {}),
      };
      await deps.catalog.finishRun(runId, summary);
      deps.events({ type: 'finished', runId, summary });
      return { runId, summary, ...(fatal ? { fatal } : {}) };
    } finally {
      await queue.stop();
    }
  };
}

/** The database may restart under a long run: a read that fails is tried again for up to 5 minutes. */
async function patiently<T>(read: () => Promise<T>, signal: AbortSignal): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      return await read();
    } catch (err) {
      if (Date.now() > deadline || signal.aborted) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/**
 * Polls the catalog for batch results (what workers wrote) and the queue for batches that failed for good (every
 * retry used): those count as failed files, never as silently done. Each poll reads a count; results are read only
 * when it moved, and only from the lowest batch still missing (batches finish roughly in order), never all of them.
 */
async function waitForBatches(queue: JobQueue, deps: RunDeps, runId: string, count: number, signal: AbortSignal): Promise<BatchResult[]> {
  let lastCheck = 0;
  const done = new Map<number, BatchResult>();
  const terminal = new Map<number, BatchResult>();
  let missing = 0;
  for (;;) {
    if (await patiently(() => deps.catalog.jobs.finishedCount(runId), signal) > done.size) {
      for (const r of await patiently(() => deps.catalog.jobs.resultsFrom(runId, missing), signal)) done.set(r.batch, r.result as BatchResult);
      while (done.has(missing)) missing += 1;
    }
    if (Date.now() - lastCheck > 5000) {
      lastCheck = Date.now();
      for (const b of await patiently(() => queue.deadBatchesOf(runId), signal)) {
        terminal.set(b.batch, { copied: 0, failed: b.files, bytes: 0, assetIds: [], failedAssetIds: [], counts: EMPTY_COUNTS });
      }
    }
    const results = [...done.values(), ...[...terminal].filter(([batch]) => !done.has(batch)).map(([, r]) => r)];
    deps.events({ type: 'progress', bytesDone: results.reduce((s, r) => s + r.bytes, 0), filesDone: results.reduce((s, r) => s + r.copied + r.failed, 0) });
    if (results.length >= count || signal.aborted) return results;
    await new Promise((r) => setTimeout(r, 500));
  }
}
