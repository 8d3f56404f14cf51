/** @module The session pool and the batched fsync with fake sessions: who gets which connection, dead ones replaced, batches flushed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger, type Logger } from '../../connectors/context.ts';
import { createBatchedSync } from './batched-sync.ts';
import { createSessionPool } from './session-pool.ts';
import type { Session } from './session.ts';

interface FakeSession extends Session { id: number; dead: boolean; calls: string[] }

function fakeSessions() {
  const made: FakeSession[] = [];
  const connect = async (): Promise<Session> => {
    const calls: string[] = [];
    const s = {
      id: made.length, dead: false, calls, extensions: new Set(['fsync@openssh.com']), inOrder: true, maxWrite: 255 * 1024, copiesWrites: false,
      open: async (path: string) => { calls.push(`open ${path}`); return Buffer.from(path); },
      fsync: async (h: Buffer) => { calls.push(`fsync ${h.toString()}`); },
      closeHandle: async (h: Buffer) => { calls.push(`close ${h.toString()}`); },
      end: async () => { s.dead = true; },
    } as unknown as FakeSession;
    made.push(s);
    return s;
  };
  return { made, connect };
}

test('concurrent leases get their own sessions up to the size, then share the least busy', async () => {
  const { made, connect } = fakeSessions();
  const pool = createSessionPool(connect, 3);
  const leases = await Promise.all([pool.lease(), pool.lease(), pool.lease()]);
  assert.deepEqual(leases.map((l) => (l.session as FakeSession).id).sort(), [0, 1, 2]);
  leases[1]!.release();
  const fourth = await pool.lease();
  assert.equal((fourth.session as FakeSession).id, (leases[1]!.session as FakeSession).id, 'the idle one is reused');
  const fifth = await pool.lease();
  assert.equal(made.length, 3, 'never more than the size');
  assert.ok([0, 1, 2].includes((fifth.session as FakeSession).id));
  await pool.close();
  assert.ok(made.every((s) => s.dead));
});

test('an idle session is reused rather than a new one opened', async () => {
  const { made, connect } = fakeSessions();
  const pool = createSessionPool(connect, 4);
  for (let i = 0; i < 5; i++) await pool.use(async () => undefined);
  assert.equal(made.length, 1);
});

test('a dead session is dropped and replaced, and the store hears of it', async () => {
  const { made, connect } = fakeSessions();
  let drops = 0;
  const pool = createSessionPool(connect, 2, { onDrop: () => { drops++; } });
  await pool.use(async () => undefined);
  made[0]!.dead = true;
  const next = await pool.lease();
  assert.equal((next.session as FakeSession).id, 1);
  assert.equal(drops, 1);
  assert.equal(pool.open, 1);
});

test('a failed connect is not remembered: the next lease tries again', async () => {
  let attempts = 0;
  const { connect } = fakeSessions();
  const pool = createSessionPool(async () => { if (attempts++ === 0) throw new Error('refused (test)'); return connect(); }, 2);
  await assert.rejects(pool.lease(), /refused/);
  assert.equal(pool.open, 0);
  await pool.use(async () => undefined);
  assert.equal(attempts, 2);
});

const shareNothing = async () => { throw new Error('not shared (test)'); };

test('batched sync: queued files are opened on the sync connection, fsynced, then closed, once the batch is full', async () => {
  const { made, connect } = fakeSessions();
  const sync = createBatchedSync({ maxHeld: 3, maxDelayMs: 60_000, log: silentLogger, connect, shared: shareNothing });
  sync.hold('/a');
  sync.hold('/b');
  assert.equal(made.length, 0, 'no connection before a batch is due');
  sync.hold('/c');
  await sync.flush();
  assert.deepEqual(made[0]!.calls, ['open /a', 'open /b', 'open /c', 'fsync /a', 'fsync /b', 'fsync /c', 'close /a', 'close /b', 'close /c']);
  assert.equal(sync.held, 0);
  sync.hold('/d');
  await sync.close();
  assert.equal(made.length, 1, 'one sync connection for every batch');
  assert.deepEqual(made[0]!.calls.slice(9), ['open /d', 'fsync /d', 'close /d']);
  assert.equal(made[0]!.dead, true, 'close ends the sync connection');
});

test('batched sync: a batch is flushed after the delay, and failures are logged, not thrown', async () => {
  const { made, connect } = fakeSessions();
  const failing = async () => { const s = await connect() as FakeSession; s.fsync = async () => { throw new Error('disk gone (test)'); }; return s; };
  const warnings: object[] = [];
  const log: Logger = { ...silentLogger, warn: (o) => { warnings.push(o); } };
  const sync = createBatchedSync({ maxHeld: 64, maxDelayMs: 20, log, connect: failing, shared: shareNothing });
  sync.hold('/a');
  await new Promise((r) => setTimeout(r, 60));
  await sync.flush();
  assert.deepEqual(made[0]!.calls, ['open /a', 'close /a']);
  assert.equal(warnings.length, 1);
});

test('batched sync: without an extra connection (a capped server) batches run on a shared one; a dropped one is replaced', async () => {
  const { made, connect } = fakeSessions();
  const transfer = await connect() as FakeSession;
  const warnings: object[] = [];
  const log: Logger = { ...silentLogger, warn: (o) => { warnings.push(o); } };
  const capped = createBatchedSync({ maxHeld: 64, maxDelayMs: 60_000, log, connect: async () => { throw new Error('too many sessions (test)'); }, shared: (fn) => fn(transfer) });
  capped.hold('/a');
  await capped.flush();
  assert.deepEqual(transfer.calls, ['open /a', 'fsync /a', 'close /a']);
  assert.equal(warnings.length, 1, 'the missing connection is reported once');

  const sync = createBatchedSync({ maxHeld: 64, maxDelayMs: 60_000, log: silentLogger, connect, shared: shareNothing });
  sync.hold('/b');
  await sync.flush();
  made[1]!.dead = true;
  sync.hold('/c');
  await sync.flush();
  assert.deepEqual(made[2]!.calls, ['open /c', 'fsync /c', 'close /c']);
});

test('batched sync: batches the connection has not reached wait as paths, at most maxRunning sent at once', { timeout: 5000 }, async () => {
  const { made, connect } = fakeSessions();
  const releases: (() => void)[] = [];
  // Each batch's first fsync finishes only when the test lets it.
  const slow = async () => {
    const s = await connect() as FakeSession;
    s.fsync = (h: Buffer) => { s.calls.push(`fsync ${h.toString()}`); return h.toString().endsWith('a') ? new Promise<void>((r) => releases.push(r)) : Promise.resolve(); };
    return s;
  };
  const sync = createBatchedSync({ maxHeld: 2, maxDelayMs: 60_000, maxRunning: 2, log: silentLogger, connect: slow, shared: shareNothing });
  for (const n of [1, 2, 3]) { sync.hold(`/${n}a`); sync.hold(`/${n}b`); }
  let flushed = false;
  const flushing = sync.flush().then(() => { flushed = true; });
  await new Promise((r) => setImmediate(r));
  const opened = () => made[0]!.calls.filter((c) => c.startsWith('open'));
  assert.deepEqual(opened(), ['open /1a', 'open /1b', 'open /2a', 'open /2b'], 'the third batch is not sent while two are on the connection');
  assert.equal(sync.held, 2);
  releases.shift()!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(opened().slice(4), ['open /3a', 'open /3b'], 'a batch done: the next one goes');
  assert.equal(flushed, false, 'flush waits for every batch, sent or not');
  while (!flushed) {
    for (const release of releases.splice(0)) release();
    await new Promise((r) => setImmediate(r));
  }
  await flushing;
  assert.equal(sync.held, 0);
  await sync.close();
});

test('batched sync: with two lanes, batches due together run on two connections at once; a refused one sends its batches to the first', { timeout: 5000 }, async () => {
  const { made, connect } = fakeSessions();
  const releases: (() => void)[] = [];
  // Every fsync finishes only when the test lets it, so the batches sent are the ones in flight.
  const held = async () => {
    const s = await connect() as FakeSession;
    s.fsync = (h: Buffer) => { s.calls.push(`fsync ${h.toString()}`); return new Promise<void>((r) => releases.push(r)); };
    return s;
  };
  const sync = createBatchedSync({ maxHeld: 1, maxDelayMs: 60_000, maxRunning: 1, lanes: 2, log: silentLogger, connect: held, shared: shareNothing });
  sync.hold('/1');
  await new Promise((r) => setImmediate(r));
  assert.equal(made.length, 1, 'one batch due: one connection');
  for (const n of [2, 3]) sync.hold(`/${n}`);
  await new Promise((r) => setImmediate(r));
  assert.equal(made.length, 2, 'a second batch due while the first runs opens the second lane');
  assert.deepEqual(made.map((m) => m.calls.filter((c) => c.startsWith('fsync'))), [['fsync /1'], ['fsync /2']], 'both fsyncs in flight at once');
  assert.equal(sync.held, 1, 'the third waits as a path, each lane having its one batch');
  const flushing = sync.flush();
  while (sync.held > 0 || releases.length > 0) {
    for (const release of releases.splice(0)) release();
    await new Promise((r) => setImmediate(r));
  }
  await flushing;
  assert.equal(made.length, 2, 'never more connections than lanes');
  await sync.close();
  assert.ok(made.every((m) => m.dead), 'close ends every lane');

  const { made: made2, connect: connect2 } = fakeSessions();
  const refusesSecond = async () => { if (made2.length >= 1) throw new Error('too many sessions (test)'); return connect2(); };
  const warnings: object[] = [];
  const capped = createBatchedSync({ maxHeld: 1, maxDelayMs: 60_000, maxRunning: 1, lanes: 2, log: { ...silentLogger, warn: (o) => { warnings.push(o); } }, connect: refusesSecond, shared: shareNothing });
  for (const n of [1, 2, 3]) capped.hold(`/${n}`);
  await capped.flush();
  assert.deepEqual(made2[0]!.calls.filter((c) => c.startsWith('fsync')).sort(), ['fsync /1', 'fsync /2', 'fsync /3'], 'every batch on the one connection the server allowed');
  assert.deepEqual(warnings, [], 'not a warning: fsyncs still have a connection of their own');
  await capped.close();
});

test('batched sync: a file renamed or removed since it was queued is skipped without a warning', async () => {
  const { made, connect } = fakeSessions();
  const warnings: object[] = [];
  const gone = async () => {
    const s = await connect() as FakeSession;
    s.open = async (path: string) => { if (path === '/gone') throw Object.assign(new Error('No such file'), { code: 2 }); return Buffer.from(path); };
    return s;
  };
  const sync = createBatchedSync({ maxHeld: 64, maxDelayMs: 60_000, log: { ...silentLogger, warn: (o) => { warnings.push(o); } }, connect: gone, shared: shareNothing });
  sync.hold('/gone');
  sync.hold('/here');
  await sync.flush();
  assert.deepEqual(made[0]!.calls, ['fsync /here', 'close /here']);
  assert.deepEqual(warnings, []);
});

test('a server that refuses extra connections gets its working ones shared, not failed transfers', async () => {
  const { made, connect } = fakeSessions();
  const capped: number[] = [];
  const pool = createSessionPool(async () => { if (made.length >= 2) throw new Error('too many sessions (test)'); return connect(); }, 4,
    { onCapped: (open) => capped.push(open) });
  const leases = await Promise.all([pool.lease(), pool.lease(), pool.lease(), pool.lease()]);
  assert.deepEqual([...new Set(leases.map((l) => (l.session as FakeSession).id))].sort(), [0, 1]);
  assert.deepEqual(capped, [2]);
  for (const l of leases) l.release();
  await Promise.all([pool.lease(), pool.lease(), pool.lease()]);
  assert.equal(made.length, 2, 'no further attempts once capped');
});
