/** @module SFTP against real OpenSSH: connections pooled and replaced, staging names written in place, batched fsync. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { startSshd, type SshdServer } from '../../../test/servers/sshd.ts';
import { startTcpRelay, type TcpRelay } from '../../../test/servers/tcp-relay.ts';
import { patternStream, sha256Of } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger, type Logger } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { FileStore } from '../file-store.ts';
import { STAGING_DIR } from '../store-path.ts';
import { createSftpStore, type SftpStoreOptions } from './sftp-store.ts';

const signal = () => AbortSignal.timeout(60_000);
const MiB = 1024 * 1024;
let server: SshdServer;
let link: TcpRelay;
before(async () => { server = await startSshd(); link = await startTcpRelay(server.port); });
after(async () => { await link.close(); await server.stop(); });

const storeWith = (o: Partial<SftpStoreOptions> = {}, log: Logger = silentLogger) => createSftpStore({
  host: '127.0.0.1', port: link.port, username: server.username, privateKeyPath: server.privateKeyPath,
  hostKey: server.hostKeyFingerprint, root: server.root, readyTimeoutMs: 10_000,
  blockSize: 64 * 1024, inFlight: 8, resumeMinBytes: MiB, connections: 3, durability: 'run', ...o,
}, { log, state: memoryState() });

/** Files under `root` that some process on this machine (the sshd serving us) holds open. */
async function heldOpen(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      if (target.startsWith(root)) found.push(target);
    }
  }
  return found;
}

const tempsIn = async (dir: string) => (await readdir(dir, { recursive: true }).catch(() => [] as string[])).filter((n) => n.endsWith('.photoferry-tmp'));

describe('sftp connection pool', () => {
  test('concurrent writes get a connection each, never more than `connections`, and all arrive intact', async () => {
    // durability none: `run` adds a connection of its own for batched fsyncs (tested below)
    const store = storeWith({ durability: 'none' });
    const before = link.accepted;
    const sizes = [3, 5, 7, 4, 6, 2].map((n) => n * MiB);
    await Promise.all(sizes.map((size, i) => store.write(`pool/f${i}.bin`, patternStream(size, i + 1), { size }, signal())));
    assert.equal(link.accepted - before, 3, 'three connections for six concurrent writes with connections: 3');
    for (const [i, size] of sizes.entries()) {
      assert.deepEqual(await sha256Of(await store.read!(`pool/f${i}.bin`, signal())), await sha256Of(patternStream(size, i + 1)));
    }
    await store.close();
    assert.equal(link.open, 0, 'close ends every connection');
  });

  test('a dropped connection is replaced on the next use, which succeeds', async () => {
    const store = storeWith();
    await Promise.all([0, 1].map((i) => store.write(`drop2/f${i}`, patternStream(MiB, i), { size: MiB }, signal())));
    const before = link.accepted;
    link.cut();
    await new Promise((r) => setTimeout(r, 50));
    await store.write('drop2/after', patternStream(MiB, 7), { size: MiB }, signal());
    assert.ok(link.accepted > before, 'a new connection was opened');
    assert.equal((await store.stat('drop2/after', signal()))?.size, MiB);
    await store.close();
  });
});

describe('sftp staging names', () => {
  test('a staging name is written in place: the bytes grow at that name, no temp file, no rename', async () => {
    const store = storeWith();
    const path = `${STAGING_DIR}/inplace-1`;
    const size = 4 * MiB;
    const body = new PassThrough();
    const source = patternStream(size, 3);
    let sent = 0;
    let paused: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => { paused = resolve; });
    source.pipe(new Transform({
      transform(c: Buffer, _e, done) {
        sent += c.length;
        if (sent > 2 * MiB && paused) { const go = paused; paused = undefined; go(); setTimeout(() => done(null, c), 300); return; }
        done(null, c);
      },
    })).pipe(body);
    const writing = store.write(path, body, { size }, signal());
    await gate;
    await new Promise((r) => setTimeout(r, 150));
    const mid = await stat(join(server.root, path));
    assert.ok(mid.size > 0 && mid.size < size, `the staging name itself holds the bytes so far (${mid.size})`);
    assert.deepEqual(await tempsIn(join(server.root, STAGING_DIR)), []);
    await writing;
    assert.deepEqual(await sha256Of(await store.read!(path, signal())), await sha256Of(patternStream(size, 3)));
    await store.close();
  });

  test('a cut upload to a staging name keeps its bytes there and the retry resumes from the acknowledged offset', async () => {
    const logged: object[] = [];
    const store = storeWith({}, { ...silentLogger, info: (o) => { logged.push(o); } });
    const path = `${STAGING_DIR}/inplace-resume`;
    const size = 24 * MiB;
    let sent = 0;
    const body = patternStream(size, 5).pipe(new Transform({
      transform(c: Buffer, _e, done) {
        sent += c.length;
        if (sent >= 10 * MiB && sent - c.length < 10 * MiB) link.cut();
        done(null, c);
      },
    }));
    await assert.rejects(store.write(path, body, { size }, signal()), (err: unknown) => err instanceof TransferError && err.retryable);
    assert.ok((await stat(join(server.root, path))).size >= MiB, 'the partial stays at the staging name');
    await store.write(path, patternStream(size, 5), { size }, signal());
    const resumed = logged.find((o) => 'offset' in o) as { offset: number } | undefined;
    assert.ok(resumed && resumed.offset >= MiB, `resumed at ${resumed?.offset}`);
    assert.deepEqual(await sha256Of(await store.read!(path, signal())), await sha256Of(patternStream(size, 5)));
    assert.deepEqual(await tempsIn(join(server.root, STAGING_DIR)), []);
    await store.close();
  });
});

describe('sftp durability', () => {
  const written = async (store: FileStore, path: string) => {
    await store.write(path, patternStream(100_000, 1), { size: 100_000, modTime: new Date('2020-02-02T00:00:00Z') }, signal());
    await store.rename!(path, `${path}.final`, signal());
    return heldOpen(join(server.root, 'dur'));
  };

  test('run: the handle closes with the write; the named file is fsynced by a batch on a connection of its own', async () => {
    const warnings: object[] = [];
    const store = storeWith({ durability: 'run' }, { ...silentLogger, warn: (o) => { warnings.push(o); } });
    const before = link.accepted;
    assert.deepEqual(await written(store, 'dur/run'), [], 'no handle held after the write');
    assert.equal((await stat(join(server.root, 'dur', 'run.final')).then((st) => st.mtime.toISOString())), '2020-02-02T00:00:00.000Z');
    await store.close();
    assert.equal(link.accepted - before, 2, 'one connection for the transfer, one for the batched fsync');
    assert.deepEqual(warnings, [], 'the batch opened, fsynced and closed the file without a failure');
    assert.deepEqual(await heldOpen(join(server.root, 'dur')), []);
  });

  test('file and none: the handle is closed before write returns', async () => {
    for (const durability of ['file', 'none'] as const) {
      const store = storeWith({ durability });
      assert.deepEqual(await written(store, `dur/${durability}`), []);
      await store.close();
    }
  });
});
