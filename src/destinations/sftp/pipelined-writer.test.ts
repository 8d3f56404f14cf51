/** @module The pipelined writer with a fake server: big chunks go out uncopied, small ones gathered, skip, length checks, the tail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { TransferError } from '../../core/transfer-error.ts';
import { pipelineWrite, type PipelineOptions } from './pipelined-writer.ts';

const KiB = 1024;
const chunks = (...sizes: number[]) => sizes.map((n, i) => Buffer.alloc(n, i + 1));
const total = (bufs: Buffer[]) => bufs.reduce((n, b) => n + b.length, 0);

/** Records each request; `fail` makes the request at that position reject. */
function fakeServer(fail?: number) {
  const requests: { at: number; data: Buffer }[] = [];
  const write = async (data: Buffer, at: number) => {
    requests.push({ at, data });
    await new Promise((r) => setImmediate(r));
    if (at === fail) throw new Error('write refused (test)');
  };
  return { requests, write };
}

const run = (bufs: Buffer[], write: (d: Buffer, at: number) => Promise<void>, o: Partial<PipelineOptions> = {}) =>
  pipelineWrite(Readable.from(bufs), write, { blockSize: 255 * KiB, inFlight: 4, skip: 0, size: total(bufs), ...o }, new AbortController().signal);

const assembled = (requests: { at: number; data: Buffer }[]) => {
  const out = Buffer.alloc(requests.reduce((n, r) => Math.max(n, r.at + r.data.length), 0));
  for (const r of requests) r.data.copy(out, r.at);
  return out;
};

test('a chunk longer than a block goes out in equal pieces that are views of it, not copies', async () => {
  const bufs = chunks(256 * KiB, 256 * KiB);
  const { requests, write } = fakeServer();
  await run(bufs, write);
  assert.deepEqual(requests.map((r) => [r.at, r.data.length]), [[0, 128 * KiB], [128 * KiB, 128 * KiB], [256 * KiB, 128 * KiB], [384 * KiB, 128 * KiB]]);
  assert.ok(requests.every((r, i) => r.data.buffer === bufs[Math.floor(i / 2)]!.buffer), 'pieces share the chunk\'s memory');
  assert.deepEqual(assembled(requests), Buffer.concat(bufs));
});

test('small chunks are gathered into requests of at most a block', async () => {
  const bufs = chunks(...Array.from({ length: 40 }, () => 16 * KiB));
  const { requests, write } = fakeServer();
  await run(bufs, write, { blockSize: 100 * KiB });
  assert.deepEqual(requests.map((r) => r.data.length), [96 * KiB, 96 * KiB, 96 * KiB, 96 * KiB, 96 * KiB, 96 * KiB, 64 * KiB]);
  assert.deepEqual(assembled(requests), Buffer.concat(bufs));
});

test('skipped bytes (a resume) are read and dropped, and the rest lands at its offset', async () => {
  const bufs = chunks(100 * KiB, 100 * KiB, 100 * KiB);
  const { requests, write } = fakeServer();
  const confirmed: number[] = [];
  await run(bufs, write, { skip: 150 * KiB, onConfirmed: (n) => confirmed.push(n) });
  assert.equal(requests[0]!.at, 150 * KiB);
  assert.deepEqual(assembled(requests).subarray(150 * KiB), Buffer.concat(bufs).subarray(150 * KiB));
  assert.equal(confirmed.at(-1), 300 * KiB);
});

test('a body shorter or longer than the declared size is corrupted', async () => {
  const bufs = chunks(10 * KiB, 10 * KiB);
  const isCorrupted = (err: unknown) => err instanceof TransferError && err.kind === 'corrupted';
  await assert.rejects(run(bufs, fakeServer().write, { size: 30 * KiB }), isCorrupted);
  await assert.rejects(run(bufs, fakeServer().write, { size: 15 * KiB }), isCorrupted);
});

test('the tail is sent once, right after the last write and before its reply; a failing tail fails the upload', async () => {
  const bufs = chunks(64 * KiB, 64 * KiB);
  const { requests, write } = fakeServer();
  const sentBeforeTail: number[] = [];
  await run(bufs, write, { tail: async () => { sentBeforeTail.push(requests.length); } });
  assert.deepEqual(sentBeforeTail, [2]);

  await assert.rejects(run(bufs, fakeServer().write, { tail: () => Promise.reject(new Error('close refused (test)')) }), /close refused/);
  let tails = 0;
  await assert.rejects(run(bufs, fakeServer(64 * KiB).write, { tail: async () => { tails++; } }), /write refused/);
  assert.ok(tails <= 1);
});
