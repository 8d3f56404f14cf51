/**
 * @module The job queue: pg-boss 12 on the catalog's PostgreSQL. Batch transfers (retried on another worker when a
 * worker's heartbeat stops), per-source refresh as a singleton, and queue figures for the server.
 */
import type { Job } from 'pg-boss';
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
  /** The latest failed jobs (at most 5), newest first, with what the worker said. */
  readonly recentFailures: readonly JobFailure[];
}

export interface JobFailure { readonly id: string; readonly reason: string; readonly at: string | null }

/** What a failed job's output says: pg-boss keeps the thrown error's message (or the value the handler failed with). */
function reasonOf(output: unknown): string {
  if (output !== null && typeof output === 'object' && 'message' in output && typeof output.message === 'string') return output.message;
  return output === null || output === undefined ? 'no reason recorded' : JSON.stringify(output).slice(0, 300);
}

/** A batch that used every retry (or was cancelled): its files count as failed. */
export interface DeadBatch {
  readonly batch: number;
  readonly files: number;
}

export interface JobQueue {
  /** Queues a run's batches; with `perAccount`, one account's jobs never hold more than that many workers at once. */
  enqueueBatches(jobs: readonly BatchJob[]): Promise<void>;
  /** A run's batches that failed for good or were cancelled (batch numbers and file counts only, never the job data). */
  deadBatchesOf(runId: string): Promise<DeadBatch[]>;
  /** Claims batches: `concurrency` at a time in this process, at most `perAccount` per account cluster-wide. */
  workBatches(handler: (job: BatchJob, id: string) => Promise<BatchResult>, options: { concurrency: number; perAccount: number }): Promise<void>;
  figures(): Promise<QueueFigures[]>;
  /** Stops claiming; with `graceful`, waits for jobs in hand to finish. */
  stop(graceful?: boolean): Promise<void>;
}

export async function openJobQueue(url: string, onError: (err: Error) => void = () => undefined): Promise<JobQueue> {
  // Loaded here, not at the top: `copy` imports this module (for --workers) and without workers needs none of pg-boss's
  // files. With pg (postgres-catalog.ts) they were 176 of the 306 files an empty local copy opened; loaded lazily, that
  // copy takes 0.41 s instead of 0.49 s and peaks at 79 MB instead of 94 MB.
  const { PgBoss } = await import('pg-boss');
  // supervise/monitor every 5 s: a dead worker's job is handed back within heartbeat + supervise, well under a minute.
  // The queue figures behind a worker's burst (below) are re-read every 2 s, so a new run's backlog is seen soon.
  const boss = new PgBoss({
    connectionString: url, superviseIntervalSeconds: 5, monitorIntervalSeconds: 5, queueCacheIntervalSeconds: 2, max: 4, schedule: false,
  });
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
    async deadBatchesOf(runId) {
      const rows = (await boss.getDb().executeSql(
        'SELECT (data->>\'batch\')::int AS batch, jsonb_array_length(data->\'copies\') AS files FROM pgboss.job '
        + 'WHERE name = $1 AND state IN (\'failed\', \'cancelled\') AND data->>\'runId\' = $2', [TRANSFER_QUEUE, runId],
      )).rows as { batch: number; files: number }[];
      return rows.map((r) => ({ batch: Number(r.batch), files: Number(r.files) }));
    },
    async workBatches(handler, options) {
      await boss.work<BatchJob>(TRANSFER_QUEUE, {
        batchSize: 1, localConcurrency: options.concurrency, groupConcurrency: options.perAccount, pollingIntervalSeconds: 1,
        // Without a burst each claim slot waits out the polling interval after every job: a batch of 64 small files
        // takes ~50 ms, so slots sat idle ~95 % of the time (≈ 490 ms lost per job, measured). While the queue
        // shows a backlog and the last fetch found a job, fetch the next at once; an empty fetch goes back to polling.
        burstWhenReadyExceeds: 1,
      }, async ([job]: Job<BatchJob>[]) => handler(job!.data, job!.id));
    },
    async figures() {
      const queues = await boss.getQueues([TRANSFER_QUEUE, REFRESH_QUEUE]);
      return Promise.all(queues.map(async (q) => {
        // Read every time: the counts are pg-boss's cached figures (refreshed by its monitor), the failures are live.
        const failed = (await boss.getDb().executeSql(
          'SELECT id::text AS id, output, completed_on FROM pgboss.job WHERE name = $1 AND state = \'failed\' ORDER BY completed_on DESC NULLS LAST LIMIT 5', [q.name],
        )).rows as { id: string; output: unknown; completed_on: Date | null }[];
        return {
          name: q.name, waiting: q.queuedCount, active: q.activeCount, failed: q.failedCount, total: q.totalCount,
          recentFailures: failed.map((f) => ({ id: f.id, reason: reasonOf(f.output), at: f.completed_on === null ? null : new Date(f.completed_on).toISOString() })),
        };
      }));
    },
    async stop(graceful = false) {
      await boss.stop({ graceful, timeout: graceful ? 30_000 : 1000 });
    },
  };
}
