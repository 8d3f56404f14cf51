/** @module SFTP against real OpenSSH: host key refusal shows the fingerprint, bad logins say so, dropped connections resume. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { startSshd, type SshdServer } from '../../../test/servers/sshd.ts';
import { startTcpRelay } from '../../../test/servers/tcp-relay.ts';
import { patternStream, sha256Of } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger, type ConnectorContext, type Logger } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { FileStore } from '../file-store.ts';
import { sftpDestination } from './index.ts';
import { createSftpStore } from './sftp-store.ts';

const signal = () => AbortSignal.timeout(30_000);
let server: SshdServer;
before(async () => { server = await startSshd(); });
after(async () => { await server.stop(); });

const storeWith = async (extra: Record<string, unknown>, ctx: ConnectorContext = { log: silentLogger, state: memoryState() }) =>
  await sftpDestination.create(sftpDestination.options.parse({
    host: server.host, port: server.port, username: server.username, root: server.root, ...extra,
  }), ctx) as FileStore;

async function refusal(store: FileStore): Promise<TransferError> {
  try { await store.stat('x', signal()); } catch (err) { assert.ok(err instanceof TransferError); return err; } finally { await store.close(); }
  assert.fail('connected although it should not have');
}

describe('sftp host key pinning', () => {
  test('an unknown host key is refused and the message shows its fingerprint', async () => {
    const empty = join(server.root, '..', 'empty_known_hosts');
    await writeFile(empty, '');
    const err = await refusal(await storeWith({ privateKeyPath: server.privateKeyPath, knownHosts: empty }));
    assert.equal(err.kind, 'auth-required');
    assert.ok(err.message.includes(server.hostKeyFingerprint), err.message);
    assert.match(err.message, /unknown/);
  });

  test('a pinned fingerprint that differs is refused as a mismatch', async () => {
    const err = await refusal(await storeWith({ privateKeyPath: server.privateKeyPath, hostKey: `SHA256:${'A'.repeat(43)}` }));
    assert.equal(err.kind, 'auth-required');
    assert.match(err.message, /does NOT match/);
    assert.ok(err.message.includes(server.hostKeyFingerprint));
  });

  test('a known_hosts file with the key lets the connection through', async () => {
    const store = await storeWith({ privateKeyPath: server.privateKeyPath, knownHosts: server.knownHostsPath });
    assert.equal(await store.stat('nothing', signal()), null);
    await store.close();
  });
});

describe('sftp login failures', () => {
  const pinned = () => ({ hostKey: server.hostKeyFingerprint });
  test('a wrong password is an auth error with a clear message', async () => {
    const err = await refusal(await storeWith({ ...pinned(), password: 'not-the-password' }));
    assert.equal(err.kind, 'auth-required');
    assert.match(err.message, /login refused: wrong username, password or key/);
  });

  test('a key that is not authorised is an auth error', async () => {
    const err = await refusal(await storeWith({ ...pinned(), privateKeyPath: server.strangerKeyPath }));
    assert.equal(err.kind, 'auth-required');
  });

  test('an encrypted key works with its passphrase and says why without it', async () => {
    const ok = await storeWith({ ...pinned(), privateKey: await readFile(server.encryptedKeyPath, 'utf8'), passphrase: server.passphrase });
    assert.equal(await ok.stat('nothing', signal()), null);
    await ok.close();
    const err = await refusal(await storeWith({ ...pinned(), privateKeyPath: server.encryptedKeyPath }));
    assert.equal(err.kind, 'auth-required');
    assert.match(err.message, /passphrase/i);
  });
});

describe('sftp dropped connection', () => {
  test('a cut connection fails retryably, shows nothing, and the next attempt resumes from the acknowledged offset', async () => {
    const link = await startTcpRelay(server.port);
    const logged: object[] = [];
    const log: Logger = { ...silentLogger, info: (obj) => { logged.push(obj); } };
    const state = memoryState();
    const store = createSftpStore({
      host: '127.0.0.1', port: link.port, username: server.username, privateKeyPath: server.privateKeyPath,
      hostKey: server.hostKeyFingerprint, root: server.root, readyTimeoutMs: 10_000,
      blockSize: 64 * 1024, inFlight: 8, resumeMinBytes: 1024 * 1024, connections: 2, durability: 'run',
    }, { log, state });
    const size = 24 * 1024 * 1024;
    let sent = 0;
    const body = patternStream(size, 9).pipe(new Transform({
      transform(c: Buffer, _e, done) {
        sent += c.length;
        if (sent >= 10 * 1024 * 1024 && sent - c.length < 10 * 1024 * 1024) link.cut();
        done(null, c);
      },
    }));
    await assert.rejects(store.write('drop/video.mov', body, { size }, signal()), (err: unknown) =>
      err instanceof TransferError && err.retryable, 'a cut connection is retryable');
    assert.equal(await store.stat('drop/video.mov', signal()), null);
    assert.deepEqual(await readdir(join(server.root, 'drop')).then((n) => n.filter((x) => !x.endsWith('.photoferry-tmp'))), []);
    assert.equal((await state.keys('sftp/partial/')).length, 1, 'the partial is remembered');

    await store.write('drop/video.mov', patternStream(size, 9), { size }, signal());
    const resumed = logged.find((o) => 'offset' in o) as { offset: number } | undefined;
    assert.ok(resumed && resumed.offset >= 1024 * 1024 && resumed.offset <= 10 * 1024 * 1024, `resumed at ${resumed?.offset}`);
    assert.deepEqual(await sha256Of(await store.read!('drop/video.mov', signal())), await sha256Of(patternStream(size, 9)));
    assert.deepEqual(await readdir(join(server.root, 'drop')), ['video.mov'], 'the temp file became the file');
    assert.deepEqual(await state.keys('sftp/partial/'), []);
    await store.close();
    await link.close();
  });
});
