/** @module The cluster as the server shows it: workers (alive, current job, throughput, last heartbeat) and the job queue. */
import type { WorkerRecord } from '../catalog/repositories/jobs.ts';
import { openJobQueue, type JobQueue, type QueueFigures } from '../jobs/queue.ts';
import type { AppContext } from './context.ts';

/** A worker beats every 5 s; three missed beats and it is shown as gone (its jobs return after the queue's heartbeat). */
const ALIVE_MS = 15_000;

export interface WorkerView extends WorkerRecord {
  readonly alive: boolean;
  /** Bytes per second since the worker started. */
  readonly bytesPerSecond: number;
}

export interface ClusterView {
  readonly dialect: string;
  readonly workers: readonly WorkerView[];
  readonly queues: readonly QueueFigures[];
}

export interface Cluster {
  status(): Promise<ClusterView>;
  close(): Promise<void>;
}

export function createCluster(ctx: AppContext, now: () => number = Date.now): Cluster {
  let queue: Promise<JobQueue> | undefined;
  return {
    async status() {
      if (ctx.catalog.dialect !== 'postgres') return { dialect: ctx.catalog.dialect, workers: [], queues: [] };
      queue ??= openJobQueue(ctx.config.catalog, (err) => ctx.log.warn({ err: err.message }, 'job queue'));
      queue.catch(() => { queue = undefined; });
      const workers = (await ctx.catalog.jobs.workers()).map((w) => ({
        ...w, alive: now() - w.heartbeatAt.getTime() < ALIVE_MS,
        bytesPerSecond: Math.round(w.bytesDone / Math.max(1, (w.heartbeatAt.getTime() - w.startedAt.getTime()) / 1000)),
      }));
      return { dialect: 'postgres', workers, queues: await (await queue).figures() };
    },
    async close() {
      const q = await queue?.catch(() => undefined);
      await q?.stop();
    },
  };
}
