/**
 * @module durability `run`: files that got their final name are fsynced in batches on a connection of their own.
 * On ext4 here an fsync per file cost ~3 ms of journal commit and concurrent ones did not overlap, so 10k small
 * files paid 30 s; a batch pays about one commit. The batch runs on its own connection because OpenSSH serves a
 * connection with one single-threaded sftp-server: fsyncs there stalled every transfer queued behind them (10k
 * small files: 47 s with fsyncs on the transfer connections, 30 s without). fsync(2) flushes the file, not the
 * descriptor, so opening the file again read-only on the other connection syncs the bytes the transfer wrote.
 * Batches the connections have not reached yet wait here as lists of paths, not as requests sent: sent at once, 20k
 * files to a local sshd had ~35 batches (~9k requests, each with its promise and packet) pending by the end, +16–26
 * MiB of RSS, since the one sftp-server runs them one after another whenever they are sent.
 * Batches can go over a few sync connections (lanes), each served by its own sftp-server: one could not keep up with
 * the transfers, so a copy of 10k small files to a local sshd ended with 1.5–2.6 s of fsyncs still queued.
 */
import type { Logger } from '../../connectors/context.ts';
import type { Session } from './session.ts';

const isMissing = (err: unknown) => (err as { code?: unknown } | undefined)?.code === 2;

export interface BatchedSync {
  /** Queues a fully written file, by its absolute path on the server, for a batched fsync. */
  hold(path: string): void;
  /** Flushes everything queued so far. Failures are logged (the files are already in place), never thrown. */
  flush(): Promise<void>;
  /** Files queued right now and not yet sent for syncing. */
  readonly held: number;
  /** Flushes, then ends the sync connection. */
  close(): Promise<void>;
}

export interface BatchedSyncOptions {
  /** A batch is flushed once this many files are queued... */
  readonly maxHeld: number;
  /** ...or this long after its first file, whichever comes first. */
  readonly maxDelayMs: number;
  /** Batches on a connection at once (default 2: one being served, the next one's requests already there). */
  readonly maxRunning?: number;
  /** Sync connections at most (default 1); a second one opens once two batches are due at the same time. */
  readonly lanes?: number;
  readonly log: Logger;
  /** Opens the connection the batches run on (once, and again after it dropped). */
  readonly connect: () => Promise<Session>;
  /** Runs a batch on a transfer connection instead, when the server refused the extra one. */
  readonly shared: <T>(fn: (s: Session) => Promise<T>) => Promise<T>;
}

export function createBatchedSync(o: BatchedSyncOptions): BatchedSync {
  let batch: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const maxRunning = o.maxRunning ?? 2;
  /** Each lane's connection, opened when a batch first goes there; it resolves to undefined once refused. */
  const own: (Promise<Session | undefined> | undefined)[] = [];
  /** Batches sent on each lane and not finished. */
  const running: number[] = Array.from({ length: Math.max(1, o.lanes ?? 1) }, () => 0);
  const idle = () => running.every((n) => n === 0);
  /** Full batches no connection has started. */
  const waiting: string[][] = [];
  /** Callers of flush, waiting until no batch runs (then every batch queued before them has finished, on any lane). */
  let drained: (() => void)[] = [];

  /**
   * A lane's sync connection. One the server refused (it caps connections) sends its batches to the first lane's; when
   * that one was refused too, it is undefined and batches share the transfer connections.
   */
  function session(lane: number): Promise<Session | undefined> {
    own[lane] ??= o.connect().catch((err: unknown) => {
      if (lane === 0) o.log.warn({ error: String(err) }, 'sftp: no extra connection for batched fsyncs; they share the transfer connections');
      else o.log.info({ lane, error: String(err) }, 'sftp: the server refused another connection for batched fsyncs; they share the first');
      return undefined;
    });
    return own[lane].then((s) => {
      if (!s) return lane === 0 ? undefined : session(0);
      if (!s.dead) return s;
      own[lane] = undefined;
      return session(lane);
    });
  }

  async function syncOn(s: Session, paths: readonly string[]): Promise<void> {
    const opened = await Promise.allSettled(paths.map((p) => s.open(p, 'r')));
    const handles = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    // Every fsync goes out before any close, all without waiting: one round trip and about one journal commit.
    // A file gone since it was queued was renamed (its new name is queued too) or removed: nothing to sync.
    const results = [...opened.filter((r) => r.status === 'fulfilled' || !isMissing(r.reason)),
      ...await Promise.allSettled([...handles.map((h) => s.fsync(h)), ...handles.map((h) => s.closeHandle(h))])];
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      o.log.warn({ files: paths.length, failures: failed.length, error: String(failed[0]!.reason) }, 'sftp: flushing written files to disk failed');
    }
  }

  async function sync(paths: readonly string[], lane: number): Promise<void> {
    const s = await session(lane);
    await (s ? syncOn(s, paths) : o.shared((shared) => syncOn(shared, paths))).catch((err: unknown) => {
      o.log.warn({ files: paths.length, error: String(err) }, 'sftp: flushing written files to disk failed');
    });
  }

  function pump(): void {
    while (waiting.length > 0) {
      const lane = running.indexOf(Math.min(...running));
      if (running[lane]! >= maxRunning) return;
      running[lane]! += 1;
      void sync(waiting.shift()!, lane).finally(() => {
        running[lane]! -= 1;
        pump(); // starts the next batch if one waits, so none running means none left
        if (idle()) { const done = drained; drained = []; for (const d of done) d(); }
      });
    }
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (batch.length > 0) {
      waiting.push(batch);
      batch = [];
      pump();
    }
    if (idle()) return Promise.resolve();
    return new Promise((resolve) => drained.push(resolve));
  }

  return {
    hold(path) {
      batch.push(path);
      if (batch.length >= o.maxHeld) { void flush(); return; }
      // Unref'd: a store nobody closes must not keep the process alive.
      timer ??= setTimeout(() => void flush(), o.maxDelayMs).unref();
    },
    flush,
    get held() { return batch.length + waiting.reduce((n, b) => n + b.length, 0); },
    async close() {
      await flush();
      const opened = await Promise.all(own.splice(0));
      await Promise.all(opened.map((s) => s?.end()));
    },
  };
}
