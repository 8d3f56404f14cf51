/** @module Debian OpenSSH sshd on 127.0.0.1 with its own config, temp host and client keys, SFTP only. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, superviseServer } from './loopback-port.ts';

export interface SshdServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly username: string;
  /** Folder the SFTP user lands in (no chroot: absolute paths work too). */
  readonly root: string;
  /** Unencrypted OpenSSH private key authorised for `username`. */
  readonly privateKeyPath: string;
  /** The same key pair encrypted with `passphrase`. */
  readonly encryptedKeyPath: string;
  readonly passphrase: string;
  /** A key that is not authorised (for the wrong-key test). */
  readonly strangerKeyPath: string;
  /** `SHA256:...` fingerprint of the server's host key, as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
  /** A known_hosts file listing the server as `[127.0.0.1]:port`. */
  readonly knownHostsPath: string;
  stop(): Promise<void>;
}

const keygen = (path: string, passphrase = '') =>
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'photoferry-test', '-f', path]);

/** Fingerprint of a `type base64 comment` public key line, the way OpenSSH prints it. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export async function startSshd(): Promise<SshdServer> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-sshd-'));
  const root = join(dir, 'root');
  await mkdir(root);
  const file = (name: string) => join(dir, name);
  keygen(file('host_key'));
  keygen(file('client_key'));
  keygen(file('stranger_key'));
  // The encrypted key is the same pair as client_key, re-saved with a passphrase.
  execFileSync('cp', [file('client_key'), file('client_key_enc')]);
  execFileSync('ssh-keygen', ['-q', '-p', '-N', 'correct horse', '-f', file('client_key_enc')]);
  await writeFile(file('authorized_keys'), await readFile(file('client_key.pub')));
  const hostPub = await readFile(file('host_key.pub'), 'utf8');
  const port = await freePort();
  const username = userInfo().username;
  await writeFile(file('known_hosts'), `[127.0.0.1]:${port} ${hostPub.trim().split(/\s+/).slice(0, 2).join(' ')}\n`);
  await writeFile(file('sshd_config'), [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${file('host_key')}`,
    `PidFile ${file('sshd.pid')}`,
    `AuthorizedKeysFile ${file('authorized_keys')}`,
    'UsePAM no',
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    // Tests run as root in CI; keys only would also work, but the wrong-password test needs password tried.
    'PermitRootLogin yes',
    `AllowUsers ${username}`,
    'Subsystem sftp internal-sftp',
    `ForceCommand internal-sftp -d ${root}`,
    'LogLevel ERROR',
    '',
  ].join('\n'));
  await chmod(file('sshd_config'), 0o600);
  // Debian's sshd refuses to start without its privilege-separation dir, even with its own config.
  if (!existsSync('/run/sshd')) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', file('sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = await superviseServer(child, dir, port, 'SSH-');
  return {
    host: '127.0.0.1', port, username, root,
    privateKeyPath: file('client_key'),
    encryptedKeyPath: file('client_key_enc'),
    passphrase: 'correct horse',
    strangerKeyPath: file('stranger_key'),
    hostKeyFingerprint: fingerprintOf(hostPub),
    knownHostsPath: file('known_hosts'),
    stop,
  };
}
