/**
 * @module The job queue: pg-boss 12 on the catalog's PostgreSQL. Batch transfers (retried on another worker when a
 * worker's heartbeat stops), per-source refresh as a singleton, and queue figures for the server.
 */
import { PgBoss, type Job } from 'pg-boss';
import type { BatchJob, BatchResult } from './batches.ts';

export const TRANSFER_QUEUE = 'photoferry-transfer';
export const REFRESH_QUEUE = 'photoferry-refresh';

/** A worker that stops heart-beating (killed, machine gone) loses its job after this many seconds. */
const HEARTBEAT_SECONDS = 10;

export interface QueueFigures {
  readonly name: string;
  readonly waiting: number;
  readonly active: number;
  readonly failed: number;
  readonly total: number;
}

export interface BatchState {
  readonly batch: number;
  readonly state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  readonly retries: number;
  readonly output: unknown;
}

export interface JobQueue {
  /** Queues a run's batches; with `perAccount`, one account's jobs never hold more than that many workers at once. */
  enqueueBatches(jobs: readonly BatchJob[]): Promise<void>;
  /** The state of every batch of a run. */
  batchesOf(runId: string): Promise<BatchState[]>;
  /** Claims batches: `concurrency` at a time in this process, at most `perAccount` per account cluster-wide. */
  workBatches(handler: (job: BatchJob, id: string) => Promise<BatchResult>, options: { concurrency: number; perAccount: number }): Promise<void>;
  figures(): Promise<QueueFigures[]>;
  /** Stops claiming; with `graceful`, waits for jobs in hand to finish. */
  stop(graceful?: boolean): Promise<void>;
}

export async function openJobQueue(url: string, onError: (err: Error) => void = () => undefined): Promise<JobQueue> {
  // supervise/monitor every 5 s: a dead worker's job is handed back within heartbeat + supervise, well under a minute.
  const boss = new PgBoss({ connectionString: url, superviseIntervalSeconds: 5, monitorIntervalSeconds: 5, max: 4, schedule: false });
  boss.on('error', onError);
  await boss.start();
  for (const name of [TRANSFER_QUEUE, REFRESH_QUEUE]) {
    if (await boss.getQueue(name).catch(() => null)) continue;
    await boss.createQueue(name, name === REFRESH_QUEUE
      ? { policy: 'singleton', expireInSeconds: 3600 }
      : { heartbeatSeconds: HEARTBEAT_SECONDS, retryLimit: 5, retryDelay: 1, expireInSeconds: 6 * 3600, deleteAfterSeconds: 7 * 86400 })
      .catch(async (err: unknown) => { if (!(await boss.getQueue(name).catch(() => null))) throw err; });
  }
  return {
    async enqueueBatches(jobs) {
      for (let i = 0; i < jobs.length; i += 500) {
        await boss.insert(TRANSFER_QUEUE, jobs.slice(i, i + 500).map((data) => ({
          // A run's batches share one created_on, and pg-boss re-inserts a failed job with a later start_after, which
          // puts a retried batch (a dead worker's) behind every waiting one: minutes late on a big run. Priority −batch
          // keeps claiming in batch order and lets a retried batch go ahead of every later one still waiting.
          data: data as unknown as object, group: { id: data.account }, singletonKey: `${data.runId}/${data.batch}`, priority: -data.batch,
        })));
      }
    },
    async batchesOf(runId) {
      const found = await boss.findJobs<BatchJob>(TRANSFER_QUEUE, { data: { runId }, limit: 100_000 });
      return found.map((j) => ({ batch: j.data.batch, state: j.state, retries: j.retryCount, output: j.output }));
    },
    async workBatches(handler, options) {
      await boss.work<BatchJob>(TRANSFER_QUEUE, {
        batchSize: 1, localConcurrency: options.concurrency, groupConcurrency: options.perAccount, pollingIntervalSeconds: 1,
      }, async ([job]: Job<BatchJob>[]) => handler(job!.data, job!.id));
    },
    async figures() {
      const queues = await boss.getQueues([TRANSFER_QUEUE, REFRESH_QUEUE]);
      return queues.map((q) => ({ name: q.name, waiting: q.queuedCount, active: q.activeCount, failed: q.failedCount, total: q.totalCount }));
    },
    async stop(graceful = false) {
      await boss.stop({ graceful, timeout: graceful ? 30_000 : 1000 });
    },
  };
}
