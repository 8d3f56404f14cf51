/**
 * @module Write-behind for the catalog's per-file records (placements, outcomes): queued and committed
 * together, one transaction per batch instead of one commit per file. A commit per record was the largest
 * single cost of copying 10k small files. A process killed before a batch commits loses at most that batch's
 * records, which only means those files are copied again next run: a record is still only ever written after
 * its file is verified, never before.
 */
import type { Kysely } from 'kysely';

export type Write<Db> = (tx: Kysely<Db>) => Promise<unknown>;

export interface WriteBehind<Db> {
  /** Queues a write; rejects at once when an earlier batch failed (the run must stop, not go on unrecorded). */
  enqueue(write: Write<Db>): Promise<void>;
  /** Commits everything queued so far; readers call this first so they see their own writes. */
  flush(): Promise<void>;
}

export function createWriteBehind<Db>(db: Kysely<Db>, options: { maxItems?: number; maxDelayMs?: number } = {}): WriteBehind<Db> {
  const maxItems = options.maxItems ?? 256;
  const maxDelayMs = options.maxDelayMs ?? 25;
  let queue: Write<Db>[] = [];
  let timer: NodeJS.Timeout | undefined;
  let committing: Promise<void> = Promise.resolve();
  let failure: unknown;

  const flush = (): Promise<void> => {
    if (timer) { clearTimeout(timer); timer = undefined; }
    if (queue.length > 0) {
      const batch = queue;
      queue = [];
      committing = committing.then(async () => {
        if (failure !== undefined) return;
        try {
          await db.transaction().execute(async (tx) => { for (const write of batch) await write(tx); });
        } catch (err) {
          failure = err;
        }
      });
    }
    return committing.then(() => { if (failure !== undefined) throw failure; });
  };

  return {
    async enqueue(write) {
      if (failure !== undefined) throw failure;
      queue.push(write);
      if (queue.length >= maxItems) await flush();
      else timer ??= setTimeout(() => { void flush().catch(() => undefined); }, maxDelayMs);
    },
    flush,
  };
}
