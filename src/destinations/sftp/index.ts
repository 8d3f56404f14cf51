/** @module SFTP destination (any OpenSSH server, NAS, seedbox): `sftp:user@host:port/path`, host key always pinned. */
import { z } from 'zod';
import { durabilityOption } from '../durability.ts';
import { defineDestination } from '../define.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

export const sftpOptions = z.object({
  host: z.string().min(1).describe('Server name or address'),
  port: z.int().min(1).max(65535).default(22).describe('SSH port'),
  username: z.string().min(1).describe('Login name'),
  password: z.string().optional().meta({ secret: true }).describe('Password (or use a private key)'),
  privateKeyPath: z.string().optional().describe('Private key file, e.g. ~/.ssh/id_ed25519'),
  privateKey: z.string().optional().meta({ secret: true }).describe('Private key text (PEM or OpenSSH format), instead of a file'),
  passphrase: z.string().optional().meta({ secret: true }).describe('Passphrase of an encrypted private key'),
  hostKey: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'a SHA256:... fingerprint as ssh-keygen -lf prints it').optional()
    .describe('Pinned server host key fingerprint (SHA256:...); an unknown key is refused and its fingerprint shown'),
  knownHosts: z.string().optional().describe('known_hosts file to check the host key against when hostKey is not set (default ~/.ssh/known_hosts)'),
  root: z.string().min(1).default('.').describe('Folder on the server that receives the library (relative to the login folder unless absolute)'),
  connections: z.int().min(1).max(16).default(4)
    .describe('SSH connections opened at most; each file being written or read gets one to itself (4 matches the default copy concurrency). The server serves each connection with its own process, so one shared connection kept it on one core'),
  durability: durabilityOption
    .describe('When written bytes are forced onto the server\'s disk: file = fsync each file before it gets its name (slowest: one journal commit per file, ~3 ms each here); run = fsync written files in batches on up to two extra connections, within a second and before the run ends; none = leave it to the server. Only a crash or power cut of the server can lose bytes not yet forced'),
  inFlight: z.int().min(1).max(64).default(16).describe('Write requests in flight per file (pipelining; 16 ran at ~230 MB/s on loopback)'),
  blockSizeKiB: z.int().min(4).max(255).default(255).describe('Most bytes per write request, in KiB (OpenSSH accepts up to 255)'),
  resumeMinMiB: z.int().min(1).default(8).describe('A failed upload that got this far keeps its partial file and resumes on the next attempt'),
  connectTimeoutSeconds: z.int().min(1).max(600).default(20).describe('Seconds to wait for the SSH handshake'),
}).superRefine((o, ctx) => {
  if (o.password === undefined && o.privateKey === undefined && o.privateKeyPath === undefined) {
    ctx.addIssue({ code: 'custom', message: 'set password, privateKeyPath or privateKey', path: ['password'] });
  }
  if (o.privateKey !== undefined && o.privateKeyPath !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'privateKey and privateKeyPath are alternatives; set one', path: ['privateKey'] });
  }
});
export type SftpOptions = z.output<typeof sftpOptions>;

/** `user@host:port/path` or `host/path`; the path after the first `/` is the root (`//abs` for an absolute one). */
function parseTarget(target: string): Record<string, unknown> {
  const match = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?(?:\/(.*))?$/.exec(target);
  if (!match) return { host: target };
  const [, username, host = '', port, path] = match;
  return {
    host: host.replace(/^\[|\]$/g, ''),
    ...(username ? { username } : {}),
    ...(port ? { port: Number(port) } : {}),
    ...(path ? { root: path } : {}),
  };
}

export const sftpDestination = defineDestination({
  kind: 'sftp',
  title: 'SFTP server (OpenSSH, NAS, seedbox)',
  options: sftpOptions,
  parseTarget,
  idOf: (o) => `sftp:${o.username}@${o.host}:${o.port}/${o.root.replace(/^\.\/?/, '')}`,
  create: async (o, ctx) => (await import('./sftp-store.ts')).createSftpStore({
    host: o.host, port: o.port, username: o.username, root: o.root,
    readyTimeoutMs: o.connectTimeoutSeconds * 1000,
    blockSize: o.blockSizeKiB * KiB, inFlight: o.inFlight, resumeMinBytes: o.resumeMinMiB * MiB,
    connections: o.connections, durability: o.durability,
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : {}),
    ...(o.privateKeyPath !== undefined ? { privateKeyPath: o.privateKeyPath } : {}),
    ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
    ...(o.hostKey !== undefined ? { hostKey: o.hostKey } : {}),
    ...(o.knownHosts !== undefined ? { knownHosts: o.knownHosts } : {}),
  }, ctx),
});
