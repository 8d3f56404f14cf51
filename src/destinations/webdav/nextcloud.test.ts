/**
 * @module Nextcloud chunked upload against a fake of the chunk endpoint (test-proxy.ts) in front of real Apache.
 * No real Nextcloud is available here; the fake follows the v2 protocol (MKCOL, numbered PUTs, MOVE .file).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { startApacheWebdav, type ApacheWebdavServer } from '../../../test/servers/apache-webdav.ts';
import { patternStream, sha256Of } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger, type ConnectorState, type Logger } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { FileStore } from '../file-store.ts';
import { nextcloudUploadsUrl } from './index.ts';
import { startDavProxy, type DavProxy } from './test-proxy.ts';
import { createWebdavStore } from './webdav-store.ts';

const MiB = 1024 * 1024;
const FILES = '/remote.php/dav/files/tester';
const signal = () => AbortSignal.timeout(60_000);
let apache: ApacheWebdavServer;
let proxy: DavProxy;
before(async () => { apache = await startApacheWebdav({ urlPath: FILES }); proxy = await startDavProxy(apache.port); });
after(async () => { await proxy.stop(); await apache.stop(); });

function nextcloudStore(state: ConnectorState = memoryState(), log: Logger = silentLogger, chunkSize = MiB, folder = ''): FileStore {
  const url = `${proxy.url}${FILES}/${folder}`;
  return createWebdavStore({
    url, username: apache.username, password: apache.password, connections: 4, atomicMove: true, depthInfinity: false,
    nextcloud: { chunkThreshold: MiB, chunkSize, chunkRetries: 3, uploadsUrl: nextcloudUploadsUrl(url, apache.username)! },
  }, { log, state });
}
const sha256 = async (size: number, seed: number) => (await sha256Of(patternStream(size, seed))).sha256;

describe('nextcloud chunked upload (fake chunk endpoint)', () => {
  test('the uploads URL is derived from a files URL', () => {
    assert.equal(nextcloudUploadsUrl('https://cloud.example/remote.php/dav/files/alice/Photos', 'x'), 'https://cloud.example/remote.php/dav/uploads/alice/');
    assert.equal(nextcloudUploadsUrl('https://cloud.example/nc/remote.php/webdav/Photos', 'bob'), 'https://cloud.example/nc/remote.php/dav/uploads/bob/');
  });

  test('a large file goes up in numbered chunks and is assembled with its checksum and mtime', async () => {
    const store = nextcloudStore();
    const size = 5 * MiB + 123;
    proxy.chunkPuts.length = 0;
    const digest = await sha256(size, 21);
    await store.write('nc/big.mov', patternStream(size, 21), { size, sha256: digest, modTime: new Date('2024-05-01T10:00:00Z') }, signal());
    assert.deepEqual(proxy.chunkPuts, ['00001', '00002', '00003', '00004', '00005', '00006']);
    const move = proxy.assemblies.at(-1)!;
    assert.equal(move['oc-checksum'], `SHA256:${digest}`);
    assert.equal(move['x-oc-mtime'], String(Date.parse('2024-05-01T10:00:00Z') / 1000));
    assert.equal(move['oc-total-length'], String(size));
    assert.equal((await sha256Of(await store.read!('nc/big.mov', signal()))).sha256, digest);
    await store.close();
  });

  test('a chunk whose connection drops is sent again and the upload completes', async () => {
    const warnings: object[] = [];
    const store = nextcloudStore(memoryState(), { ...silentLogger, warn: (o) => { warnings.push(o); } });
    const size = 3 * MiB;
    proxy.fault = { cutAfterBytes: 300_000, pathIncludes: '/00002', once: true };
    await store.write('nc/flaky.mov', patternStream(size, 5), { size }, signal());
    assert.equal(warnings.length, 1, 'one chunk retried');
    assert.equal((await sha256Of(await store.read!('nc/flaky.mov', signal()))).sha256, await sha256(size, 5));
    await store.close();
  });

  test('a failed upload resumes on the next attempt without resending the chunks the server has', async () => {
    const state = memoryState();
    const logged: object[] = [];
    const store = nextcloudStore(state, { ...silentLogger, info: (o) => { logged.push(o); } });
    const size = 6 * MiB;
    await assert.rejects(store.write('nc/resume.mov', patternStream(size, 8, { failAfter: 3.5 * MiB }), { size }, signal()),
      (err: unknown) => err instanceof TransferError);
    assert.equal(await store.stat('nc/resume.mov', signal()), null, 'nothing visible while chunks wait');
    assert.equal((await state.keys('webdav/nextcloud-upload/')).length, 1);
    proxy.chunkPuts.length = 0;
    await store.write('nc/resume.mov', patternStream(size, 8), { size }, signal());
    assert.deepEqual(logged, [{ path: 'nc/resume.mov', chunks: 3 }]);
    assert.deepEqual(proxy.chunkPuts, ['00004', '00005', '00006']);
    assert.equal((await sha256Of(await store.read!('nc/resume.mov', signal()))).sha256, await sha256(size, 8));
    assert.deepEqual(await state.keys('webdav/nextcloud-upload/'), []);
    await store.close();
  });

  test('a body longer than declared is refused and its chunks are dropped', async () => {
    const state = memoryState();
    const store = nextcloudStore(state);
    await assert.rejects(store.write('nc/long.mov', patternStream(3 * MiB, 2), { size: 2 * MiB }, signal()),
      (err: unknown) => err instanceof TransferError && err.kind === 'corrupted');
    assert.deepEqual(await state.keys('webdav/nextcloud-upload/'), []);
    await store.close();
  });

  test('a folder under the user that does not exist yet is made inside it, and a chunked upload lands there', async () => {
    const store = nextcloudStore(memoryState(), silentLogger, MiB, 'Photos/2024/');
    const size = 2 * MiB + 7;
    proxy.requests.length = 0;
    await store.write('big.mov', patternStream(size, 13), { size }, signal());
    // Only levels below the first existing one (the user's folder) are created; /remote.php/dav/files/ is never asked.
    assert.deepEqual(proxy.requests.filter((r) => r.startsWith(`MKCOL ${FILES}`)), [
      `MKCOL ${FILES}/Photos/2024/ → 409`, `MKCOL ${FILES}/Photos/ → 201`, `MKCOL ${FILES}/Photos/2024/ → 201`,
    ]);
    assert.equal((await sha256Of(await store.read!('big.mov', signal()))).sha256, await sha256(size, 13));
    await store.close();
  });
});

describeFileStore('webdav (fake Nextcloud chunking over Apache)', {
  create: async () => nextcloudStore(memoryState(), silentLogger, 4 * MiB),
  largeFileBytes: 24 * MiB,
});
