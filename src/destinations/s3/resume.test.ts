/** @module Multipart resume across a "restart": a 40 MiB upload aborted mid-way finishes later without re-sending its parts. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Transform, type Readable } from 'node:stream';
import { startS3rver, type S3rverServer } from '../../../test/servers/s3rver.ts';
import { startFaultProxy, type FaultProxy } from '../../../test/servers/fault-proxy.ts';
import { patternStream, sha256Of } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger, type ConnectorState } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import { s3Destination } from './index.ts';
import { STATE_PREFIX, choosePartSize } from './multipart-state.ts';
import type { S3Store } from './s3-store.ts';

const MiB = 1024 * 1024;
const SIZE = 40 * MiB;
const signal = () => AbortSignal.timeout(120_000);

/** What `Source.open(..., { offset })` would return: the same bytes, starting later. */
function fromOffset(stream: Readable, offset: number): Readable {
  let skip = offset;
  return stream.pipe(new Transform({
    transform(chunk: Buffer, _e, done) {
      if (skip >= chunk.length) { skip -= chunk.length; done(); return; }
      const rest = chunk.subarray(skip); skip = 0; done(null, rest);
    },
  }));
}

describe('s3 multipart resume', () => {
  let server: S3rverServer;
  let proxy: FaultProxy;
  // One state for both "processes": in the app it lives in the catalog and survives a restart.
  let state: ConnectorState;
  const freshStore = async () => await s3Destination.create(s3Destination.options.parse({
    bucket: 'photos', prefix: 'resume', provider: 'custom', endpoint: proxy.endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER',
    partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 2,
  }), { log: silentLogger, state }) as S3Store;

  /** Starts the upload and aborts it once about half the file has reached the server. */
  async function interruptedUpload(path: string): Promise<void> {
    const store = await freshStore();
    const controller = new AbortController();
    proxy.resetCounters();
    proxy.onForward = (total) => { if (total > SIZE / 2) controller.abort(); };
    await assert.rejects(store.write(path, patternStream(SIZE, 21), { size: SIZE }, controller.signal),
      (err: unknown) => err instanceof TransferError && err.kind === 'cancelled');
    proxy.onForward = undefined;
    assert.equal(await store.stat(path, signal()), null, 'an unfinished multipart upload must not be visible');
    await store.close();
  }

  before(async () => {
    server = await startS3rver();
    proxy = await startFaultProxy(server.endpoint);
    state = memoryState();
  });
  after(async () => { await proxy?.stop(); await server?.stop(); });

  it('a re-run reading the source from 0 skips the finished parts and stores identical bytes', async () => {
    await interruptedUpload('videos/long.mov');
    assert.equal((await state.keys(STATE_PREFIX)).length, 1, 'upload id and parts are kept in ctx.state');
    proxy.resetCounters();
    const store = await freshStore();
    await store.write('videos/long.mov', patternStream(SIZE, 21), { size: SIZE }, signal());
    assert.ok(proxy.forwardedBytes < SIZE * 0.75, `second run sent ${proxy.forwardedBytes} of ${SIZE} bytes`);
    assert.deepEqual(await sha256Of(await store.read!('videos/long.mov', signal())), await sha256Of(patternStream(SIZE, 21)));
    assert.deepEqual(await state.keys(STATE_PREFIX), [], 'state is dropped once the object is complete');
    await store.close();
  });

  it('a re-run may open the source at resumeOffset and send only the rest', async () => {
    await interruptedUpload('videos/offset.mov');
    const store = await freshStore();
    const offset = await store.resumeOffset('videos/offset.mov', { size: SIZE }, signal());
    assert.ok(offset > 0 && offset % (5 * MiB) === 0, `offset ${offset}`);
    proxy.resetCounters();
    await store.write('videos/offset.mov', fromOffset(patternStream(SIZE, 21), offset), { size: SIZE, offset }, signal());
    assert.ok(proxy.forwardedBytes <= SIZE - offset + 4096, `sent ${proxy.forwardedBytes}, offset ${offset}`);
    assert.deepEqual(await sha256Of(await store.read!('videos/offset.mov', signal())), await sha256Of(patternStream(SIZE, 21)));
    await store.close();
  });

  it('changed bytes at the same size are re-sent, not stitched into the old parts', async () => {
    await interruptedUpload('videos/changed.mov');
    const store = await freshStore();
    await store.write('videos/changed.mov', patternStream(SIZE, 99), { size: SIZE }, signal());
    assert.deepEqual(await sha256Of(await store.read!('videos/changed.mov', signal())), await sha256Of(patternStream(SIZE, 99)));
    await store.close();
  });

  it('stale unfinished uploads are aborted by cleanup', async () => {
    await interruptedUpload('videos/stale.mov');
    const [key] = await state.keys(STATE_PREFIX);
    const st = await state.get<Record<string, unknown>>(key!);
    await state.set(key!, { ...st, createdAt: Date.now() - 30 * 86_400_000 });
    assert.equal(await (await freshStore()).cleanup(signal()), 1);
    assert.deepEqual(await state.keys(STATE_PREFIX), []);
  });

  it('the part size grows so that 500 GB fits in 10,000 parts', () => {
    const size = 500e9;
    const part = choosePartSize(size, 8 * MiB);
    assert.ok(Math.ceil(size / part) <= 10_000 && part % MiB === 0, `part ${part}`);
    assert.equal(choosePartSize(40 * MiB, 8 * MiB), 8 * MiB);
    assert.throws(() => choosePartSize(6 * 1024 ** 4 * 10, 8 * MiB), TransferError);
  });
});
