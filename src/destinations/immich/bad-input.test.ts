/** @module Immich bad input: each mistake a user can make ends in a clear error that names the fix (issue 14, acceptance 5). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { TransferError } from '../../core/transfer-error.ts';
import { silentLogger, memoryState } from '../../connectors/context.ts';
import { anAsset } from '../../../test/fixtures/build.ts';
import { createImmichDestination } from './immich-destination.ts';
import { createImmichClient } from './api/client.ts';
import { multipartBody } from './api/multipart.ts';
import { uploadResult } from './api/schemas.ts';
import { uploadFields } from './immich-destination.ts';
import { startFakeImmich, type FakeImmich } from './testing/fake-server.ts';

const signal = () => AbortSignal.timeout(60_000);
const open = (url: string, apiKey = 'test-key', probeBytes = 1e6) =>
  createImmichDestination({ id: `immich:${url}`, url, apiKey, connections: 2, probeBytes }, { log: silentLogger, state: memoryState() });
const zeros = (size: number) => Readable.from((function* () { for (let n = 0; n < size; n += 1 << 20) yield Buffer.alloc(Math.min(1 << 20, size - n)); })());
const failsWith = (kind: TransferError['kind'], pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof TransferError, String(err));
  assert.equal(err.kind, kind, err.message);
  assert.match(err.message, pattern);
  return true;
};

describe('Immich bad input', () => {
  let fake: FakeImmich;
  before(async () => {
    fake = await startFakeImmich({ version: 3, keys: { 'test-key': ['all'], 'read-only': ['asset.read', 'album.read', 'user.read'] } });
  });
  after(() => fake.stop());

  it('a wrong API key: auth-required, telling where keys are made and how to store one', async () => {
    const lib = await open(fake.url, 'not-a-key');
    await assert.rejects(lib.check(signal()), failsWith('auth-required', /refused the API key.*Account Settings → API Keys.*remote add/));
  });

  it('a key without asset.upload: names the missing permissions and where to grant them', async () => {
    const lib = await open(fake.url, 'read-only');
    await assert.rejects(lib.check(signal()), failsWith('permanent', /lacks the permission\(s\) asset\.upload, album\.create, albumAsset\.create.*grant/));
  });

  it('a URL that is not Immich: says so and what url should be', async () => {
    const web: Server = createServer((_q, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>my blog</html>'); });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    try {
      const lib = await open(`http://127.0.0.1:${(web.address() as AddressInfo).port}`);
      await assert.rejects(lib.check(signal()), failsWith('permanent', /not an Immich server: set url to the Immich server's address/));
    } finally {
      web.closeAllConnections();
      await new Promise<void>((r) => web.close(() => r()));
    }
  });

  it('a 100 MB proxy limit: the probe of remote test fails naming the direct URL; an upload over it fails the same way', async () => {
    const proxied = await startFakeImmich({ version: 2, bodyLimit: 100 * 1000 * 1000 });
    try {
      const lib = await open(proxied.url, 'test-key', 110 * 1000 * 1000);
      await lib.check(signal());
      await assert.rejects(lib.probe!(signal()), failsWith('permanent', /HTTP 413.*point `url` at the server directly/));
      const size = 101 * 1000 * 1000;
      const big = anAsset({ filename: 'LONG.MOV' });
      const resource = { role: 'original' as const, filename: 'LONG.MOV', size, contentType: 'video/quicktime' };
      await assert.rejects(lib.upload({ asset: big, part: { resource, open: async () => zeros(size) } }, signal()), failsWith('permanent', /HTTP 413/));
      assert.equal(proxied.assets.size, 0, 'nothing stored');
      const direct = await open(fake.url, 'test-key', 1e6);
      assert.match(await direct.probe!(signal()), /MB body passed/);
    } finally {
      await proxied.stop();
    }
  });

  it('the fake holds each generation to its form: a v3 form on v2 and a v2 form on v3 are refused (400)', async () => {
    const v2 = await startFakeImmich({ version: 2 });
    try {
      const asset = anAsset({ filename: 'A.JPG' });
      for (const [server, generation] of [[v2, 3], [fake, 2]] as const) {
        const client = createImmichClient({ url: server.url, apiKey: 'test-key', connections: 1 });
        const part = { resource: asset.resources[0]!, open: async () => Readable.from([]) };
        const form = multipartBody(uploadFields(generation, asset, part, { metadata: true }),
          { field: 'assetData', filename: 'A.JPG', contentType: 'image/jpeg', size: 4, body: Readable.from([Buffer.from('abcd')]) });
        await assert.rejects(client.upload('/assets', form, {}, uploadResult, signal()), /HTTP 400.*(deviceAssetId should not be empty|Unrecognized key)/);
        await client.close();
      }
      assert.equal(v2.assets.size + fake.assets.size, 0);
    } finally {
      await v2.stop();
    }
  });
});
