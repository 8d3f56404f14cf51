/**
 * @module Lent read chunks (core/read-chunks.ts): the pool's rules, and each writer that gives chunks back, fed by
 * the folder source through the hash tap (worker path) with slow stages and poisoned releases: a chunk given back
 * while anyone still reads it would change the stored bytes or the digest. A deliberately early release shows
 * the check catches it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChunkPool, isLent, poisonReleasedChunks, releaseChunk } from '../core/read-chunks.ts';
import { silentLogger } from '../connectors/context.ts';
import type { Asset } from '../core/asset.ts';
import { generateSampleLibrary } from '../sample/index.ts';
import { FolderSource } from '../sources/folder/folder-source.ts';
import { createLocalStore } from '../destinations/local/local-store.ts';
import { PartReader } from '../destinations/s3/body.ts';
import { pipelineWrite } from '../destinations/sftp/pipelined-writer.ts';
import { OFFLOAD_MIN_BYTES, hashTap } from './hash-tap.ts';
import { RunGate } from './gate.ts';

const signal = new AbortController().signal;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('chunk pool', () => {
  const fill = (byte: number) => async (buf: Buffer) => { buf.fill(byte); return buf.length; };

  it('gives back only the object it lent, once; views of it and other buffers give back nothing', async () => {
    const pool = new ChunkPool(1024, 4);
    const a = await pool.read(fill(1));
    assert.ok(isLent(a));
    releaseChunk(a.subarray(0, 10));
    releaseChunk(Buffer.alloc(1024));
    releaseChunk(undefined);
    assert.equal(pool.spare, 0, 'a view or a stranger released nothing');
    releaseChunk(a);
    assert.equal(pool.spare, 1);
    const b = await pool.read(fill(2));
    assert.equal(b.buffer, a.buffer, 'the memory is reused');
    assert.notEqual(b, a, 'through a new object');
    releaseChunk(a);
    assert.ok(isLent(b), 'a stale reference to the old lending does not give back the new one');
    assert.equal(b[0], 2);
  });

  it('keeps at most `keep` spare chunks; a short read is a view of a whole chunk, an empty one goes straight back', async () => {
    const pool = new ChunkPool(64, 2);
    const lent = await Promise.all([1, 2, 3].map((n) => pool.read(fill(n))));
    for (const c of lent) releaseChunk(c);
    assert.equal(pool.spare, 2);
    const short = await pool.read(async () => 10);
    assert.equal(short.length, 10);
    releaseChunk(short);
    assert.equal(pool.spare, 2);
    const empty = await pool.read(async () => 0);
    assert.equal(empty.length, 0);
    assert.ok(!isLent(empty));
    assert.equal(pool.spare, 2);
    await assert.rejects(pool.read(async () => { throw new Error('read failed (test)'); }), /read failed/);
    assert.equal(pool.spare, 2, 'a failed read gives its chunk back');
  });
});

describe('writers that give chunks back, under poisoned reuse', () => {
  let dir = '';
  let source: FolderSource;
  let asset: Asset;
  let bytes: Buffer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pf-chunks-'));
    // A video of pseudo-random bytes, large enough for the worker hash and many chunks (each one different).
    const sample = await generateSampleLibrary({
      dir: join(dir, 'lib'), seed: 'chunk-reuse', photos: 0, videos: 1, livePhotos: 0, rawPairs: 0, screenshots: 0, edited: 0,
      videoBytes: [9_000_000, 9_000_000],
    });
    bytes = await readFile(join(dir, 'lib', sample.assets[0]!.files[0]!.path));
    assert.ok(bytes.length >= OFFLOAD_MIN_BYTES);
    source = new FolderSource({ path: join(dir, 'lib'), foldersAsAlbums: false, pageSize: 100, concurrency: 1 }, silentLogger);
    for await (const page of source.changes(null, signal)) asset ??= page.upserts[0]!;
    poisonReleasedChunks(true);
  });
  after(async () => {
    poisonReleasedChunks(false);
    await source.close();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * The engine's pipeline as `serve` runs it (source → gate, unlimited → tap) with a stage that holds each chunk a while before passing it on; counts the
   * chunks and the distinct memory they used, so a test can tell reuse happened at all.
   */
  async function tapped() {
    const tap = hashTap({ md5: true, size: bytes.length });
    const memory = new Set<ArrayBufferLike>();
    let chunks = 0;
    let n = 0;
    const slow = new Transform({
      highWaterMark: 1 << 18,
      transform(chunk: Buffer, _e, done) {
        chunks++;
        memory.add(chunk.buffer);
        // varying delays, so writes overlap differently from one chunk to the next
        void sleep(n++ % 3).then(() => done(null, chunk));
      },
    });
    const body = await source.open(asset, 'original', signal);
    const flowing = pipeline(body, new RunGate(null).stream(signal), tap.stream, slow).catch(() => undefined);
    return {
      body: slow as Readable,
      async check(stored: Buffer) {
        await flowing;
        assert.equal(stored.length, bytes.length);
        assert.ok(stored.equals(bytes), 'the stored bytes are the source\'s');
        const digest = await tap.digest();
        assert.equal(digest.sha256, sha256(bytes), 'the digest is of the source\'s bytes');
        assert.equal(digest.md5, createHash('md5').update(bytes).digest('hex'));
        return { chunks, distinct: memory.size };
      },
    };
  }

  it('local store: each chunk goes back after its write; the file holds the source\'s bytes', async () => {
    const store = createLocalStore({ root: join(dir, 'out'), durability: 'none' });
    const t = await tapped();
    await store.write('video.mov', t.body, { size: bytes.length }, signal);
    const { chunks, distinct } = await t.check(await readFile(join(dir, 'out', 'video.mov')));
    assert.ok(distinct < chunks / 4, `chunks reused (${distinct} buffers for ${chunks} chunks)`);
  });

  it('S3 parts: each chunk goes back once copied into a part; slow part reads still get the right bytes', async () => {
    const t = await tapped();
    const reader = new PartReader(t.body, 'video.mov');
    const part = Buffer.alloc(1 << 20);
    const parts: Buffer[] = [];
    for (let done = 0; done < bytes.length;) {
      const len = Math.min(part.length, bytes.length - done);
      const got = await reader.read(len, bytes.length, done, part);
      await sleep(2);
      parts.push(Buffer.from(got));
      done += len;
    }
    await reader.expectEnd(bytes.length);
    const { chunks, distinct } = await t.check(Buffer.concat(parts));
    assert.ok(distinct < chunks / 4, `chunks reused (${distinct} buffers for ${chunks} chunks)`);
  });

  it('SFTP pipelined writes: a chunk goes back once its pieces are copied into requests answered late and out of order', async () => {
    const t = await tapped();
    const image = Buffer.alloc(bytes.length);
    let k = 0;
    // As ssh2 does: the request's bytes are copied when it is made; the reply comes later.
    const write = async (data: Buffer, at: number) => { const copy = Buffer.from(data); await sleep(k++ % 4); copy.copy(image, at); };
    await pipelineWrite(t.body, write, { blockSize: 100 * 1024, inFlight: 8, skip: 0, size: bytes.length, copies: true }, signal);
    const { chunks, distinct } = await t.check(image);
    assert.ok(distinct < chunks / 4, `chunks reused (${distinct} buffers for ${chunks} chunks)`);
  });

  it('a writer that gives a chunk back before it is done with it is caught: the stored bytes differ', async () => {
    const t = await tapped();
    const out: Buffer[] = [];
    await pipeline(t.body, new Writable({
      write(chunk: Buffer, _e, done) {
        releaseChunk(chunk); // the bug: given back, then read
        setImmediate(() => { out.push(Buffer.from(chunk)); done(); });
      },
    }));
    await assert.rejects(t.check(Buffer.concat(out)), /stored bytes are the source's/);
  });
});
