/** @module Issue 4, acceptance 3: SIGKILL photoferry in the middle of a large multipart upload to S3, re-run, and the upload resumes instead of restarting. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { generateSampleLibrary } from '../../src/sample/index.ts';
import { startS3rver, type S3rverServer } from '../servers/s3rver.ts';
import { startFaultProxy, type FaultProxy } from '../servers/fault-proxy.ts';
import { isDerivedOutput, runCli, startCli, tempHome } from './cli.ts';

const MiB = 1024 * 1024;
/**
 * The issue asks for 2 GB. SIZE_MIB (default 1024) is what fits the ~90 s budget on this shared 2-core
 * machine: generating the file, ~1.5× its size uploaded through two loopback proxies, s3rver copying the parts
 * into the object on completion, and reading the object back to hash it. PF_RESUME_MIB=2048 runs the full size.
 */
const SIZE = Number(process.env.PF_RESUME_MIB ?? 1024) * MiB;
/** 16 MiB parts: 64 parts at 1 GiB, 128 at 2 GiB (the issue asks for at least 8). */
const PART_MIB = 16;
const KILL_AT = 0.45;

const sha256 = async (stream: Readable) => {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

describe('S3 multipart resume after SIGKILL (real binary)', () => {
  let home = '';
  let library = '';
  let server: S3rverServer;
  /** Counts the request-body bytes that reach the S3 server, per run. */
  let meter: FaultProxy;
  before(async () => {
    home = await tempHome('pf-s3-resume-');
    library = join(home, 'library');
    server = await startS3rver({ buckets: ['test-bucket'] });
    meter = await startFaultProxy(server.endpoint);
    // One video, streamed to disk by the sample writer (never held in memory).
    await generateSampleLibrary({
      dir: library, seed: 'resume', photos: 0, videos: 1, livePhotos: 0, rawPairs: 0, screenshots: 0, edited: 0, smallFiles: 0,
      videoBytes: [SIZE, SIZE],
    });
  });
  after(async () => { await meter?.stop(); await server?.stop(); await rm(home, { recursive: true, force: true }); });

  it(`a ${SIZE / MiB} MiB upload killed at ${KILL_AT * 100}% resumes: the re-run sends fewer bytes and the object is identical`, async () => {
    const env = { PHOTOFERRY_HOME: join(home, 'home'), PHOTOFERRY_PASSPHRASE: 'resume test' };
    const add = await runCli(['remote', 'add', 's3r', 's3', 'provider=custom', `endpoint=${meter.endpoint}`, 'bucket=test-bucket',
      'accessKeyId=S3RVER', 'secretAccessKey=S3RVER', `partSizeMiB=${PART_MIB}`, 'partConcurrency=4'], env);
    assert.equal(add.code, 0, add.stderr);
    const target = 's3r:test-bucket/photos';

    const first = startCli(['copy', `folder:${library}`, target], env);
    const exited = new Promise<NodeJS.Signals | null>((done) => first.on('exit', (_code, sig) => done(sig)));
    let firstStderr = '';
    first.stderr!.on('data', (d: Buffer) => { firstStderr += d.toString(); });
    meter.onForward = (total) => { if (total >= SIZE * KILL_AT) first.kill('SIGKILL'); };
    const signal = await exited;
    meter.onForward = undefined;
    assert.equal(signal, 'SIGKILL', `the first run ended before the kill point: ${firstStderr}`);
    const sentBeforeKill = meter.forwardedBytes;

    meter.resetCounters();
    const second = await runCli(['copy', `folder:${library}`, target], env);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /Copied 1 files/);
    const resent = meter.forwardedBytes;
    // Parts that were finished before the kill are not sent again; parts in flight at the kill are.
    assert.ok(resent < SIZE, `re-run sent ${resent} bytes of ${SIZE}`);
    assert.ok(resent <= SIZE - (SIZE * KILL_AT - 8 * PART_MIB * MiB),
      `re-run sent ${(resent / MiB).toFixed(0)} MiB although ${(sentBeforeKill / MiB).toFixed(0)} MiB had reached the server`);
    assert.ok(!meter.requests.some((r) => r.method === 'POST' && r.url.includes('uploads') && !r.url.includes('uploadId')),
      'the re-run continued the existing multipart upload instead of creating a new one');

    const files = (await readdir(library, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    assert.equal(files.length, 1);
    const sourceFile = join(files[0]!.parentPath, files[0]!.name);
    const client = new S3Client({
      endpoint: server.rawEndpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'test-bucket', Prefix: 'photos/' }));
      // Besides the video: its XMP sidecar and the library manifest photoferry writes (issue 5), not counted here.
      const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => !isDerivedOutput(k.slice('photos/'.length)));
      assert.equal(keys.length, 1, `one object: ${keys.join(', ')}`);
      assert.ok(keys[0]!.endsWith(`/${files[0]!.name}`), keys[0]);
      const stored = (await client.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: keys[0] }))).Body as Readable;
      assert.equal(await sha256(stored), await sha256(createReadStream(sourceFile)), 'object byte-identical to the source');
    } finally {
      client.destroy();
    }
    const verify = await runCli(['verify', target], env);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /Checked 1 files .*all good/);
  });
});
