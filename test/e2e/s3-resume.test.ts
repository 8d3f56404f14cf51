/** @module Issue 4, acceptance 3: SIGKILL photoferry in the middle of a 2 GB multipart upload to S3, re-run, and the upload resumes instead of restarting. */
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
/** The 2 GB by default; PF_RESUME_MIB=256 gives a quick local run. */
const SIZE = Number(process.env.PF_RESUME_MIB ?? 2048) * MiB;
/** 32 MiB parts: 64 at 2 GiB (the issue asks for at least 8); bigger parts mean fewer requests and state writes. */
const PART = 32 * MiB;
const PART_CONCURRENCY = 4;
const KILL_AT = 0.45;
/** Bodies besides the video's parts that a re-run sends: the XMP sidecar, the library manifest, the CompleteMultipartUpload XML. */
const SMALL_BODIES = 1 * MiB;

const sha256 = async (stream: Readable) => {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
};
const isCreateUpload = (r: { method: string; url: string }) => r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.url);
const uploadIdsOf = (requests: FaultProxy['requests']) =>
  new Set(requests.flatMap((r) => /[?&]uploadId=([^&]+)/.exec(r.url)?.[1] ?? []));

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
    // Straight to s3rver, not through its all-or-nothing front, which holds each whole part in memory before
    // forwarding it. Parts need no such guard: a part cut by the kill is never recorded as done, so the re-run
    // sends it again under the same part number and s3rver truncates and rewrites that part file. Nothing is
    // visible before CompleteMultipartUpload, and the SHA-256 below checks the assembled object.
    meter = await startFaultProxy(server.rawEndpoint);
    // One video, streamed to disk by the sample writer (never held in memory).
    await generateSampleLibrary({
      dir: library, seed: 'resume', photos: 0, videos: 1, livePhotos: 0, rawPairs: 0, screenshots: 0, edited: 0, smallFiles: 0,
      videoBytes: [SIZE, SIZE],
    });
  });
  after(async () => { await meter?.stop(); await server?.stop(); await rm(home, { recursive: true, force: true }); });

  it(`a ${SIZE / MiB} MiB upload killed at ${KILL_AT * 100}% resumes: the re-run sends fewer bytes and the object is identical`, async (t) => {
    const started = performance.now();
    const phases: string[] = [];
    const lap = (name: string) => phases.push(`${name} ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const files = (await readdir(library, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    assert.equal(files.length, 1);
    const sourceFile = join(files[0]!.parentPath, files[0]!.name);
    const env = { PHOTOFERRY_HOME: join(home, 'home'), PHOTOFERRY_PASSPHRASE: 'resume test' };
    const add = await runCli(['remote', 'add', 's3r', 's3', 'provider=custom', `endpoint=${meter.endpoint}`, 'bucket=test-bucket',
      'accessKeyId=S3RVER', 'secretAccessKey=S3RVER', `partSizeMiB=${PART / MiB}`, `partConcurrency=${PART_CONCURRENCY}`], env);
    assert.equal(add.code, 0, add.stderr);
    const target = 's3r:test-bucket/photos';

    const first = startCli(['copy', `folder:${library}`, target], env);
    const exited = new Promise<NodeJS.Signals | null>((done) => first.on('exit', (_code, sig) => done(sig)));
    let firstStderr = '';
    first.stderr!.on('data', (d: Buffer) => { firstStderr += d.toString(); });
    meter.onForward = (total) => { if (total >= SIZE * KILL_AT) first.kill('SIGKILL'); };
    const signal = await exited;
    meter.onForward = undefined;
    lap('killed');
    assert.equal(signal, 'SIGKILL', `the first run ended before the kill point: ${firstStderr}`);
    const sentBeforeKill = meter.forwardedBytes;
    assert.equal(meter.requests.filter(isCreateUpload).length, 1, 'the first run started one multipart upload');
    const firstUploads = uploadIdsOf(meter.requests);
    assert.equal(firstUploads.size, 1, `parts of one upload: ${[...firstUploads].join(', ')}`);

    // Hashed while the re-run works: for much of it photoferry waits on s3rver assembling the parts.
    const sourceSha256 = sha256(createReadStream(sourceFile, { highWaterMark: 4 * MiB }));
    meter.resetCounters();
    const second = await runCli(['copy', `folder:${library}`, target], env);
    lap('re-run');
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /Copied 1 original files/);
    const resent = meter.forwardedBytes;
    assert.ok(!meter.requests.some(isCreateUpload), 'the re-run continued the existing multipart upload instead of creating a new one');
    assert.deepEqual(uploadIdsOf(meter.requests), firstUploads, 'the re-run sent its parts to the first run\'s upload');
    // Every byte that reached the server before the kill belongs to a part recorded as done (skipped now) or
    // to one of at most PART_CONCURRENCY parts in flight at the kill (sent again).
    assert.ok(resent < SIZE, `re-run sent ${resent} bytes of ${SIZE}`);
    const bound = SIZE - sentBeforeKill + PART_CONCURRENCY * PART + SMALL_BODIES;
    assert.ok(resent <= bound,
      `re-run sent ${(resent / MiB).toFixed(0)} MiB although ${(sentBeforeKill / MiB).toFixed(0)} MiB had reached the server (at most ${(bound / MiB).toFixed(0)} MiB expected)`);

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
      assert.equal(await sha256(stored), await sourceSha256, 'object byte-identical to the source');
    } finally {
      client.destroy();
    }
    lap('hashed');
    const verify = await runCli(['verify', target], env);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /Checked \d+ files .*all good[^]*original files[^\n]* 1 \(/);
    lap('verified');
    t.diagnostic(`${(sentBeforeKill / MiB).toFixed(0)} MiB before the kill, ${(resent / MiB).toFixed(0)} MiB re-sent; ${phases.join(', ')}`);
  });
});
