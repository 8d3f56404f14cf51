/** @module Host key pinning: OpenSSH-style SHA256 fingerprints and known_hosts lookups (plain, [host]:port, hashed, wildcards). */
import { createHash, createHmac } from 'node:crypto';

/** `SHA256:<base64 without padding>` of a raw host key blob, exactly as `ssh-keygen -lf` prints it. */
export const fingerprintOf = (key: Buffer): string =>
  `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

export type HostKeyVerdict = 'match' | 'mismatch' | 'unknown';

/** The name a known_hosts line uses for a server: `host` on port 22, `[host]:port` otherwise. */
const hostNameOf = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`);

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    // Hashed entry (HashKnownHosts yes): |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
    const [, , salt = '', hash = ''] = pattern.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(name);
}

/** Whether a comma-separated host list names the server (a matching `!pattern` excludes it). */
function hostsMatch(list: string, name: string): boolean {
  let matched = false;
  for (const pattern of list.split(',')) {
    if (pattern.startsWith('!')) { if (patternMatches(pattern.slice(1), name)) return false; }
    else if (patternMatches(pattern, name)) matched = true;
  }
  return matched;
}

/**
 * Looks the server's key up in known_hosts text. `match` when a line for this host carries this key,
 * `mismatch` when lines for the host exist but none carries it (or the key is @revoked), `unknown` otherwise.
 */
export function checkKnownHosts(text: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = hostNameOf(host, port);
  const blob = key.toString('base64');
  let sawHost = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    const [hosts = '', , keyBase64 = ''] = fields;
    if (marker === '@cert-authority' || !hostsMatch(hosts, name)) continue;
    if (marker === '@revoked') { if (keyBase64 === blob) return 'mismatch'; continue; }
    sawHost = true;
    if (keyBase64 === blob) return 'match';
  }
  return sawHost ? 'mismatch' : 'unknown';
}

/** What to tell the user when the key is refused; always shows the fingerprint so it can be pinned. */
export function refusalMessage(verdict: HostKeyVerdict, host: string, port: number, seen: string, source: string): string {
  const where = `${host}:${port}`;
  const pin = `If you trust this server, set the option hostKey to "${seen}" (compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_*.pub\` on the server).`;
  return verdict === 'mismatch'
    ? `SFTP host key of ${where} is ${seen}, which does NOT match ${source}. Someone may be intercepting the connection, or the server was reinstalled. ${pin}`
    : `SFTP host key of ${where} is unknown (${seen}); it is not in ${source}, so the connection was refused. ${pin}`;
}
