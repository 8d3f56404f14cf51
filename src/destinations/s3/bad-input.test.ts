/** @module What the user sees when the S3 setup is wrong: bad keys, no bucket, no Object Lock, bad options, each clear and typed. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startS3rver, type S3rverServer } from '../../../test/servers/s3rver.ts';
import { startFaultProxy, type FaultProxy } from '../../../test/servers/fault-proxy.ts';
import { bufferStream } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import { TransferError, type TransferErrorKind } from '../../core/transfer-error.ts';
import { s3Destination } from './index.ts';
import { toTransferError } from './errors.ts';
import type { S3Store } from './s3-store.ts';

const signal = () => AbortSignal.timeout(30_000);
const typed = (kind: TransferErrorKind, text: RegExp) => (err: unknown) => {
  assert.ok(err instanceof TransferError, `not a TransferError: ${String(err)}`);
  assert.equal(err.kind, kind, err.message);
  assert.match(err.message, text);
  return true;
};
const lockXml = (enabled: boolean) => `<?xml version="1.0" encoding="UTF-8"?><ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${enabled ? '<ObjectLockEnabled>Enabled</ObjectLockEnabled>' : ''}</ObjectLockConfiguration>`;

describe('s3 bad input', () => {
  let server: S3rverServer;
  let proxy: FaultProxy;
  const store = async (extra: Record<string, unknown>) => await s3Destination.create(s3Destination.options.parse({
    bucket: 'photos', provider: 'custom', endpoint: proxy.endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', ...extra,
  }), { log: silentLogger, state: memoryState() }) as S3Store;

  before(async () => { server = await startS3rver(); proxy = await startFaultProxy(server.endpoint); });
  after(async () => { await proxy?.stop(); await server?.stop(); });

  it('a wrong access key says the key was rejected', async () => {
    await assert.rejects((await store({ accessKeyId: 'NOPE', secretAccessKey: 'wrong' })).check(signal()), typed('auth-required', /access key was rejected/));
  });

  it('a wrong secret says the key was rejected, on check and on write', async () => {
    // s3rver does not verify SigV4 signatures, so the proxy answers the way S3 does.
    proxy.addFault({ match: () => true, fault: { type: 'status', status: 403, code: 'SignatureDoesNotMatch' } });
    const s = await store({ secretAccessKey: 'wrong' });
    await assert.rejects(s.check(signal()), typed('auth-required', /access key was rejected.*SignatureDoesNotMatch/));
    await assert.rejects(s.write('a.jpg', bufferStream('x'), { size: 1 }, signal()), typed('auth-required', /upload "a.jpg"/));
    proxy.clearFaults();
  });

  it('a missing bucket is named in the message', async () => {
    await assert.rejects((await store({ bucket: 'no-such-bucket' })).check(signal()), typed('permanent', /bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1/));
  });

  it('Object Lock on a server without it is refused before any upload', async () => {
    const s = await store({ objectLockMode: 'GOVERNANCE', objectLockDays: 30 });
    await assert.rejects(s.write('locked.jpg', bufferStream('x'), { size: 1 }, signal()), typed('unsupported', /does not support Object Lock/));
    assert.equal(await s.stat('locked.jpg', signal()), null);
  });

  it('Object Lock on a bucket without lock enabled is refused with what to do', async () => {
    proxy.addFault({ match: (req) => (req.url ?? '').includes('object-lock'), fault: { type: 'respond', status: 200, body: lockXml(false) } });
    const s = await store({ objectLockMode: 'COMPLIANCE', objectLockDays: 30 });
    await assert.rejects(s.check(signal()), typed('invalid-input', /does not have Object Lock enabled.*enable Object Lock/));
    await assert.rejects(s.write('locked.jpg', bufferStream('x'), { size: 1 }, signal()), typed('invalid-input', /Object Lock/));
    proxy.clearFaults();
  });

  it('Object Lock on a lock-enabled bucket sends the retention with every upload', async () => {
    proxy.addFault({ match: (req) => (req.url ?? '').includes('object-lock'), fault: { type: 'respond', status: 200, body: lockXml(true) } });
    proxy.resetCounters();
    const s = await store({ objectLockMode: 'GOVERNANCE', objectLockDays: 30 });
    await s.write('locked/a.jpg', bufferStream('locked bytes'), { size: 12 }, signal());
    const uploads = proxy.requests.filter((r) => r.method === 'PUT' || (r.method === 'POST' && r.url.includes('uploads')));
    assert.ok(uploads.some((r) => r.headers['x-amz-object-lock-mode'] === 'GOVERNANCE' && r.headers['x-amz-object-lock-retain-until-date']));
    // Parts carry Content-MD5, which S3 requires for uploads under Object Lock.
    assert.ok(proxy.requests.some((r) => r.url.includes('partNumber') && r.headers['content-md5']));
    proxy.clearFaults();
  });

  it('options name what each provider needs', () => {
    const problems = (o: Record<string, unknown>) => s3Destination.options.safeParse(o).error?.issues.map((i) => i.message).join('; ') ?? '';
    assert.match(problems({ bucket: 'photos', provider: 'custom' }), /needs an endpoint/);
    assert.match(problems({ bucket: 'photos', provider: 'r2' }), /accountId/);
    assert.match(problems({ bucket: 'photos', objectLockMode: 'GOVERNANCE' }), /go together/);
    assert.match(problems({ bucket: 'photos', accessKeyId: 'AK' }), /needs secretAccessKey/);
    assert.deepEqual(s3Destination.parseTarget('photos/backup/iphone'), { bucket: 'photos', prefix: 'backup/iphone' });
    assert.equal(s3Destination.idOf(s3Destination.options.parse({ bucket: 'bkt', provider: 'r2', accountId: 'acc' })), 's3:https://acc.r2.cloudflarestorage.com/bkt');
  });

  it('vendor errors map to kinds the engine can act on', () => {
    const sdk = (name: string, status: number, headers: Record<string, string> = {}) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, $response: { headers } });
    assert.match(toTransferError(sdk('RequestTimeTooSkewed', 403)).message, /clock/);
    assert.equal(toTransferError(sdk('SlowDown', 503, { 'retry-after': '5' })).retryAfterMs, 5000);
    assert.equal(toTransferError(sdk('InternalError', 500)).kind, 'transient');
    assert.equal(toTransferError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).kind, 'transient');
    assert.equal(toTransferError(sdk('BadDigest', 400)).kind, 'corrupted');
    assert.equal(toTransferError(sdk('PermanentRedirect', 301)).kind, 'invalid-input');
    assert.equal(toTransferError(Object.assign(new Error('aborted'), { name: 'AbortError' })).kind, 'cancelled');
  });
});
