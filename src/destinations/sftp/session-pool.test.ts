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
      id: made.length, dead: false, calls, extensions: new Set(['fsync@openssh.com']), inOrder: true, maxWrite: 255 * 1024,
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

test('batched sync: held handles are fsynced, then closed, once the batch is full', async () => {
  const { made, connect } = fakeSessions();
  const s = await connect() as FakeSession;
  const sync = createBatchedSync({ maxHeld: 3, maxDelayMs: 60_000, log: silentLogger });
  sync.hold(s, Buffer.from('a'));
  sync.hold(s, Buffer.from('b'));
  assert.deepEqual(s.calls, []);
  sync.hold(s, Buffer.from('c'));
  await sync.flush();
  assert.deepEqual(s.calls, ['fsync a', 'fsync b', 'fsync c', 'close a', 'close b', 'close c']);
  assert.equal(sync.held, 0);
  assert.equal(made.length, 1);
});

test('batched sync: a batch is flushed after the delay, and failures are logged, not thrown', async () => {
  const { connect } = fakeSessions();
  const s = await connect() as FakeSession;
  s.fsync = async () => { throw new Error('disk gone (test)'); };
  const warnings: object[] = [];
  const log: Logger = { ...silentLogger, warn: (o) => { warnings.push(o); } };
  const sync = createBatchedSync({ maxHeld: 64, maxDelayMs: 20, log });
  sync.hold(s, Buffer.from('a'));
  await new Promise((r) => setTimeout(r, 60));
  await sync.flush();
  assert.deepEqual(s.calls, ['close a']);
  assert.equal(warnings.length, 1);
});

test('batched sync: handles of a dropped connection are reported, not sent', async () => {
  const { connect } = fakeSessions();
  const s = await connect() as FakeSession;
  const warnings: object[] = [];
  const sync = createBatchedSync({ maxHeld: 64, maxDelayMs: 60_000, log: { ...silentLogger, warn: (o) => { warnings.push(o); } } });
  sync.hold(s, Buffer.from('a'));
  s.dead = true;
  await sync.flush();
  assert.deepEqual(s.calls, []);
  assert.deepEqual(warnings, [{ files: 1 }]);
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
