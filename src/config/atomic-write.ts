/** @module Private files written atomically: temp file in the same folder, fsync, rename; mode 0600, new folders 0700. */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface PrivateFileModes {
  readonly mode?: number;
  readonly dirMode?: number;
}

/**
 * Readers see the old file or the new one, never half of one (a crash mid-write must not lose the vault).
 * Modes are set explicitly after creation because the process umask may strip bits from open/mkdir modes.
 */
export function writePrivateFileSync(path: string, data: string, modes: PrivateFileModes = {}): void {
  const mode = modes.mode ?? 0o600;
  const dirMode = modes.dirMode ?? 0o700;
  const dir = dirname(path);
  const firstCreated = mkdirSync(dir, { recursive: true, mode: dirMode });
  if (firstCreated !== undefined) chmodSync(dir, dirMode);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      fchmodSync(fd, mode);
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  syncFolder(dir);
}

/** Makes the rename itself durable; best effort, since some file systems refuse fsync on folders. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // durability of the rename is a bonus; the write itself already succeeded
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
