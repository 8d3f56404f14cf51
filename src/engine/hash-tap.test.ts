import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OFFLOAD_MIN_BYTES, hashTap, wantsMd5 } from './hash-tap.ts';
import { hashWorkerRunning } from '../core/hash-worker.ts';

const MiB = 1024 * 1024;
const expected = (chunks: Buffer[]) => ({
  sha256: createHash('sha256').update(Buffer.concat(chunks)).digest('hex'),
  md5: createHash('md5').update(Buffer.concat(chunks)).digest('hex'),
});
const sink = () => new Writable({ write(_c, _e, done) { setImmediate(done); } });
const chunksOf = (total: number, size: number) => Array.from({ length: Math.ceil(total / size) }, (_, i) => randomBytes(Math.min(size, total - i * size)));

describe('hash tap', () => {
  // First in the file, so no earlier test has started the worker in this process.
  it("'if-running' hashes a large body here while no worker runs, and in the worker once one does", async () => {
    const total = OFFLOAD_MIN_BYTES + 5_000;
    const chunks = chunksOf(total, 256 * 1024);
    assert.equal(hashWorkerRunning(), false);
    const here = hashTap({ md5: true, size: total, offload: 'if-running' });
    await pipeline(Readable.from(chunks), here.stream, sink());
    assert.deepEqual(await here.digest(), { bytes: total, ...expected(chunks) });
    assert.equal(hashWorkerRunning(), false, 'no worker was started for it');

    const started = hashTap({ md5: true, size: total });
    await pipeline(Readable.from(chunks), started.stream, sink());
    assert.equal(hashWorkerRunning(), true, 'a body of this size starts the worker by default');
    assert.deepEqual(await started.digest(), { bytes: total, ...expected(chunks) });
    const there = hashTap({ md5: true, size: total, offload: 'if-running' });
    await pipeline(Readable.from(chunks), there.stream, sink());
    assert.deepEqual(await there.digest(), { bytes: total, ...expected(chunks) });
  });

  for (const total of [0, 300_000, OFFLOAD_MIN_BYTES + 12_345, 40 * MiB]) {
    it(`${total} bytes: digest equals SHA-256 and MD5 of the bytes, the bytes pass unchanged, progress counts them`, async () => {
      const chunks = chunksOf(total, 256 * 1024);
      let counted = 0;
      const tap = hashTap({ md5: true, size: total, onBytes: (n) => { counted += n; } });
      const seen = createHash('sha256');
      await pipeline(Readable.from(chunks), tap.stream, new Writable({ write(c: Buffer, _e, done) { seen.update(c); setImmediate(done); } }));
      const want = expected(chunks);
      assert.deepEqual(await tap.digest(), { bytes: total, ...want });
      assert.equal(seen.digest('hex'), want.sha256);
      assert.equal(counted, total);
    });
  }

  it('chunks in shared memory hash the same as any other', async () => {
    const chunks = chunksOf(9 * MiB, 256 * 1024).map((c) => { const shared = Buffer.from(new SharedArrayBuffer(c.length)); c.copy(shared); return shared; });
    const tap = hashTap({ md5: true, size: 9 * MiB });
    await pipeline(Readable.from(chunks), tap.stream, sink());
    assert.deepEqual(await tap.digest(), { bytes: 9 * MiB, ...expected(chunks) });
  });

  it('leaves MD5 out when not asked for (in the worker too)', async () => {
    const chunks = chunksOf(6 * MiB, 1 << 20);
    const tap = hashTap({ md5: false, size: 6 * MiB });
    await pipeline(Readable.from(chunks), tap.stream, sink());
    const digest = await tap.digest();
    assert.equal(digest.md5, undefined);
    assert.equal(digest.sha256, expected(chunks).sha256);
  });

  it('a body that fails midway rejects the digest of a worker-hashed stream instead of hanging', async () => {
    const tap = hashTap({ md5: false, size: 20 * MiB });
    async function* broken() { yield randomBytes(MiB); throw new Error('disk gone'); }
    await assert.rejects(pipeline(Readable.from(broken()), tap.stream, sink()), /disk gone/);
    await assert.rejects(tap.digest());
  });

  it('several streams hashed at once in the worker each get their own digest', async () => {
    const bodies = [0, 1, 2, 3].map(() => chunksOf(5 * MiB, 256 * 1024));
    const digests = await Promise.all(bodies.map(async (chunks) => {
      const tap = hashTap({ md5: true, size: 5 * MiB });
      await pipeline(Readable.from(chunks), tap.stream, sink());
      return tap.digest();
    }));
    digests.forEach((d, i) => assert.deepEqual(d, { bytes: 5 * MiB, ...expected(bodies[i]!) }));
  });

  it('asks for MD5 only up to the size the destination reports one for', () => {
    assert.equal(wantsMd5({ hashes: ['md5'] }, 10 * 1024 * MiB), true);
    assert.equal(wantsMd5({ hashes: ['md5'], hashesUpTo: 64 * MiB }, 64 * MiB), true);
    assert.equal(wantsMd5({ hashes: ['md5'], hashesUpTo: 64 * MiB }, 64 * MiB + 1), false);
    assert.equal(wantsMd5({ hashes: [] }, 1), false);
  });
});
