/** @module `remote test` against real loopback servers (s3rver, rclone, a self-signed TLS server) and faults the servers cannot produce; then through the binary. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startS3Backend } from '../../test/e2e/storage-backends.ts';
import { startFaultProxy, type FaultProxy } from '../../test/servers/fault-proxy.ts';
import { freePort } from '../../test/servers/loopback-port.ts';
import { runCli } from '../../test/e2e/cli.ts';
import { tempDir } from '../../test/temp-dir.ts';
import { TransferError, type TransferErrorKind } from '../core/transfer-error.ts';
import { UsageError } from '../core/usage-error.ts';
import { destinationDefinitions } from '../destinations/index.ts';
import { addRemote, type RemotesDeps } from './remotes.ts';
import { testRemote } from './remote-test.ts';

const signal = () => AbortSignal.timeout(30_000);

function remotesIn(dir: string): RemotesDeps {
  const vault = new Map<string, string>();
  return {
    configPath: join(dir, 'config.yaml'), definitions: destinationDefinitions,
    secrets: async () => ({ get: async (k) => vault.get(k), set: async (k, v) => { vault.set(k, v); }, delete: async (k) => { vault.delete(k); } }),
  };
}

/** An https server whose certificate nobody trusts: what a NAS with a self-signed certificate looks like. */
async function selfSignedServer(dir: string): Promise<Server> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-subj', '/CN=127.0.0.1', '-days', '1'], { stdio: 'ignore' });
  const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('remote test', () => {
  const dir = tempDir('pf-remote-test-');
  const deps = remotesIn(dir);
  let s3: Awaited<ReturnType<typeof startS3Backend>>;
  let faults: FaultProxy;
  let tls: Server;
  const add = (name: string, type: string, options: Record<string, string>) => addRemote(deps, { name, type, options, fromText: true });
  const s3Remote = (name: string, changes: Record<string, string> = {}) => add(name, 's3', {
    provider: 'custom', endpoint: s3.endpoint, bucket: 'test-bucket', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', ...changes,
  });
  const fails = (kind: TransferErrorKind, text: RegExp) => (err: unknown) => {
    assert.ok(err instanceof TransferError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, text);
    return true;
  };

  before(async () => {
    s3 = await startS3Backend();
    faults = await startFaultProxy(s3.endpoint);
    tls = await selfSignedServer(dir);
  });
  after(async () => { await faults?.stop(); await s3?.stop(); tls?.close(); });

  it('a working S3 remote: wrote, read back and removed, no marker left', async () => {
    await s3Remote('good', { prefix: 'photos' });
    assert.match(await testRemote(deps, 'good', signal()), /^Remote "good" \(s3:http:\/\/127\.0\.0\.1:\d+\/test-bucket\/photos\) works: wrote, read back and removed a test file/);
    assert.deepEqual([...(await s3.readBack({ includeHidden: true })).keys()], []);
  });

  it('explains each S3 failure in the user\'s terms', async () => {
    await s3Remote('badkey', { accessKeyId: 'NOPE', secretAccessKey: 'nope' });
    await assert.rejects(testRemote(deps, 'badkey', signal()), fails('auth-required', /^remote "badkey" \(.*\) failed the test: .*the access key was rejected/));
    await s3Remote('nobucket', { bucket: 'no-such-bucket' });
    await assert.rejects(testRemote(deps, 'nobucket', signal()), fails('permanent', /bucket "no-such-bucket" does not exist/));
    await s3Remote('readonly', { endpoint: faults.endpoint });
    faults.addFault({ match: (r) => r.method === 'PUT', fault: { type: 'status', status: 403, code: 'AccessDenied' } });
    await assert.rejects(testRemote(deps, 'readonly', signal()), fails('auth-required', /access denied to bucket "test-bucket".*not allowed to do this/));
    faults.clearFaults();
    faults.addFault({ match: () => true, fault: { type: 'status', status: 403, code: 'RequestTimeTooSkewed' } });
    await assert.rejects(testRemote(deps, 'readonly', signal()), fails('permanent', /clock differs from the storage server's by more than 15 minutes/));
    faults.clearFaults();
  });

  it('names TLS and unreachable servers with what to do', async () => {
    await s3Remote('selfsigned', { endpoint: `https://127.0.0.1:${(tls.address() as AddressInfo).port}` });
    await assert.rejects(testRemote(deps, 'selfsigned', signal()), fails('permanent', /TLS \(https\) connection failed.*NODE_EXTRA_CA_CERTS/));
    await s3Remote('closed', { endpoint: `http://127.0.0.1:${await freePort()}` });
    await assert.rejects(testRemote(deps, 'closed', signal()), fails('transient', /nothing accepts connections there/));
  });

  it('rclone: a working remote and one rclone does not know', async () => {
    // An alias rooted at the temp dir: the rclone store drops a leading "/" from its path, so `local:/abs` cannot be used.
    Object.assign(process.env, { RCLONE_CONFIG_PFRTALIAS_TYPE: 'alias', RCLONE_CONFIG_PFRTALIAS_REMOTE: dir });
    try {
      await add('rcalias', 'rclone', { remote: 'pfrtalias', path: 'photos' });
      assert.match(await testRemote(deps, 'rcalias', signal()), /works: wrote, read back and removed/);
      await add('rcmissing', 'rclone', { remote: 'nosuchremote' });
      await assert.rejects(testRemote(deps, 'rcmissing', signal()), fails('invalid-input', /rclone remote "nosuchremote" is not configured/));
    } finally {
      delete process.env.RCLONE_CONFIG_PFRTALIAS_TYPE;
      delete process.env.RCLONE_CONFIG_PFRTALIAS_REMOTE;
    }
  });

  it('an unknown remote name is a usage error', async () => {
    await assert.rejects(testRemote(deps, 'nowhere', signal()), (err: unknown) => err instanceof UsageError && /No remote named "nowhere"/.test(err.message));
  });

  it('through the binary: exit 0 with the verdict, exit 3 with the explanation', async () => {
    const env = { PHOTOFERRY_HOME: join(dir, 'cli-home'), PHOTOFERRY_PASSPHRASE: 'remote test' };
    const keys = ['provider=custom', `endpoint=${s3.endpoint}`, 'bucket=test-bucket', 'accessKeyId=S3RVER'];
    assert.equal((await runCli(['remote', 'add', 'ok', 's3', ...keys, 'secretAccessKey=S3RVER'], env)).code, 0);
    const ok = await runCli(['remote', 'test', 'ok'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Remote "ok" .* works: wrote, read back and removed a test file/);
    const json = await runCli(['--json', 'remote', 'test', 'ok'], env);
    assert.equal((JSON.parse(json.stdout.trim()) as { ok: boolean }).ok, true);
    assert.equal((await runCli(['remote', 'add', 'wrong', 's3', ...keys.slice(0, 3), 'accessKeyId=NOPE', 'secretAccessKey=x'], env)).code, 0);
    const bad = await runCli(['remote', 'test', 'wrong'], env);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /^photoferry: remote "wrong" \(.*\) failed the test: .*the access key was rejected.*check the access key id and secret/m);
  });
});
