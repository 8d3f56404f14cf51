/** @module SigV4 of uploads, checked here because s3rver does not verify signatures: what is signed, and that it verifies. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { startS3rver, type S3rverServer } from '../../../test/servers/s3rver.ts';
import { startFaultProxy, type FaultProxy } from '../../../test/servers/fault-proxy.ts';
import { bufferStream, patternStream } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import { s3Destination } from './index.ts';
import type { S3Store } from './s3-store.ts';

const MiB = 1024 * 1024;
const signal = () => AbortSignal.timeout(60_000);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** Recomputes the request's SigV4 signature the way S3 does, from what arrived on the wire. */
function signatureOf(req: { method: string; url: string; headers: IncomingHttpHeaders }, secret: string): { given: string; expected: string } {
  const auth = /Credential=[^/]+\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)/.exec(String(req.headers.authorization));
  assert.ok(auth, `no SigV4 Authorization header: ${String(req.headers.authorization)}`);
  const [, scope, signedHeaders, given] = auth as unknown as [string, string, string, string];
  const [date, region, service] = scope.split('/') as [string, string, string];
  const [path, query = ''] = req.url.split('?') as [string, string?];
  const canonicalQuery = query.split('&').filter(Boolean).map((kv) => (kv.includes('=') ? kv : `${kv}=`)).sort().join('&');
  const canonicalHeaders = signedHeaders.split(';').map((h) => `${h}:${String(req.headers[h]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [req.method, path, canonicalQuery, canonicalHeaders, signedHeaders, String(req.headers['x-amz-content-sha256'])].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return { given, expected: hmac(key, toSign).toString('hex') };
}

describe('s3 request signing', () => {
  let server: S3rverServer;
  let proxy: FaultProxy;
  let store: S3Store;

  before(async () => {
    server = await startS3rver();
    proxy = await startFaultProxy(server.endpoint);
    store = await s3Destination.create(s3Destination.options.parse({
      bucket: 'photos', provider: 'custom', endpoint: proxy.endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER',
      partSizeMiB: 5, multipartThresholdMiB: 5,
    }), { log: silentLogger, state: memoryState() }) as S3Store;
  });
  after(async () => { await store?.close(); await proxy?.stop(); await server?.stop(); });

  it('parts are sent as UNSIGNED-PAYLOAD with a signed Content-MD5, and their signature verifies', async () => {
    proxy.resetCounters();
    await store.write('signed/video.mov', patternStream(11 * MiB, 3), { size: 11 * MiB }, signal());
    const parts = proxy.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber'));
    assert.equal(parts.length, 3);
    for (const part of parts) {
      assert.equal(part.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
      assert.match(String(part.headers.authorization), /SignedHeaders=[^,]*content-md5[^,]*x-amz-content-sha256/);
      const { given, expected } = signatureOf(part, 'S3RVER');
      assert.equal(given, expected, `signature of ${part.url} does not verify`);
      // A wrong secret gives another signature: the check above is what makes a real server answer SignatureDoesNotMatch.
      assert.notEqual(signatureOf(part, 'wrong').expected, given);
    }
  });

  it('a streamed single PUT is UNSIGNED-PAYLOAD too (the SDK cannot hash a stream ahead), and verifies', async () => {
    proxy.resetCounters();
    await store.write('signed/photo.jpg', bufferStream('single put body'), { size: 15 }, signal());
    const put = proxy.requests.find((r) => r.method === 'PUT');
    assert.ok(put);
    assert.equal(put.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
    const { given, expected } = signatureOf(put, 'S3RVER');
    assert.equal(given, expected);
  });

  it('requests without a body keep the hash of the empty payload', async () => {
    proxy.resetCounters();
    await store.stat('signed/photo.jpg', signal());
    const head = proxy.requests.find((r) => r.method === 'HEAD');
    assert.equal(head?.headers['x-amz-content-sha256'], createHash('sha256').update('').digest('hex'));
  });
});
