/**
 * @module `photoferry worker`: claims batch jobs from the shared queue, transfers and verifies their files, records
 * placements and outcomes in the shared catalog, and reports the batch. Killed mid-batch, its job goes to another
 * worker once its heartbeat stops; that attempt drops the dead one's outcomes and redoes the batch.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { RunId } from '../core/outcome.ts';
import { UsageError } from '../core/usage-error.ts';
import { EMPTY_COUNTS } from '../core/counts.ts';
import { executePlan } from '../engine/run.ts';
import type { Plan } from '../engine/plan.ts';
import type { Source } from '../sources/source.ts';
import type { Destination } from '../destinations/destination.ts';
import { decodeBatch, type BatchResult } from '../jobs/batches.ts';
import { openJobQueue } from '../jobs/queue.ts';
import type { AppContext } from './context.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { noInteraction, openDestination, openSource } from './connect.ts';

export interface WorkerOptions {
  /** Batches this process works on at once. */
  readonly jobs: number;
  /** Files in flight per batch. */
  readonly concurrency: number;
  /** Batches of one account in flight across all workers. */
  readonly perAccount: number;
  /** Called once the worker claims jobs, with its id. */
  readonly onReady?: (id: string) => void;
}

interface Pair { source: Source; destination: Destination }

export async function runWorker(ctx: AppContext, options: WorkerOptions, signal: AbortSignal): Promise<void> {
  if (ctx.catalog.dialect !== 'postgres') {
    throw new UsageError('a worker needs the shared PostgreSQL catalog: photoferry worker --catalog postgres://user@host/db (or PHOTOFERRY_CATALOG_URL)');
  }
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 4)}`;
  const started = Date.now();
  const totals = { files: 0, bytes: 0 };
  const current = new Set<string>();
  const pairs = new Map<string, Promise<Pair>>();
  const pairOf = (source: string, destination: string): Promise<Pair> => {
    const key = `${source}\u0000${destination}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = (async () => {
        const s = await openSource(ctx, source, noInteraction);
        const d = await openDestination(ctx, destination);
        await s.connect(signal);
        return { source: s, destination: d };
      })();
      pair.catch(() => pairs.delete(key));
      pairs.set(key, pair);
    }
    return pair;
  };
  const beat = () => ctx.catalog.jobs.heartbeat({
    id, host: hostname(), pid: process.pid, startedAt: started, currentJob: [...current].join(',') || null, filesDone: totals.files, bytesDone: totals.bytes,
  }).catch((err: unknown) => ctx.log.warn({ err: String(err) }, 'worker heartbeat not recorded'));
  await beat();
  const ticker = setInterval(() => void beat(), 5000);

  const queue = await openJobQueue(ctx.config.catalog, (err) => ctx.log.warn({ err: err.message }, 'job queue'));
  try {
    await queue.workBatches(async (data, jobId) => {
      const job = decodeBatch(data);
      current.add(jobId);
      const catalog = ctx.catalog.fork();
      try {
        const { source, destination } = await pairOf(job.source, job.destination);
        const recorded = await catalog.jobs.beginBatch(job.runId, job.batch, id, [...new Set(job.copies.map((c) => c.asset.id))]);
        if (recorded !== null) return recorded as BatchResult;
        const batchPlan: Plan = {
          copies: job.copies, derived: [], removes: [], derivedPresent: 0, present: 0, filtered: 0,
          totals: { assets: 0, files: job.copies.length, bytes: job.copies.reduce((s, c) => s + c.resource.size, 0) },
        };
        const failedAssets = new Set<string>();
        const result = await executePlan(job.runId as RunId, batchPlan, {
          source, destination, catalog, concurrency: options.concurrency, batch: true,
          events: (e) => { if (e.type === 'file-done' && e.outcome.status === 'failed') failedAssets.add(e.outcome.assetId); },
        }, signal);
        await catalog.flush();
        // A stop that is not the files' fault (auth, quota, this worker shutting down): the job goes back to the queue.
        if (result.fatal) throw result.fatal;
        const out: BatchResult = {
          copied: result.summary.files.copied, failed: result.summary.files.failed, bytes: result.summary.bytes,
          assetIds: [...new Set(job.copies.map((c) => c.asset.id))], failedAssetIds: [...failedAssets],
          counts: result.summary.counts ?? EMPTY_COUNTS,
        };
        await catalog.jobs.finishBatch(job.runId, job.batch, id, out);
        totals.files += out.copied;
        totals.bytes += out.bytes;
        return out;
      } catch (err) {
        await untilCatalogAnswers(ctx.catalog, job.runId, signal);
        throw err;
      } finally {
        current.delete(jobId);
        await catalog.close().catch(() => undefined);
      }
    }, { concurrency: options.jobs, perAccount: options.perAccount });
    options.onReady?.(id);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(ticker);
    await queue.stop(true);
    for (const pair of pairs.values()) {
      const p = await pair.catch(() => undefined);
      if (p) await Promise.allSettled([p.source.close(), p.destination.close()]);
    }
    await ctx.catalog.jobs.removeWorker(id).catch(() => undefined);
  }
}

/**
 * A batch cut short by the database going away (restart, failover) goes back to the queue when the queue hears that it
 * failed; told while the database is still down, the queue never hears, and the batch waits until its heartbeat lapses
 * (≈ 15 s) before another attempt. Waiting (≤ 30 s) for the catalog to answer again lets that attempt start at once.
 */
async function untilCatalogAnswers(catalog: Catalog, runId: string, signal: AbortSignal, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!signal.aborted && Date.now() < deadline) {
    if (await catalog.run(runId).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}
