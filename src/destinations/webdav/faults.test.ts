/** @module WebDAV faults through a proxy in front of real Apache: 401/403/507 give typed errors, a cut mid-body leaves nothing, a missing root is made. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
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

describe('webdav url that does not exist yet', () => {
  const storeAt = (path: string) => webdavDestination.create(webdavDestination.options.parse({
    url: `${proxy.url}${path}`, username: apache.username, password: apache.password,
  }), { log: silentLogger, state: memoryState() }) as Promise<FileStore>;
  const mkcols = () => proxy.requests.filter((r) => r.startsWith('MKCOL '));

  test('each missing level of the root is made once, from the first existing ancestor down, and the file reads back', async () => {
    const nested = await storeAt('/dav/new/deeper/');
    proxy.requests.length = 0;
    await nested.write('2024/a.jpg', bufferStream('first photo'), { size: 11 }, signal());
    await nested.write('b.jpg', bufferStream('second'), { size: 6 }, signal());
    // 409 says the parent is missing: one level up exists (201 there), so nothing above /dav/new/ is touched.
    assert.deepEqual(mkcols(), [
      'MKCOL /dav/new/deeper/ → 409', 'MKCOL /dav/new/ → 201', 'MKCOL /dav/new/deeper/ → 201', 'MKCOL /dav/new/deeper/2024/ → 201',
    ]);
    assert.equal(await text(await nested.read!('2024/a.jpg', signal())), 'first photo');
    assert.equal(await readFile(join(apache.dataDir, 'new/deeper/b.jpg'), 'utf8'), 'second');
    await nested.close();
  });

  test('an existing root costs one MKCOL (405) per store', async () => {
    const again = await storeAt('/dav/new/deeper/');
    proxy.requests.length = 0;
    await again.write('c.jpg', bufferStream('third'), { size: 5 }, signal());
    await again.write('d.jpg', bufferStream('fourth'), { size: 6 }, signal());
    assert.deepEqual(mkcols(), ['MKCOL /dav/new/deeper/ → 405']);
    await again.close();
  });

  test('401 and 403 on the MKCOL of a missing root give the clear errors, and a later write makes it', async () => {
    const refused = await storeAt('/dav/locked/out/');
    const attempt = () => refused.write('a.jpg', bufferStream('x'), { size: 1 }, signal());
    proxy.fault = { status: 403, methods: ['MKCOL'] };
    await assert.rejects(attempt(), (err: unknown) => err instanceof TransferError && err.kind === 'permanent' && /permission denied/.test(err.message));
    proxy.fault = { status: 401, methods: ['MKCOL'] };
    await assert.rejects(attempt(), (err: unknown) => err instanceof TransferError && err.kind === 'auth-required' && /username or password/.test(err.message));
    proxy.fault = null;
    await attempt();
    assert.equal(await readFile(join(apache.dataDir, 'locked/out/a.jpg'), 'utf8'), 'x');
    await refused.close();
  });
});
