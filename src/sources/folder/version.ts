/** @module Asset version of a folder asset: a hash of each resource's role, size and mtime. */
import { createHash } from 'node:crypto';

export function versionOf(files: readonly { role: string; size: number; mtimeMs: number }[]): string {
  const h = createHash('sha1');
  for (const f of files) h.update(`${f.role}:${f.size}:${Math.trunc(f.mtimeMs)}\n`);
  return h.digest('hex').slice(0, 16);
}
