/** @module s3rver (npm, dev) on 127.0.0.1 as a child process in a temp dir: a real S3-speaking peer for tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startFaultProxy } from './fault-proxy.ts';
import { freePort, superviseServer } from './loopback-port.ts';

export interface S3rverServer {
  /** `http://127.0.0.1:PORT` (path-style only): the all-or-nothing front, see `startS3rver`. */
  readonly endpoint: string;
  /** s3rver itself, which shows the truncated body of a dropped PUT. */
  readonly rawEndpoint: string;
  /** Buckets created at start. */
  readonly buckets: readonly string[];
  readonly accessKeyId: 'S3RVER';
  readonly secretAccessKey: 'S3RVER';
  readonly region: 'us-east-1';
  /** The folder s3rver stores objects in; `stop` deletes it. */
  readonly dir: string;
  stop(): Promise<void>;
}

const script = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');

/**
 * s3rver writes a PUT body straight into the object file, so a dropped connection leaves a truncated
 * object visible; real S3 (and MinIO, B2, R2, Ceph) never does. `endpoint` is therefore a loopback front
 * that forwards a body only once it has fully arrived, which is the behaviour the stores are written for.
 */
export async function startS3rver(options: { buckets?: readonly string[] } = {}): Promise<S3rverServer> {
  const buckets = options.buckets ?? ['photos'];
  const dir = await mkdtemp(join(tmpdir(), 'pf-s3rver-'));
  const port = await freePort();
  // --openssl-legacy-provider: s3rver's ListObjectsV2 continuation token uses DES, which OpenSSL 3 hides.
  const args = ['--openssl-legacy-provider', script, '-d', dir, '-a', '127.0.0.1', '-p', String(port), '-s', '--no-vhost-buckets',
    ...buckets.flatMap((b) => ['--configure-bucket', b])];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopServer = await superviseServer(child, dir, port);
  const rawEndpoint = `http://127.0.0.1:${port}`;
  const front = await startFaultProxy(rawEndpoint, { storeAndForward: true });
  return {
    endpoint: front.endpoint, rawEndpoint, buckets,
    accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1', dir,
    async stop() {
      await front.stop();
      await stopServer();
    },
  };
}
