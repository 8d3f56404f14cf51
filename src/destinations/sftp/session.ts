/** @module One SSH connection with one SFTP channel: host key pinned before login, calls promisified, extensions known. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { Socket } from 'node:net';
import { join } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import type { SFTPWrapper, Stats, FileEntryWithStats } from 'ssh2';
import { TransferError } from '../../core/transfer-error.ts';
import { KIND, toTransferError } from './errors.ts';
import { checkKnownHosts, fingerprintOf, refusalMessage, type HostKeyVerdict } from './host-key.ts';

export interface SessionOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: string;
  readonly privateKey?: string | Buffer;
  /** Read at connect time when `privateKey` is not given. */
  readonly privateKeyPath?: string;
  readonly passphrase?: string;
  /** Pinned `SHA256:...` fingerprint; wins over knownHosts. */
  readonly hostKey?: string;
  /** known_hosts file (default ~/.ssh/known_hosts) consulted when no hostKey is pinned. */
  readonly knownHosts?: string;
  readonly readyTimeoutMs: number;
}

export const POSIX_RENAME = 'posix-rename@openssh.com';
export const HARDLINK = 'hardlink@openssh.com';
export const FSYNC = 'fsync@openssh.com';

type Callback<T> = (err: Error | undefined | null, value: T) => void;
const call = <T = void>(fn: (cb: Callback<T>) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

export interface Session {
  readonly extensions: ReadonlySet<string>;
  /**
   * The server handles a channel's requests one at a time in the order sent, as OpenSSH's sftp-server does, so
   * the requests that end a file may follow its writes without waiting for their replies. The protocol draft
   * does not promise this, so other servers wait; either way every reply is checked before the file counts.
   */
  readonly inOrder: boolean;
  /** Most data bytes one WRITE may carry: the server's limits@openssh.com, else ssh2's safe guess; ssh2 splits longer ones into sequential requests. */
  readonly maxWrite: number;
  /**
   * `write` has copied `data` into its packet when it returns, for data no longer than `maxWrite`: ssh2 builds the
   * WRITE packet at once (and keeps the caller's buffer only for what exceeds its limit). Known from ssh2 announcing
   * its limit; without that, a caller must assume its buffer is read later.
   */
  readonly copiesWrites: boolean;
  /** True once the connection dropped; the store opens a new session on next use. */
  readonly dead: boolean;
  stat(path: string): Promise<Stats>;
  open(path: string, flags: 'w' | 'r+' | 'r'): Promise<Buffer>;
  write(handle: Buffer, data: Buffer, position: number): Promise<void>;
  /** Flushes to disk where the server can (fsync@openssh.com); a no-op elsewhere. */
  fsync(handle: Buffer): Promise<void>;
  futimes(handle: Buffer, time: Date): Promise<void>;
  closeHandle(handle: Buffer): Promise<void>;
  /** Replaces `to` atomically with posix-rename; without it, removes `to` first (not atomic). */
  rename(from: string, to: string): Promise<void>;
  hardlink(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<FileEntryWithStats[]>;
  fstat(handle: Buffer): Promise<Stats>;
  /** Up to `length` bytes at `position`; fewer only at the end of the file (or when the server caps a reply). */
  read(handle: Buffer, length: number, position: number): Promise<Buffer>;
  end(): Promise<void>;
}

/**
 * The TCP connection, with Nagle off (ssh2 leaves it on, so a small request could wait for the ACK of the one
 * before) and everything written in one turn of the event loop leaving in one writev: a file's last WRITE and the
 * requests that end it, and the requests of every other file whose reply arrived in the same turn, cost one
 * syscall and one wake-up of sshd. (Uncorking at the next tick instead sent a writev per reply handled: 10k
 * small files spent ~5 s of CPU in writev.)
 */
function corkingSocket(host: string, port: number): Socket {
  // connect() puts the prototype's write back on the instance, so the wrapper goes on after it.
  const sock = new Socket().setNoDelay(true).connect(port, host);
  let corked = false;
  const uncork = () => { corked = false; sock.uncork(); };
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  sock.write = ((...args: unknown[]) => {
    if (!corked) { corked = true; sock.cork(); setImmediate(uncork); }
    return write(...args);
  }) as Socket['write'];
  return sock;
}

const expandHome = (path: string) => (path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);

async function knownHostsText(path: string | undefined): Promise<{ text: string; source: string }> {
  const file = path === undefined ? join(homedir(), '.ssh', 'known_hosts') : expandHome(path);
  try { return { text: await readFile(file, 'utf8'), source: file }; } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && path === undefined) return { text: '', source: `${file} (missing)` };
    throw new TransferError('invalid-input', `cannot read known_hosts file ${file}: ${(err as Error).message}`, { connector: KIND, cause: err });
  }
}

export async function openSession(o: SessionOptions): Promise<Session> {
  const pinned = o.hostKey?.replace(/=+$/, '');
  const privateKey = o.privateKey ?? (o.privateKeyPath === undefined ? undefined : await readFile(expandHome(o.privateKeyPath)).catch((err: unknown) => {
    throw new TransferError('invalid-input', `cannot read private key ${o.privateKeyPath}: ${(err as Error).message}`, { connector: KIND, cause: err });
  }));
  const known = pinned === undefined ? await knownHostsText(o.knownHosts) : undefined;
  let refused: string | undefined;
  const hostVerifier = (key: Buffer): boolean => {
    const seen = fingerprintOf(key);
    const verdict: HostKeyVerdict = pinned !== undefined
      ? (seen === pinned ? 'match' : 'mismatch')
      : checkKnownHosts(known?.text ?? '', o.host, o.port, key);
    if (verdict !== 'match') refused = refusalMessage(verdict, o.host, o.port, seen, pinned ? `the pinned hostKey ${pinned}` : known?.source ?? '');
    return verdict === 'match';
  };
  let dead = false;
  const markDead = () => { dead = true; };
  const client = new SftpClient('photoferry', { error: markDead, end: markDead, close: markDead });
  let sftp: SFTPWrapper;
  const sock = corkingSocket(o.host, o.port);
  try {
    sftp = await client.connect({
      host: o.host, port: o.port, username: o.username, readyTimeout: o.readyTimeoutMs, hostVerifier,
      sock,
      keepaliveInterval: 15_000,
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(privateKey !== undefined ? { privateKey } : {}),
      ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    });
  } catch (err) {
    await client.end().catch(() => undefined);
    sock.destroy();
    if (refused) throw new TransferError('auth-required', refused, { connector: KIND, cause: err });
    throw toTransferError(err, `connect to ${o.username}@${o.host}:${o.port}`);
  }
  // ssh2 keeps the extensions the server announced in its version packet, whether the server's banner says
  // OpenSSH, and the write length limits@openssh.com allowed (or its guess) on these private fields.
  const internals = sftp as unknown as { _extensions?: Record<string, unknown>; _isOpenSSH?: unknown; _maxWriteLen?: unknown };
  const extensions = new Set(Object.keys(internals._extensions ?? {}));
  const knownLimit = typeof internals._maxWriteLen === 'number' && internals._maxWriteLen > 0;
  const maxWrite = knownLimit ? internals._maxWriteLen as number : 32 * 1024;

  return {
    extensions,
    inOrder: internals._isOpenSSH === true,
    maxWrite,
    copiesWrites: knownLimit,
    get dead() { return dead; },
    stat: (path) => call((cb) => sftp.stat(path, cb)),
    open: (path, flags) => call((cb) => sftp.open(path, flags, cb)),
    write: (handle, data, position) => call((cb) => sftp.write(handle, data, 0, data.length, position, (err) => cb(err, undefined))),
    fsync: async (handle) => {
      if (extensions.has(FSYNC)) await call((cb) => sftp.ext_openssh_fsync(handle, (err) => cb(err, undefined)));
    },
    futimes: (handle, time) => call((cb) => sftp.futimes(handle, time, time, (err) => cb(err, undefined))),
    closeHandle: (handle) => call((cb) => sftp.close(handle, (err) => cb(err, undefined))),
    rename: async (from, to) => {
      if (extensions.has(POSIX_RENAME)) { await call((cb) => sftp.ext_openssh_rename(from, to, (err) => cb(err, undefined))); return; }
      // Plain SFTP v3 rename refuses to replace, so the old file goes first: a reader may briefly see nothing.
      await call((cb) => sftp.unlink(to, (err) => cb(err, undefined))).catch(() => undefined);
      await call((cb) => sftp.rename(from, to, (err) => cb(err, undefined)));
    },
    hardlink: (from, to) => call((cb) => sftp.ext_openssh_hardlink(from, to, (err) => cb(err, undefined))),
    unlink: (path) => call((cb) => sftp.unlink(path, (err) => cb(err, undefined))),
    mkdir: (path) => call((cb) => sftp.mkdir(path, (err) => cb(err, undefined))),
    readdir: (path) => call((cb) => sftp.readdir(path, cb)),
    fstat: (handle) => call((cb) => sftp.fstat(handle, cb)),
    read: (handle, length, position) => call((cb) => sftp.read(handle, Buffer.allocUnsafe(length), 0, length, position,
      (err, bytesRead, buffer) => cb(err, buffer.subarray(0, bytesRead)))),
    end: async () => { dead = true; await client.end().catch(() => undefined); },
  };
}
