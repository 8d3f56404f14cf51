/** @module rclone remotes for tests, configured only through RCLONE_CONFIG_* env: a local folder, and `rclone serve webdav` as a network peer. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, superviseServer } from './loopback-port.ts';

export interface RcloneRemote {
  /** Remote name (the part before ":"). */
  readonly remote: string;
  /** Folder to use on the remote. */
  readonly path: string;
  /** RCLONE_CONFIG_<REMOTE>_* variables that define the remote; merge into process.env. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Debian's rclone without AWS_CA_BUNDLE (see docs/dependencies.md). */
const rcloneEnv = () => { const env = { ...process.env }; delete env.AWS_CA_BUNDLE; return env; };

/** A `local` remote whose folder is a fresh temp dir. */
export async function startRcloneLocal(name = 'pflocal'): Promise<RcloneRemote> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-rclone-'));
  const prefix = `RCLONE_CONFIG_${name.toUpperCase()}`;
  return { remote: name, path: dir, env: { [`${prefix}_TYPE`]: 'local' }, stop: () => rm(dir, { recursive: true, force: true }) };
}

/** `rclone serve webdav` over a temp dir on 127.0.0.1, and a `webdav` remote pointing at it. */
export async function startRcloneWebdav(name = 'pfdav'): Promise<RcloneRemote> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-rclone-dav-'));
  const port = await freePort();
  const child: ChildProcess = spawn('rclone', ['serve', 'webdav', dir, '--addr', `127.0.0.1:${port}`, '--user', 'u', '--pass', 'p', '--log-level', 'ERROR'],
    { env: rcloneEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = await superviseServer(child, dir, port);
  const prefix = `RCLONE_CONFIG_${name.toUpperCase()}`;
  const pass = execFileSync('rclone', ['obscure', 'p'], { env: rcloneEnv() }).toString().trim();
  return {
    remote: name, path: 'photos', stop,
    env: { [`${prefix}_TYPE`]: 'webdav', [`${prefix}_URL`]: `http://127.0.0.1:${port}/`, [`${prefix}_VENDOR`]: 'other', [`${prefix}_USER`]: 'u', [`${prefix}_PASS`]: pass },
  };
}
