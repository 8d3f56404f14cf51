/** @module The FileStore conformance suite: one test per sentence of the contract in file-store.ts. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileStore } from '../../src/destinations/file-store.ts';
import { TransferError } from '../../src/core/transfer-error.ts';
import { bufferStream, patternStream, sha256Of } from './streams.ts';

export interface FileStoreSuiteOptions {
  /** Builds the store under test; called once for the suite. */
  create(): Promise<FileStore>;
  /** Stops servers etc.; the store is closed before. */
  teardown?(): Promise<void>;
  /** Opt-outs by exact test name, with the reason (shows up in every diff). */
  skip?: readonly { reason: string; tests: readonly string[] }[];
  /** Size of the "large file" test (default 64 MiB; TEST_LARGE_BYTES overrides). */
  largeFileBytes?: number;
}

const signal = () => AbortSignal.timeout(120_000);
const text = async (store: FileStore, path: string) => {
  assert.ok(store.read, 'store has no read()');
  const chunks: Buffer[] = [];
  for await (const c of await store.read(path, signal())) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};
const put = (store: FileStore, path: string, data: string) =>
  store.write(path, bufferStream(data), { size: Buffer.byteLength(data) }, signal());
const listAll = async (store: FileStore, prefix: string) => {
  const out: { path: string; size: number }[] = [];
  for await (const f of store.list(prefix, signal())) out.push({ path: f.path, size: f.size });
  return out.sort((a, b) => a.path.localeCompare(b.path));
};

export function describeFileStore(name: string, options: FileStoreSuiteOptions): void {
  const skipped = new Map<string, string>();
  for (const group of options.skip ?? []) for (const test of group.tests) skipped.set(test, group.reason);
  const large = Number(process.env.TEST_LARGE_BYTES ?? options.largeFileBytes ?? 64 * 1024 * 1024);

  describe(`FileStore conformance: ${name}`, () => {
    let store: FileStore;
    const root = `conformance-${randomUUID().slice(0, 8)}`;
    const p = (rel: string) => `${root}/${rel}`;
    type Capability = 'read' | 'atomicRename' | 'serverSideCopy' | 'hashes';
    const methodOf = { read: 'read', atomicRename: 'rename', serverSideCopy: 'copy', hashes: undefined } as const;
    const test = (title: string, fn: () => Promise<void>, capability?: Capability) => {
      const reason = skipped.get(title);
      it(title, reason ? { skip: reason } : {}, async (t) => {
        if (capability) {
          const declared = capability === 'hashes' ? store.capabilities.hashes.length > 0 : store.capabilities[capability];
          const method = methodOf[capability];
          if (method) assert.equal(typeof store[method] === 'function', declared, `${capability} declared ${declared} but ${method}() is ${typeof store[method]}`);
          if (!declared) { t.skip(`store declares no ${capability} capability`); return; }
        }
        await fn();
      });
    };

    before(async () => { store = await options.create(); });
    after(async () => {
      if (store) {
        for await (const f of store.list(`${root}/`, signal())) await store.remove(f.path, signal());
        await store.close();
      }
      await options.teardown?.();
    });

    test('stat of a missing path is null', async () => {
      assert.equal(await store.stat(p('missing/nothing.jpg'), signal()), null);
    });

    test('write creates parent folders and stat reports the size', async () => {
      const stored = await put(store, p('a/b/c/photo.jpg'), 'hello photo');
      assert.equal(stored.size, 11);
      assert.equal((await store.stat(p('a/b/c/photo.jpg'), signal()))?.size, 11);
    });

    test('write replaces an existing file', async () => {
      await put(store, p('over/x.txt'), 'first version, long');
      await put(store, p('over/x.txt'), 'second');
      assert.equal((await store.stat(p('over/x.txt'), signal()))?.size, 6);
      if (store.read) assert.equal(await text(store, p('over/x.txt')), 'second');
    });

    test('read streams back exactly what was written', async () => {
      const size = 3 * 1024 * 1024 + 17;
      const expected = await sha256Of(patternStream(size, 7));
      await store.write(p('read/blob.bin'), patternStream(size, 7), { size }, signal());
      const back = await sha256Of(await store.read!(p('read/blob.bin'), signal()));
      assert.deepEqual(back, expected);
    }, 'read');

    test('a body shorter than the declared size fails and leaves nothing at the path', async () => {
      await assert.rejects(
        store.write(p('short/x.bin'), bufferStream('only ten b'), { size: 20 }, signal()),
        (err: unknown) => err instanceof TransferError,
      );
      assert.equal(await store.stat(p('short/x.bin'), signal()), null);
    });

    test('a body that errors mid-stream fails and leaves nothing at the path', async () => {
      const size = 2 * 1024 * 1024;
      await assert.rejects(
        store.write(p('broken/x.bin'), patternStream(size, 3, { failAfter: 1024 * 1024 }), { size }, signal()),
        (err: unknown) => err instanceof TransferError,
      );
      assert.equal(await store.stat(p('broken/x.bin'), signal()), null);
      assert.deepEqual((await listAll(store, p('broken/'))), []);
    });

    test('an aborted write fails and leaves nothing at the path', async () => {
      const controller = new AbortController();
      const size = 8 * 1024 * 1024;
      const body = patternStream(size, 5);
      let sent = 0;
      body.on('data', (c: Buffer) => { sent += c.length; if (sent > 1024 * 1024) controller.abort(); });
      await assert.rejects(store.write(p('abort/x.bin'), body, { size }, controller.signal));
      assert.equal(await store.stat(p('abort/x.bin'), signal()), null);
    });

    /** copyIn is no declared capability: a store has it when it shares a file system with the source. */
    const withLocalFile = (title: string, fn: (file: string, bytes: Buffer) => Promise<void>) => {
      const reason = skipped.get(title);
      it(title, reason ? { skip: reason } : {}, async (t) => {
        if (!store.copyIn) { t.skip('store has no copyIn: it copies nothing from this machine\'s files'); return; }
        const dir = await mkdtemp(join(tmpdir(), 'pf-copyin-'));
        try {
          const bytes = randomBytes(3 * 1024 * 1024 + 5);
          await writeFile(join(dir, 'clip.mov'), bytes);
          await fn(join(dir, 'clip.mov'), bytes);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    };

    withLocalFile('copyIn copies a file of this machine and reports the SHA-256 of what it holds', async (file, bytes) => {
      const stored = await store.copyIn!(p('kernel/clip.mov'), file, { size: bytes.length }, signal());
      assert.equal(stored.size, bytes.length);
      assert.deepEqual(stored.hashes, [{ algorithm: 'sha256', value: createHash('sha256').update(bytes).digest('hex') }]);
      if (store.read) assert.deepEqual(await sha256Of(await store.read(p('kernel/clip.mov'), signal())), { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    });

    withLocalFile('copyIn of a file whose size is not the declared one fails and leaves nothing', async (file, bytes) => {
      await assert.rejects(store.copyIn!(p('kernel-short/clip.mov'), file, { size: bytes.length + 1 }, signal()),
        (err: unknown) => err instanceof TransferError && err.kind === 'corrupted');
      assert.deepEqual(await listAll(store, p('kernel-short/')), []);
    });

    withLocalFile('copyIn of a missing file fails as not-found and leaves nothing', async (file) => {
      await assert.rejects(store.copyIn!(p('kernel-gone/clip.mov'), `${file}.gone`, { size: 10 }, signal()),
        (err: unknown) => err instanceof TransferError && err.kind === 'not-found');
      assert.deepEqual(await listAll(store, p('kernel-gone/')), []);
    });

    /** writeBytes is no declared capability either: a store has it when a whole small body costs it less than a stream. */
    const withBytes = (title: string, fn: (writeBytes: NonNullable<FileStore['writeBytes']>) => Promise<void>) => {
      const reason = skipped.get(title);
      it(title, reason ? { skip: reason } : {}, async (t) => {
        if (!store.writeBytes) { t.skip('store has no writeBytes: a small body goes through write as a stream'); return; }
        await fn(store.writeBytes.bind(store));
      });
    };

    withBytes('writeBytes stores the whole buffer, creating folders, and stat reports its size', async (writeBytes) => {
      const bytes = randomBytes(40 * 1024 + 3);
      const stored = await writeBytes(p('bytes/a/b/small.jpg'), bytes, { size: bytes.length }, signal());
      assert.equal(stored.size, bytes.length);
      assert.equal((await store.stat(p('bytes/a/b/small.jpg'), signal()))?.size, bytes.length);
      if (store.read) assert.deepEqual(await sha256Of(await store.read(p('bytes/a/b/small.jpg'), signal())), { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    });

    withBytes('writeBytes replaces an existing file', async (writeBytes) => {
      await put(store, p('bytes-over/x.txt'), 'first version, long');
      await writeBytes(p('bytes-over/x.txt'), Buffer.from('second'), { size: 6 }, signal());
      assert.equal((await store.stat(p('bytes-over/x.txt'), signal()))?.size, 6);
      if (store.read) assert.equal(await text(store, p('bytes-over/x.txt')), 'second');
    });

    withBytes('writeBytes of a buffer whose length is not the declared size fails and leaves nothing', async (writeBytes) => {
      await assert.rejects(writeBytes(p('bytes-short/x.bin'), Buffer.from('only ten b'), { size: 20 }, signal()),
        (err: unknown) => err instanceof TransferError && err.kind === 'corrupted');
      assert.deepEqual(await listAll(store, p('bytes-short/')), []);
    });

    withBytes('concurrent writeBytes calls all land intact, each at its own path', async (writeBytes) => {
      const files = Array.from({ length: 24 }, (_, i) => ({ path: p(`bytes-many/${i}.jpg`), bytes: randomBytes(1000 + i * 997) }));
      await Promise.all(files.map((f) => writeBytes(f.path, f.bytes, { size: f.bytes.length }, signal())));
      for (const f of files) {
        assert.equal((await store.stat(f.path, signal()))?.size, f.bytes.length, f.path);
        if (store.read) assert.deepEqual(await sha256Of(await store.read(f.path, signal())), { sha256: createHash('sha256').update(f.bytes).digest('hex'), size: f.bytes.length });
      }
    });

    withBytes('writeBytes of a path that escapes the root is refused', async (writeBytes) => {
      await assert.rejects(writeBytes('../escape.jpg', Buffer.from('x'), { size: 1 }, signal()), (err: unknown) => err instanceof TransferError);
    });

    test('unicode, spaces and punctuation survive in names', async () => {
      const names = ['Été à Paris/IMG 0001 (1).HEIC', '日本/写真.jpg', 'emoji 🎉/a&b=c+d#e.jpg'];
      for (const n of names) await put(store, p(n), n);
      const listed = (await listAll(store, `${root}/`)).map((f) => f.path);
      for (const n of names) assert.ok(listed.includes(p(n)), `missing ${n} in ${listed.join(', ')}`);
      if (store.read) assert.equal(await text(store, p(names[1]!)), names[1]);
    });

    test('a zero-byte file is stored', async () => {
      await put(store, p('empty/zero.bin'), '');
      assert.equal((await store.stat(p('empty/zero.bin'), signal()))?.size, 0);
    });

    test('a large file streams through with its exact size', async () => {
      await store.write(p('large/video.mov'), patternStream(large, 11), { size: large }, signal());
      assert.equal((await store.stat(p('large/video.mov'), signal()))?.size, large);
      if (store.read) assert.deepEqual(await sha256Of(await store.read(p('large/video.mov'), signal())), await sha256Of(patternStream(large, 11)));
      await store.remove(p('large/video.mov'), signal());
    });

    test('list returns every file under a prefix and nothing else', async () => {
      await put(store, p('list/one/a.jpg'), 'a');
      await put(store, p('list/one/deep/b.jpg'), 'bb');
      await put(store, p('list/two/c.jpg'), 'ccc');
      await put(store, p('listing-sibling.jpg'), 'x');
      assert.deepEqual(await listAll(store, p('list/')), [
        { path: p('list/one/a.jpg'), size: 1 }, { path: p('list/one/deep/b.jpg'), size: 2 }, { path: p('list/two/c.jpg'), size: 3 },
      ]);
      assert.deepEqual(await listAll(store, p('nothing-here/')), []);
    });

    test('remove deletes a file and is idempotent', async () => {
      await put(store, p('rm/x.jpg'), 'x');
      await store.remove(p('rm/x.jpg'), signal());
      assert.equal(await store.stat(p('rm/x.jpg'), signal()), null);
      await store.remove(p('rm/x.jpg'), signal());
      await store.remove(p('rm/never-existed.jpg'), signal());
    });

    test('concurrent writes all land intact', async () => {
      const paths = Array.from({ length: 8 }, (_, i) => p(`concurrent/f${i}.bin`));
      await Promise.all(paths.map((path, i) => store.write(path, patternStream(200_000 + i, i + 1), { size: 200_000 + i }, signal())));
      for (const [i, path] of paths.entries()) assert.equal((await store.stat(path, signal()))?.size, 200_000 + i);
    });

    test('paths that escape the root are refused', async () => {
      for (const bad of ['../escape.jpg', `${root}/../../escape.jpg`, '/etc/passwd', `${root}/a\u0000b.jpg`]) {
        await assert.rejects(put(store, bad, 'x'), (err: unknown) => err instanceof TransferError && err.kind === 'invalid-input', bad);
      }
    });

    test('rename moves a file atomically, replacing the target', async () => {
      await put(store, p('mv/staged.bin'), 'new bytes');
      await put(store, p('mv/final.bin'), 'old');
      await store.rename!(p('mv/staged.bin'), p('mv/final.bin'), signal());
      assert.equal(await store.stat(p('mv/staged.bin'), signal()), null);
      assert.equal((await store.stat(p('mv/final.bin'), signal()))?.size, 9);
    }, 'atomicRename');

    test('server-side copy duplicates a file without a new upload', async () => {
      await put(store, p('cp/original.jpg'), 'original bytes');
      await store.copy!(p('cp/original.jpg'), p('cp/albums/Trip/original.jpg'), signal());
      assert.equal((await store.stat(p('cp/albums/Trip/original.jpg'), signal()))?.size, 14);
      assert.equal((await store.stat(p('cp/original.jpg'), signal()))?.size, 14);
    }, 'serverSideCopy');

    test('declared hashes are reported by stat and match the bytes', async () => {
      const data = 'hash me please';
      await put(store, p('hash/x.txt'), data);
      const stored = await store.stat(p('hash/x.txt'), signal());
      const { createHash } = await import('node:crypto');
      for (const algorithm of store.capabilities.hashes) {
        const got = stored?.hashes?.find((h) => h.algorithm === algorithm);
        assert.ok(got, `stat reports no ${algorithm}`);
        if (algorithm === 'md5' || algorithm === 'sha1' || algorithm === 'sha256') {
          assert.equal(got.value.toLowerCase(), createHash(algorithm).update(data).digest('hex'));
        }
      }
    }, 'hashes');

  });
}
