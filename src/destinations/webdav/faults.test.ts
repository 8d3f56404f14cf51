/** @module WebDAV faults through a proxy in front of real Apache: 401/403/507 give typed errors, a cut mid-body leaves nothing. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { startApacheWebdav, type ApacheWebdavServer } from '../../../test/servers/apache-webdav.ts';
import { bufferStream, patternStream } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import { TransferError, type TransferErrorKind } from '../../core/transfer-error.ts';
import type { FileStore } from '../file-store.ts';
import { webdavDestination } from './index.ts';
import { startDavProxy, type DavProxy } from './test-proxy.ts';

const signal = () => AbortSignal.timeout(30_000);
let apache: ApacheWebdavServer;
let proxy: DavProxy;
let store: FileStore;
before(async () => {
  apache = await startApacheWebdav({ depthInfinity: true });
  proxy = await startDavProxy(apache.port);
  const options = webdavDestination.options.parse({ url: `${proxy.url}/dav/`, username: apache.username, password: apache.password });
  store = await webdavDestination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
});
after(async () => { await store.close(); await proxy.stop(); await apache.stop(); });

/** Every file under the DAV folder on disk, hidden ones included: what a user browsing the share would find. */
async function onDisk(): Promise<string[]> {
  return (await readdir(apache.dataDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

async function expectFailure(path: string, kind: TransferErrorKind, message: RegExp): Promise<TransferError> {
  let caught: unknown;
  try { await store.write(path, bufferStream('photo bytes'), { size: 11 }, signal()); } catch (err) { caught = err; }
  proxy.fault = null;
  assert.ok(caught instanceof TransferError, `expected a TransferError, got ${String(caught)}`);
  assert.equal(caught.kind, kind);
  assert.match(caught.message, message);
  assert.equal(await store.stat(path, signal()), null, 'nothing visible at the path');
  return caught;
}

describe('webdav server refusals', () => {
  test('401 is auth-required and names the credentials', async () => {
    proxy.fault = { status: 401 };
    await expectFailure('refused/a.jpg', 'auth-required', /username or password/);
  });

  test('403 is a permanent permission error', async () => {
    proxy.fault = { status: 403, methods: ['PUT'] };
    await expectFailure('refused/b.jpg', 'permanent', /permission denied/);
  });

  test('507 Insufficient Storage is quota-exceeded', async () => {
    proxy.fault = { status: 507, methods: ['PUT'] };
    const err = await expectFailure('refused/c.jpg', 'quota-exceeded', /out of space|quota/);
    assert.equal(err.retryable, false);
  });

  test('423 Locked and 5xx are retryable', async () => {
    proxy.fault = { status: 423, methods: ['PUT'] };
    assert.ok((await expectFailure('refused/d.jpg', 'transient', /locked/)).retryable);
    proxy.fault = { status: 500, methods: ['PUT'] };
    assert.ok((await expectFailure('refused/e.jpg', 'transient', /HTTP 500/)).retryable);
  });
});

describe('webdav connection cut mid-body', () => {
  test('the write fails retryably and no partial file is visible, not even on disk', async () => {
    const size = 8 * 1024 * 1024;
    proxy.fault = { cutAfterBytes: 2 * 1024 * 1024, once: true };
    await assert.rejects(store.write('cut/video.mov', patternStream(size, 4), { size }, signal()),
      (err: unknown) => err instanceof TransferError && err.retryable, 'retryable');
    assert.equal(await store.stat('cut/video.mov', signal()), null);
    const listed: string[] = [];
    for await (const f of store.list('cut/', signal())) listed.push(f.path);
    assert.deepEqual(listed, []);
    // Apache drops its own .davfs.tmp once it notices the cut; give it a moment.
    for (let i = 0; i < 20 && (await onDisk()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await onDisk(), []);
    await store.write('cut/video.mov', patternStream(size, 4), { size }, signal());
    assert.equal((await store.stat('cut/video.mov', signal()))?.size, size);
  });
});

describe('webdav listing with Depth: infinity', () => {
  test('one PROPFIND lists the same files as the Depth 1 walk', async () => {
    for (const p of ['deep/a.jpg', 'deep/x/b.jpg', 'deep/x/y/c.jpg']) await store.write(p, bufferStream('abc'), { size: 3 }, signal());
    const infinity = await webdavDestination.create(webdavDestination.options.parse({
      url: `${proxy.url}/dav/`, username: apache.username, password: apache.password, depthInfinity: true,
    }), { log: silentLogger, state: memoryState() }) as FileStore;
    const collect = async (s: FileStore) => { const out: string[] = []; for await (const f of s.list('deep/', signal())) out.push(f.path); return out.sort(); };
    assert.deepEqual(await collect(infinity), ['deep/a.jpg', 'deep/x/b.jpg', 'deep/x/y/c.jpg']);
    assert.deepEqual(await collect(store), await collect(infinity));
    await infinity.close();
  });
});
