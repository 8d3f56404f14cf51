/** @module The upload buffer pool: a fixed budget shared by concurrent writes, never one buffer twice, MD5s from the worker. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPartPool } from './part-pool.ts';

const signal = () => AbortSignal.timeout(10_000);

describe('s3 part pool', () => {
  it('hands out at most the budget, never the same buffer twice, and reuses what comes back', async () => {
    const pool = createPartPool(2, 1024);
    const inUse = new Set<ArrayBufferLike>();
    const seen = new Set<ArrayBufferLike>();
    let peak = 0;
    await Promise.all(Array.from({ length: 12 }, async (_, i) => {
      const buf = await pool.take(100 + i, signal());
      assert.ok(!inUse.has(buf.buffer), 'a buffer was handed out while still in use');
      inUse.add(buf.buffer);
      seen.add(buf.buffer);
      peak = Math.max(peak, inUse.size);
      assert.ok(buf.length >= 1024);
      await sleep(5);
      inUse.delete(buf.buffer);
      if (i % 3 === 0) pool.forget(buf); else pool.give(buf);
    }));
    assert.equal(peak, 2);
    // Forgotten buffers free their budget but are replaced, not reused.
    assert.ok(seen.size > 2 && seen.size < 12, `${seen.size} distinct buffers`);
    await pool.close();
  });

  it('a larger request than the usual slot gets its own size, replacing a small free buffer at the budget', async () => {
    const pool = createPartPool(1, 1024);
    const small = await pool.take(10, signal());
    pool.give(small);
    const big = await pool.take(4096, signal());
    assert.ok(big.length >= 4096);
    assert.notEqual(big.buffer, small.buffer);
    pool.give(big);
    await pool.close();
  });

  it('a wait for a buffer ends with the write\'s abort', async () => {
    const pool = createPartPool(1, 16);
    const held = await pool.take(16, signal());
    const controller = new AbortController();
    const waiting = pool.take(16, controller.signal);
    controller.abort(new Error('cancelled by test'));
    await assert.rejects(waiting, /cancelled by test/);
    pool.give(held);
    // The aborted waiter left the queue: the next take gets the buffer at once.
    assert.equal((await pool.take(16, signal())).buffer, held.buffer);
    await pool.close();
  });

  it('MD5s come from the worker and match node:crypto, for whole buffers and views', async () => {
    const pool = createPartPool(2, 1 << 20);
    const buf = await pool.take(1 << 20, signal());
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 31) & 0xff;
    for (const view of [buf, buf.subarray(0, 1000), buf.subarray(0, 0)]) {
      assert.deepEqual(await pool.md5(view), createHash('md5').update(view).digest());
    }
    // A buffer that is not the pool's (no shared memory) is hashed in place.
    assert.deepEqual(await pool.md5(Buffer.from('plain')), createHash('md5').update('plain').digest());
    pool.give(buf);
    await pool.close();
  });
});
