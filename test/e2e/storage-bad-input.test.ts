/** @module Issue 4, acceptance 5 through the real binary: each storage misconfiguration gives a clear message, a non-zero exit, and nothing recorded as done. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { generateSampleLibrary } from '../../src/sample/index.ts';
import { startFaultProxy, type FaultProxy } from '../servers/fault-proxy.ts';
import { runCli, tempHome } from './cli.ts';
import { isRegistered, startS3Backend, startSftpBackend, startWebdavBackend } from './storage-backends.ts';

interface Case {
  readonly name: string;
  readonly kind: string;
  /** `TYPE k=v …` for `remote add bad …`, built once the servers are up; none for a `kind:target` form. */
  readonly add: () => string[];
  readonly target: string;
  readonly code: number;
  readonly message: () => RegExp;
}

const lockXml = '<?xml version="1.0" encoding="UTF-8"?><ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></ObjectLockConfiguration>';

describe('storage bad input (real binary)', { concurrency: 3 }, () => {
  let home = '';
  let library = '';
  const stops: (() => Promise<void>)[] = [];
  let s3 = { endpoint: '', lockless: '' };
  let sftp = { args: [] as string[], emptyKnownHosts: '', fingerprint: '' };
  let dav = { url: '', forbidden: '', full: '', password: '' };

  before(async () => {
    home = await tempHome('pf-storage-bad-');
    library = join(home, 'library');
    await generateSampleLibrary({ dir: library, seed: 'bad-storage', photos: 4, videos: 0, livePhotos: 1, rawPairs: 0, screenshots: 0, edited: 0 });
    const s3b = await startS3Backend();
    stops.push(() => s3b.stop());
    // A bucket whose Object Lock configuration is present but not enabled: s3rver has no Object Lock at all.
    const lockProxy = await startFaultProxy(s3b.endpoint);
    lockProxy.addFault({ match: (req) => (req.url ?? '').includes('object-lock'), fault: { type: 'respond', status: 200, body: lockXml } });
    stops.push(() => lockProxy.stop());
    s3 = { endpoint: s3b.endpoint, lockless: lockProxy.endpoint };
    if (isRegistered('sftp')) {
      const b = await startSftpBackend();
      stops.push(() => b.stop());
      sftp = { args: b.addArgs.filter((a) => !a.startsWith('knownHosts=')), emptyKnownHosts: b.strangerKnownHosts, fingerprint: b.hostKeyFingerprint };
    }
    if (isRegistered('webdav')) {
      const b = await startWebdavBackend();
      stops.push(() => b.stop());
      const refusing = async (status: number): Promise<FaultProxy> => {
        const p = await startFaultProxy(`http://127.0.0.1:${b.port}`);
        p.addFault({ match: (req) => req.method === 'PUT', fault: { type: 'respond', status, body: '' } });
        stops.push(() => p.stop());
        return p;
      };
      const path = new URL(b.url).pathname;
      dav = { url: b.url, password: b.password, forbidden: `${(await refusing(403)).endpoint}${path}`, full: `${(await refusing(507)).endpoint}${path}` };
    }
  });
  after(async () => { for (const stop of stops.reverse()) await stop(); });

  /** The working S3 remote with some options replaced (`remote add` refuses an option given twice). */
  const s3Args = (...changes: string[]) => {
    const options = new Map(['provider=custom', `endpoint=${s3.endpoint}`, 'bucket=test-bucket', 'accessKeyId=S3RVER', 'secretAccessKey=S3RVER']
      .concat(changes).map((kv) => [kv.slice(0, kv.indexOf('=')), kv] as const));
    return ['s3', ...options.values()];
  };
  const davArgs = (url: string, password = dav.password) => ['webdav', `url=${url}`, 'username=tester', `password=${password}`];
  const CASES: readonly Case[] = [
    { name: 's3: wrong access key', kind: 's3', add: () => s3Args('accessKeyId=NOPE', 'secretAccessKey=wrong'), target: 'bad:', code: 3,
      message: () => /the access key was rejected at http:\/\/127\.0\.0\.1:\d+ .*check the access key id and secret/ },
    { name: 's3: missing bucket', kind: 's3', add: () => s3Args('bucket=no-such-bucket'), target: 'bad:', code: 5,
      message: () => /bucket "no-such-bucket" does not exist at .*create the bucket/ },
    { name: 's3: Object Lock asked, bucket without lock', kind: 's3', target: 'bad:', code: 2,
      add: () => s3Args('objectLockMode=GOVERNANCE', 'objectLockDays=30', `endpoint=${s3.lockless}`),
      message: () => /bucket "test-bucket" does not have Object Lock enabled, but retention was asked for; enable Object Lock/ },
    { name: 's3: Object Lock asked, server without Object Lock', kind: 's3', add: () => s3Args('objectLockMode=COMPLIANCE', 'objectLockDays=1'),
      target: 'bad:', code: 5, message: () => /does not support Object Lock, but retention was asked for/ },
    { name: 'sftp: unknown host key', kind: 'sftp', add: () => [...sftp.args, `knownHosts=${sftp.emptyKnownHosts}`], target: 'bad:', code: 3,
      message: () => new RegExp(`${sftp.fingerprint.replace(/[+/]/g, '\\$&')}.*set the option hostKey`) },
    { name: 'webdav: 401 wrong password', kind: 'webdav', add: () => davArgs(dav.url, 'wrong-password'), target: 'bad:', code: 3,
      message: () => /refused the username or password \(HTTP 401\)/ },
    { name: 'webdav: 403 no write permission', kind: 'webdav', add: () => davArgs(dav.forbidden), target: 'bad:', code: 5,
      message: () => /permission denied \(HTTP 403\)/ },
    { name: 'webdav: 507 insufficient storage', kind: 'webdav', add: () => davArgs(dav.full), target: 'bad:', code: 5,
      message: () => /out of space or the account over quota \(HTTP 507 Insufficient Storage\)/ },
    { name: 'rclone: remote not configured', kind: 'rclone', add: () => [], target: 'rclone:nosuchremote:photos', code: 2,
      message: () => /rclone remote "nosuchremote" is not configured; add it with `rclone config` or set RCLONE_CONFIG_NOSUCHREMOTE_TYPE/ },
  ];

  for (const c of CASES) {
    const skip = isRegistered(c.kind) ? false : `the ${c.kind} connector is not in src/destinations/index.ts yet`;
    it(c.name, { skip }, async () => {
      const env = { PHOTOFERRY_HOME: join(home, c.name.replace(/\W+/g, '-')), PHOTOFERRY_PASSPHRASE: 'bad input' };
      const args = c.add();
      if (args.length > 0) {
        const add = await runCli(['remote', 'add', 'bad', ...args], env);
        assert.equal(add.code, 0, `remote add: ${add.stderr}`);
      }
      const copy = await runCli(['copy', `folder:${library}`, c.target], env);
      assert.match(copy.stderr, c.message());
      assert.equal(copy.code, c.code, copy.stderr);
      assert.doesNotMatch(copy.stderr, /\n\s+at /, 'a message, not a stack trace');
      const verify = await runCli(['verify', c.target], env);
      assert.equal(verify.code, 4, verify.stdout + verify.stderr);
      assert.match(verify.stderr, /nothing recorded for /, 'never "Checked 0 files… all good"');
      const runs = await runCli(['--json', 'runs'], env);
      const list = (JSON.parse(runs.stdout) as { runs: { summary?: { files: { copied: number } } }[] }).runs;
      assert.deepEqual(list.filter((r) => (r.summary?.files.copied ?? 0) > 0), [], 'no run copied anything');
    });
  }
});
