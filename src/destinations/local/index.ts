/** @module Local disk (or mounted NAS) destination: `local:/path/to/backup`. */
import { realpathSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UsageError } from '../../core/usage-error.ts';
import { z } from 'zod';
import { durabilityOption } from '../durability.ts';
import { defineDestination } from '../define.ts';
import { createLocalStore } from './local-store.ts';

export const localOptions = z.object({
  path: z.string().min(1).describe('Folder that receives the library (created if missing)'),
  durability: durabilityOption
    .describe('When bytes are forced to disk: fsync every file (slowest), flush once at the end of each run, or leave it to the OS'),
});

/** Kernel file systems: not storage, and Node's recursive mkdir loops forever under /proc. */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/** The real path of `path`'s nearest existing ancestor joined with the rest, so a symlink into /proc is caught too. */
function realTarget(path: string): string {
  for (let existing = path; ; existing = dirname(existing)) {
    try {
      return resolve(realpathSync(existing), relative(existing, path));
    } catch {
      if (dirname(existing) === existing) return path;
    }
  }
}

export function refuseVirtualFileSystem(path: string): void {
  const target = realTarget(resolve(path));
  const root = VIRTUAL_ROOTS.find((r) => target === r || target.startsWith(`${r}/`));
  if (root) throw new UsageError(`local:${path}: ${target} is under ${root}, a kernel file system, not storage — choose a folder on a disk`);
}

export const localDestination = defineDestination({
  kind: 'local',
  title: 'Local disk or mounted NAS',
  options: localOptions,
  parseTarget: (target) => ({ path: target }),
  idOf: (o) => `local:${resolve(o.path)}`,
  create: (o) => {
    refuseVirtualFileSystem(o.path);
    return createLocalStore({ root: resolve(o.path), durability: o.durability });
  },
});
