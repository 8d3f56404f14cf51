/**
 * @module Who coordinates each run: this process as a run owner (a lease it renews while it lives), runs whose owner's
 * lease lapsed (to be marked interrupted, once, by whoever notices), and one lease per task so a task has at most one
 * live run across every process sharing the catalog.
 */
import type { Kysely } from 'kysely';
import type { CatalogTables } from '../schema.ts';
import type { OwnerIdentity } from '../owner-identity.ts';

/** How often a live owner renews its lease, and how far ahead: a missed beat or two (a database restart) is fine. */
export const OWNER_BEAT_MS = 10_000;
export const OWNER_LEASE_MS = 60_000;
/** Owner rows lapsed longer than this are forgotten (their runs were marked long before). */
const FORGET_MS = 24 * 3600_000;

export interface OwnerRecord {
  readonly id: string;
  readonly host: string;
  readonly node: string | null;
  readonly pid: number;
  readonly startedAt: Date;
  readonly leaseUntil: Date;
}

/** Who holds a task's lease (the refusal a second start gets). */
export interface TaskHolder {
  readonly owner: string;
  /** Host and PID of the holder; null when its owner row is gone (it lapsed and was forgotten). */
  readonly host: string | null;
  readonly pid: number | null;
  readonly runId: string | null;
  readonly since: Date;
}

type Db = Kysely<CatalogTables>;

const toOwner = (r: CatalogTables['run_owners']): OwnerRecord => ({
  id: r.id, host: r.host, node: r.node, pid: Number(r.pid), startedAt: new Date(Number(r.started_at)), leaseUntil: new Date(Number(r.lease_until)),
});

export function createRunOwnerStore(db: Db, self: OwnerIdentity) {
  let timer: NodeJS.Timeout | undefined;
  let started: Promise<void> | undefined;

  async function beat(leaseMs = OWNER_LEASE_MS): Promise<void> {
    const row = { id: self.id, host: self.host, node: self.node, pid: self.pid, started_at: self.startedAt, lease_until: Date.now() + leaseMs };
    await db.insertInto('run_owners').values(row).onConflict((oc) => oc.column('id').doUpdateSet({ lease_until: row.lease_until })).execute();
  }

  return {
    self,
    /** Starts renewing this process's lease (first run or task claim); idempotent. A failed renewal is retried at the next beat. */
    live(): Promise<void> {
      started ??= beat().then(() => {
        timer = setInterval(() => { beat().catch(() => undefined); }, OWNER_BEAT_MS);
        timer.unref();
      }, (err: unknown) => { started = undefined; throw err; });
      return started;
    },
    /** Renews (or, with a negative `leaseMs`, lets lapse: tests) this process's lease now. */
    beat,
    /** This process stops owning: its lease and task leases are dropped, so its unfinished runs read as interrupted at once. */
    async stop(): Promise<void> {
      clearInterval(timer);
      if (started === undefined) return;
      started = undefined;
      await this.retire(self.id);
    },
    /** Drops an owner that is known dead (its PID gone on this machine) without waiting for its lease to lapse. */
    async retire(id: string): Promise<void> {
      await db.deleteFrom('task_leases').where('owner', '=', id).execute();
      await db.deleteFrom('run_owners').where('id', '=', id).execute();
    },
    async owners(): Promise<OwnerRecord[]> {
      return (await db.selectFrom('run_owners').selectAll().orderBy('started_at').execute()).map(toOwner);
    },
    /** The owner of a run, null when it has none (recorded before owners existed) or its row is gone. */
    async ownerOf(runId: string): Promise<OwnerRecord | null> {
      const row = await db.selectFrom('runs').innerJoin('run_owners', 'run_owners.id', 'runs.owner').selectAll('run_owners')
        .where('runs.id', '=', runId).executeTakeFirst();
      return row === undefined ? null : toOwner(row);
    },
    /**
     * Runs still "running" whose owner is gone (lease lapsed, or retired without finishing them) become `status`, each
     * by exactly one caller: the ids this call changed are returned, with whether a task started them. Task runs
     * recorded before owners existed count as gone; CLI runs from then are left alone (one may still be going).
     */
    async interruptLapsed(status: string): Promise<{ id: string; taskRun: boolean }[]> {
      const at = Date.now();
      const rows = await db.selectFrom('runs').leftJoin('task_runs', 'task_runs.run_id', 'runs.id').leftJoin('run_owners', 'run_owners.id', 'runs.owner')
        .select(['runs.id', 'task_runs.task_id']).where('runs.status', '=', 'running')
        .where((eb) => eb.or([
          eb.and([eb('runs.owner', 'is', null), eb('task_runs.task_id', 'is not', null)]),
          eb.and([eb('runs.owner', 'is not', null), eb.or([eb('run_owners.id', 'is', null), eb('run_owners.lease_until', '<', at)])]),
        ])).execute();
      const changed: { id: string; taskRun: boolean }[] = [];
      for (const r of rows) {
        const done = await db.updateTable('runs').set({ status, finished_at: at }).where('id', '=', r.id).where('status', '=', 'running').executeTakeFirst();
        if (Number(done.numUpdatedRows) === 1) changed.push({ id: r.id, taskRun: r.task_id !== null });
      }
      await db.deleteFrom('run_owners').where('lease_until', '<', at - FORGET_MS).execute();
      return changed;
    },
    /**
     * Takes the task's lease for this process: null when taken (free, its holder's lease lapsed, or already ours),
     * otherwise who holds it. Each step is one conditional statement, so of two processes claiming at once one wins.
     */
    async claimTask(taskId: string): Promise<TaskHolder | null> {
      await this.live();
      const at = Date.now();
      const inserted = await db.insertInto('task_leases').values({ task_id: taskId, owner: self.id, run_id: null, since: at })
        .onConflict((oc) => oc.column('task_id').doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return null;
      const taken = await db.updateTable('task_leases').set({ owner: self.id, run_id: null, since: at }).where('task_id', '=', taskId)
        // The holder's liveness is checked in the statement itself, so two claimers cannot both see it lapsed.
        .where((eb) => eb.or([eb('owner', '=', self.id), eb.not(eb.exists(eb.selectFrom('run_owners').select('run_owners.id')
          .whereRef('run_owners.id', '=', 'task_leases.owner').where('run_owners.lease_until', '>=', at)))])).executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return null;
      const holder = await db.selectFrom('task_leases').leftJoin('run_owners', 'run_owners.id', 'task_leases.owner')
        .select(['task_leases.owner', 'task_leases.run_id', 'task_leases.since', 'run_owners.host', 'run_owners.pid'])
        .where('task_leases.task_id', '=', taskId).executeTakeFirst();
      // Released between our two statements: try once more rather than refuse a free task.
      if (holder === undefined) return this.claimTask(taskId);
      return { owner: holder.owner, host: holder.host, pid: holder.pid === null ? null : Number(holder.pid), runId: holder.run_id, since: new Date(Number(holder.since)) };
    },
    /** Notes which run holds the task's lease (once the run has an id). */
    async attachRun(taskId: string, runId: string): Promise<void> {
      await db.updateTable('task_leases').set({ run_id: runId }).where('task_id', '=', taskId).where('owner', '=', self.id).execute();
    },
    async releaseTask(taskId: string): Promise<void> {
      await db.deleteFrom('task_leases').where('task_id', '=', taskId).where('owner', '=', self.id).execute();
    },
  };
}
export type RunOwnerStore = ReturnType<typeof createRunOwnerStore>;
