/**
 * @module A few SSH connections to one server, leased per operation: OpenSSH serves each connection with one
 * sshd and one sftp-server process, so one connection for four transfers put all decryption and disk writes
 * of a copy on one server core (rclone likewise gives each transfer a connection of its own).
 */
import type { Session } from './session.ts';

export interface Lease {
  readonly session: Session;
  /** Gives the session back; calling it again does nothing. */
  release(): void;
}

export interface SessionPool {
  /**
   * A live session: an idle one, else a new one while fewer than `size` are open, else the least busy one
   * (SFTP multiplexes requests, so sharing is correct, only slower). Dead sessions are dropped and replaced;
   * a failed connect is not remembered, so the next lease tries again. When a connection beyond the first fails
   * while others work, the pool stops growing and shares those.
   */
  lease(): Promise<Lease>;
  /** Runs `fn` on a leased session and releases it afterwards. */
  use<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  /** Extensions of the latest session that connected; undefined before the first. */
  readonly extensions: ReadonlySet<string> | undefined;
  /** Sessions open or opening. */
  readonly open: number;
  /** Ends every session; a later lease opens new ones. */
  close(): Promise<void>;
}

interface Entry {
  readonly session: Promise<Session>;
  settled?: Session;
  busy: number;
}

export interface PoolEvents {
  /** A dead session was found and discarded (the store forgets what it assumed about the server). */
  readonly onDrop?: () => void;
  /** An extra connection failed while others work (servers that cap connections per user): the pool stays at `open`. */
  readonly onCapped?: (open: number, err: unknown) => void;
}

export function createSessionPool(connect: () => Promise<Session>, size: number, events: PoolEvents = {}): SessionPool {
  let entries: Entry[] = [];
  let extensions: ReadonlySet<string> | undefined;
  let limit = size;

  const discard = (entry: Entry) => { entries = entries.filter((e) => e !== entry); };
  function pick(): Entry {
    for (const e of entries) if (e.settled?.dead) { discard(e); events.onDrop?.(); }
    let best: Entry | undefined;
    for (const e of entries) if (!best || e.busy < best.busy) best = e;
    if (best && (best.busy === 0 || entries.length >= limit)) return best;
    const session = connect();
    const entry: Entry = { session, busy: 0 };
    session.then((s) => { entry.settled = s; extensions = s.extensions; }, () => discard(entry));
    entries.push(entry);
    return entry;
  }

  async function lease(): Promise<Lease> {
    // A session that died while its connect was awaited is dropped and another picked; give up after a few.
    for (let tries = 0; ; tries++) {
      const entry = pick();
      entry.busy++;
      let s: Session;
      try { s = await entry.session; } catch (err) {
        entry.busy--;
        // Some servers allow a user only a few connections: share the ones that work rather than fail the transfer.
        const working = () => entries.filter((e) => e.settled && !e.settled.dead).length;
        const opening = entries.filter((e) => !e.settled).map((e) => e.session.then(() => undefined, () => undefined));
        if (working() === 0 && opening.length > 0) await Promise.race(opening);
        if (working() === 0) throw err;
        if (working() < limit) { limit = working(); events.onCapped?.(limit, err); }
        continue;
      }
      if (s.dead && tries < 3) { entry.busy--; continue; }
      let released = false;
      return { session: s, release: () => { if (!released) { released = true; entry.busy--; } } };
    }
  }

  return {
    lease,
    async use(fn) {
      const l = await lease();
      try { return await fn(l.session); } finally { l.release(); }
    },
    get extensions() { return extensions; },
    get open() { return entries.length; },
    async close() {
      const all = entries;
      entries = [];
      await Promise.all(all.map(async (e) => (await e.session.catch(() => undefined))?.end()));
    },
  };
}
