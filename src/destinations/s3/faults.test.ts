/** @module S3 store against s3rver behind a fault-injecting proxy: typed retryable errors, nothing partial visible. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { startS3rver, type S3rverServer } from '../../../test/servers/s3rver.ts';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../../../test/servers/fault-proxy.ts';
import { bufferStream, patternStream, sha256Of } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger, type ConnectorState, type Logger } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import { putBytes } from '../../engine/derived/put-bytes.ts';
import { createFileDestination } from '../file-destination.ts';
import { s3Destination } from './index.ts';
import type { S3Store } from './s3-store.ts';

const MiB = 1024 * 1024;
const signal = () => AbortSignal.timeout(60_000);
const isPut = (req: IncomingMessage) => req.method === 'PUT' && !(req.url ?? '').includes('uploadId');
const isPart = (req: IncomingMessage) => req.method === 'PUT' && (req.url ?? '').includes('uploadId');
/**
 * A network or server that damages bytes: flips one bit of the first body chunk of the requests `pick`
 * chooses, in place, before the proxy forwards it. The rule itself never fires (its match hook is the fault).
 */
const damaging = (pick: (req: IncomingMessage) => boolean): FaultRule => ({
  match(req) {
    if (!pick(req)) return false;
    let first = true;
    req.prependListener('data', (c: Buffer) => { if (first && c.length > 0) { c[0]! ^= 1; first = false; } });
    return false;
  },
  fault: { type: 'drop', afterBytes: 0 },
});

describe('s3 store under injected faults', () => {
  let server: S3rverServer;
  let proxy: FaultProxy;
  let store: S3Store;
  let state: ConnectorState;
  const makeStore = async (extra: Record<string, unknown> = {}, log: Logger = silentLogger) => await s3Destination.create(s3Destination.options.parse({
    bucket: 'photos', prefix: 'faults', provider: 'custom', endpoint: proxy.endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER',
    partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 2, ...extra,
  }), { log, state }) as S3Store;
  const p = (name: string) => `${randomUUID().slice(0, 8)}/${name}`;
  const rejectsWith = async (promise: Promise<unknown>, kind: TransferError['kind'], text?: RegExp) => {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof TransferError, `not a TransferError: ${String(err)}`);
      assert.equal(err.kind, kind, err.message);
      if (text) assert.match(err.message, text);
      return true;
    });
  };

  before(async () => {
    server = await startS3rver();
    proxy = await startFaultProxy(server.endpoint);
    state = memoryState();
    store = await makeStore();
  });
  after(async () => { await store?.close(); await proxy?.stop(); await server?.stop(); });

  it('a 500 on a single PUT is a retryable transient error and nothing is visible', async () => {
    const path = p('500.jpg');
    proxy.addFault({ match: isPut, fault: { type: 'status', status: 500, code: 'InternalError' }, times: 1 });
    const err = store.write(path, bufferStream('x'.repeat(1000)), { size: 1000 }, signal());
    await rejectsWith(err, 'transient', /connection to the storage server failed/);
    assert.equal(await store.stat(path, signal()), null);
  });

  it('a failed streamed PUT prints nothing on the console: what the SDK says goes to the log', async () => {
    const logged: string[] = [];
    const quiet = await makeStore({}, { ...silentLogger, debug: (o: object) => { logged.push(JSON.stringify(o)); } });
    const printed: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => { printed.push(args); };
    try {
      proxy.addFault({ match: isPut, fault: { type: 'status', status: 500, code: 'InternalError' }, times: 1 });
      await rejectsWith(quiet.write(p('quiet.jpg'), bufferStream('x'.repeat(1000)), { size: 1000 }, signal()), 'transient');
    } finally {
      console.warn = warn;
      await quiet.close();
    }
    assert.deepEqual(printed, []);
    assert.ok(logged.some((line) => line.includes('non-retryable streaming request')), `the SDK's warning is in the log: ${logged.join('\n')}`);
  });

  it('a small PUT to a server that never answers is cancelled at once by its signal, and the store works after', async () => {
    proxy.addFault({ match: isPut, fault: { type: 'stall' } });
    const stop = new AbortController();
    const path = p('stalled.jpg');
    const started = Date.now();
    const write = store.writeBytes!(path, Buffer.from('x'.repeat(3000)), { size: 3000 }, stop.signal);
    setTimeout(() => stop.abort(), 300);
    await rejectsWith(write, 'cancelled');
    // Far below the request timeout (180 s): the stop closed the connection rather than waiting on the server.
    assert.ok(Date.now() - started < 10_000, `cancelling took ${Date.now() - started} ms`);
    proxy.clearFaults();
    assert.equal(await store.stat(path, signal()), null);
    await store.writeBytes!(path, Buffer.from('after'), { size: 5 }, signal());
    assert.equal((await store.stat(path, signal()))?.size, 5);
  });

  it('503 SlowDown is rate-limited with the server\'s Retry-After', async () => {
    const path = p('slow.jpg');
    proxy.addFault({ match: isPut, fault: { type: 'status', status: 503, code: 'SlowDown', retryAfter: 3 }, times: 1 });
    await assert.rejects(store.write(path, bufferStream('abc'), { size: 3 }, signal()), (err: unknown) =>
      err instanceof TransferError && err.kind === 'rate-limited' && err.retryable && err.retryAfterMs === 3000);
    assert.equal(await store.stat(path, signal()), null);
  });

  it('a connection dropped mid-body is transient and leaves nothing (and an older file survives)', async () => {
    const path = p('drop.mov');
    await store.write(path, bufferStream('old version'), { size: 11 }, signal());
    proxy.addFault({ match: isPut, fault: { type: 'drop', afterBytes: 256 * 1024 }, times: 1 });
    await rejectsWith(store.write(path, patternStream(2 * MiB, 4), { size: 2 * MiB }, signal()), 'transient');
    assert.equal((await store.stat(path, signal()))?.size, 11);
  });

  it('a part that fails once is retried inside the write', async () => {
    const path = p('retry.mov');
    proxy.addFault({ match: isPart, fault: { type: 'status', status: 500, code: 'InternalError' }, times: 1 });
    const stored = await store.write(path, patternStream(12 * MiB, 6), { size: 12 * MiB }, signal());
    assert.equal(stored.size, 12 * MiB);
    assert.equal((await store.stat(path, signal()))?.size, 12 * MiB);
  });

  // The store reports the server's ETag-MD5; comparing it with the MD5 of what was sent is the caller's
  // job (the engine hashes while streaming), and the file destination removes the object on a mismatch.
  it('a single PUT stored with other bytes is reported as such, and the engine\'s verify removes it', async () => {
    const path = p('damaged.jpg');
    const data = Buffer.from('the bytes we meant to store');
    proxy.addFault(damaging(isPut));
    const stored = await store.write(path, bufferStream(data), { size: data.length }, signal());
    assert.notEqual(stored.hashes?.[0]?.value, createHash('md5').update(data).digest('hex'), 'write must report what the server holds');
    const destination = createFileDestination('s3-test', store);
    const item = { asset: null, role: 'original', path, body: bufferStream(data), size: data.length, contentType: 'image/jpeg' } as const;
    await rejectsWith(putBytes(destination, item, () => undefined, signal()), 'corrupted', /md5 mismatch/);
    assert.equal(await store.stat(path, signal()), null);
    proxy.clearFaults();
  });

  it('a part stored with other bytes is sent again; damaged every time, the write fails as corrupted', async () => {
    const path = p('damaged.mov');
    let parts = 0;
    proxy.addFault(damaging((req) => isPart(req) && ++parts === 2));
    await store.write(path, patternStream(12 * MiB, 9), { size: 12 * MiB }, signal());
    assert.deepEqual(await sha256Of(await store.read!(path, signal())), await sha256Of(patternStream(12 * MiB, 9)));
    proxy.clearFaults();

    const broken = p('damaged-always.mov');
    proxy.addFault(damaging((req) => isPart(req) && (req.url ?? '').includes('partNumber=2')));
    await rejectsWith(store.write(broken, patternStream(12 * MiB, 9), { size: 12 * MiB }, signal()), 'corrupted', /part 2 arrived damaged/);
    assert.equal(await store.stat(broken, signal()), null);
    proxy.clearFaults();
  });

  it('parts failing for good give a typed error, no object, and the next run resumes', async () => {
    const path = p('persistent.mov');
    let parts = 0;
    proxy.addFault({ match: (req) => isPart(req) && ++parts > 2, fault: { type: 'drop', afterBytes: 1024 } });
    await rejectsWith(store.write(path, patternStream(20 * MiB, 8), { size: 20 * MiB }, signal()), 'transient');
    assert.equal(await store.stat(path, signal()), null);
    proxy.clearFaults();
    proxy.resetCounters();
    await store.write(path, patternStream(20 * MiB, 8), { size: 20 * MiB }, signal());
    assert.ok(proxy.forwardedBytes <= 10 * MiB + 4096, `re-sent ${proxy.forwardedBytes} bytes`);
    assert.equal((await store.stat(path, signal()))?.size, 20 * MiB);
  });
});
