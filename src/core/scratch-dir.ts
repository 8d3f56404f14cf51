/**
 * @module Scratch folders under the OS temp folder (a HEIC being converted, a manifest being built). Each is named for
 * the process that made it, so the next process can remove what a killed one left: a SIGKILL, an OOM kill or a power
 * cut mid-conversion left `in.heic` and `out.jpg`, full-size, in /tmp for good.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from './pid-alive.ts';

export type ScratchKind = 'convert' | 'manifest';

/** `photoferry-<kind>-<pid>-<mkdtemp's 6 characters>`; before pids were in the name, `photoferry-<kind>-<6>`. */
const NAME = /^photoferry-(?:convert|manifest)-(?:(\d+)-)?[A-Za-z0-9]{6}$/;

/**
 * Left alone however dead its process looks until it is this old: a process in another PID namespace sharing this
 * temp folder is invisible to `kill(pid, 0)`, and no conversion or manifest build takes ten minutes between writes.
 */
export const STALE_AFTER_MS = 10 * 60_000;
/** A name without a pid (an older photoferry's) is only judged by age: a day. */
export const LEGACY_STALE_AFTER_MS = 24 * 3_600_000;

/** Roots this process has already swept: once each, not at every conversion. */
const swept = new Set<string>();

/** A new scratch folder under `root` (the OS temp folder); the first call for a root removes stale ones there first. */
export async function makeScratchDir(kind: ScratchKind, root = tmpdir()): Promise<string> {
  if (!swept.has(root)) {
    swept.add(root);
    // Housekeeping must never fail the work that asked for a folder.
    await sweepStaleScratch(root).catch(() => undefined);
  }
  return mkdtemp(join(root, `photoferry-${kind}-${process.pid}-`));
}

/** Removes the scratch folders under `root` whose process is gone and that are old enough; returns their names. */
export async function sweepStaleScratch(root: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(root)) {
    const match = NAME.exec(name);
    if (!match) continue;
    const pid = match[1] === undefined ? undefined : Number(match[1]);
    if (pid !== undefined && (pid === process.pid || pidAlive(pid))) continue;
    const path = join(root, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isDirectory()) continue;
    if (now - info.mtimeMs < (pid === undefined ? LEGACY_STALE_AFTER_MS : STALE_AFTER_MS)) continue;
    // One that cannot be removed (another user's, say) does not stop the rest.
    if (await rm(path, { recursive: true, force: true }).then(() => true, () => false)) removed.push(name);
  }
  return removed;
}
