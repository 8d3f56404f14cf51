/** @module Loopback storage backends for the e2e tests: a started server, the `remote add` that points at it, and a read-back of what it stores. */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { destinationDefinitions } from '../../src/destinations/index.ts';
import { startS3rver } from '../servers/s3rver.ts';
import { startRcloneLocal } from '../servers/rclone.ts';
import { startSshd } from '../servers/sshd.ts';
import { startApacheWebdav } from '../servers/apache-webdav.ts';
import { tempDir } from '../temp-dir.ts';
import { hashTree } from './cli.ts';

export interface Backend {
  readonly kind: string;
  /** Name for `photoferry remote add NAME …`. */
  readonly remote: string;
  /** `TYPE k=v …` after `remote add NAME`; empty when the target is a `kind:target` form that needs no remote. */
  readonly addArgs: readonly string[];
  /** What `copy` and `verify` are given, e.g. `s3t:test-bucket/photos`. */
  readonly target: string;
  /** Extra environment for the binary (rclone remotes live in RCLONE_CONFIG_*). */
  readonly env: Readonly<Record<string, string>>;
  /** Every file under the target, read back from the server (relative path → sha256); `.photoferry*` skipped unless asked. */
  readBack(options?: { includeHidden?: boolean }): Promise<Map<string, string>>;
  stop(): Promise<void>;
}

/** A connector that is not in the registry yet (another engineer's work in progress) is skipped by name. */
export const isRegistered = (kind: string): boolean => destinationDefinitions.some((d) => d.kind === kind);

const sha256 = async (stream: Readable) => {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

export async function startS3Backend(name = 's3t', options: { extra?: readonly string[] } = {}): Promise<Backend & { endpoint: string }> {
  const server = await startS3rver({ buckets: ['test-bucket'] });
  // Reads go straight to s3rver, past the store-and-forward front photoferry talks to.
  const client = new S3Client({
    endpoint: server.rawEndpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    kind: 's3', remote: name, endpoint: server.endpoint, env: {}, target: `${name}:test-bucket/photos`,
    // 5 MiB parts from 5 MiB up: the sample's videos go up as multipart uploads, the photos as single PUTs.
    addArgs: ['s3', 'provider=custom', `endpoint=${server.endpoint}`, 'bucket=test-bucket', 'accessKeyId=S3RVER', 'secretAccessKey=S3RVER',
      'partSizeMiB=5', 'multipartThresholdMiB=5', ...(options.extra ?? [])],
    async readBack(opts = {}) {
      const out = new Map<string, string>();
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: 'test-bucket', Prefix: 'photos/', ...(token ? { ContinuationToken: token } : {}) }));
        for (const { Key } of page.Contents ?? []) {
          const rel = Key!.slice('photos/'.length);
          if (!opts.includeHidden && rel.startsWith('.photoferry')) continue;
          const body = (await client.send(new GetObjectCommand({ Bucket: 'test-bucket', Key }))).Body as Readable;
          out.set(rel, await sha256(body));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async stop() { client.destroy(); await server.stop(); },
  };
}

export async function startRcloneBackend(name = 'rct'): Promise<Backend> {
  const local = await startRcloneLocal('pfe2elocal');
  // An alias remote rooted at the temp dir, so the target needs no absolute path: the rclone store strips a
  // leading "/" from its path (`local:/tmp/x` would land in ./tmp/x under the current directory).
  const alias = { RCLONE_CONFIG_PFE2E_TYPE: 'alias', RCLONE_CONFIG_PFE2E_REMOTE: local.path };
  const dir = join(local.path, 'photos');
  return {
    // The `kind:target` form: the rclone remote itself is the named thing, no photoferry remote needed.
    kind: 'rclone', remote: name, env: { ...local.env, ...alias }, target: 'rclone:pfe2e:photos', addArgs: [],
    readBack: (opts = {}) => hashTree(dir, opts),
    stop: () => local.stop(),
  };
}

export async function startSftpBackend(name = 'nas'): Promise<Backend & { strangerKnownHosts: string; hostKeyFingerprint: string }> {
  const server = await startSshd();
  // An empty known_hosts: the server's key is then unknown (not mismatched), the first-contact case.
  const scratch = tempDir('pf-e2e-kh-');
  const strangerKnownHosts = join(scratch, 'known_hosts');
  await writeFile(strangerKnownHosts, '');
  return {
    kind: 'sftp', remote: name, env: {}, target: `${name}:`, strangerKnownHosts, hostKeyFingerprint: server.hostKeyFingerprint,
    addArgs: ['sftp', `host=${server.host}`, `port=${server.port}`, `username=${server.username}`, `privateKeyPath=${server.privateKeyPath}`,
      `knownHosts=${server.knownHostsPath}`, `root=${join(server.root, 'photos')}`],
    readBack: (opts = {}) => hashTree(join(server.root, 'photos'), opts),
    stop: () => server.stop(),
  };
}

export async function startWebdavBackend(name = 'dav'): Promise<Backend & { url: string; port: number; password: string }> {
  const server = await startApacheWebdav();
  return {
    // A webdav target is its URL, so the named remote carries it and the target adds nothing (the store makes any
    // missing folder of the URL itself).
    kind: 'webdav', remote: name, env: {}, target: `${name}:`, url: server.url, port: server.port, password: server.password,
    addArgs: ['webdav', `url=${server.url}`, `username=${server.username}`, `password=${server.password}`],
    readBack: (opts = {}) => hashTree(server.dataDir, opts),
    stop: () => server.stop(),
  };
}
