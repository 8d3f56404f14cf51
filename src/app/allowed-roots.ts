/**
 * @module What a dashboard user may point photoferry at on the server's own disk: local destinations, folder and
 * archive sources, key and config files, only inside `server.allowedRoots` (symlinks resolved). The CLI is not limited.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { UsageError } from '../core/usage-error.ts';
import type { AppContext } from './context.ts';
import { withFreshRemotes } from './live-config.ts';
import { targetOf } from './tasks.ts';

/** Options that name a file or folder on this machine, per connector kind. */
const LOCAL_PATH_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  local: ['path'], folder: ['path'], archive: ['path'],
  sftp: ['privateKeyPath', 'knownHosts'], rclone: ['configFile', 'binary'],
};
/** Options whose plain default names no path (rclone found on PATH). */
const BARE_DEFAULTS: Readonly<Record<string, string>> = { 'rclone.binary': 'rclone' };
const KIND_PREFIX = /^([A-Za-z][A-Za-z0-9_.@-]*):(.*)$/s;

/** realpath of the deepest part that exists, plus the rest: a folder that is still to be created is judged by its parent. */
export async function canonicalPath(path: string): Promise<string> {
  const abs = resolve(path);
  try { return await realpath(abs); } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    const parent = dirname(abs);
    return parent === abs ? abs : join(await canonicalPath(parent), basename(abs));
  }
}

export interface PathGuard {
  readonly roots: readonly string[];
  /** Throws a UsageError naming the allowed roots unless `path` is absolute and inside one of them. */
  check(path: string, what: string): Promise<void>;
  /** Checks the local-path options of a connector `kind` given from the dashboard. */
  checkOptions(kind: string, options: Readonly<Record<string, unknown>>): Promise<void>;
  /**
   * Checks a source/destination spec typed in the dashboard (`local:/x`, `folder:/x`, a bare path, `remote:sub`).
   * A named remote's stored options came from config.yaml (the CLI's full access); only what the spec adds is checked.
   */
  checkSpec(spec: string, bareKind: string, kindOfRemote: (name: string) => string | undefined, parse: (kind: string, rest: string) => Record<string, unknown> | undefined): Promise<void>;
}

export async function createPathGuard(roots: readonly string[]): Promise<PathGuard> {
  const canonicalRoots = await Promise.all(roots.map((r) => {
    if (!isAbsolute(r)) throw new UsageError(`server.allowedRoots: "${r}" is not an absolute path.`);
    return canonicalPath(r);
  }));
  const named = roots.join(', ');
  const guard: PathGuard = {
    roots,
    async check(path, what) {
      if (!isAbsolute(path)) throw new UsageError(`${what} "${path}" is not an absolute path: give the full path, inside ${named}.`);
      const real = await canonicalPath(path);
      if (canonicalRoots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep))) return;
      throw new UsageError(`${what} "${path}" is outside the folders the dashboard may use (${named}). ` +
        'Add the folder to server.allowedRoots in config.yaml, or set it up with the photoferry CLI.');
    },
    async checkOptions(kind, options) {
      for (const key of LOCAL_PATH_OPTIONS[kind] ?? []) {
        const value = options[key];
        if (value === undefined || value === BARE_DEFAULTS[`${kind}.${key}`]) continue;
        if (typeof value !== 'string') continue; // the connector's own schema refuses it
        await guard.check(value, `${kind} option ${key}:`);
      }
    },
    async checkSpec(spec, bareKind, kindOfRemote, parse) {
      const m = KIND_PREFIX.exec(spec);
      if (m === null) { await guard.checkOptions(bareKind, parse(bareKind, spec) ?? {}); return; }
      const [, name, rest] = m as unknown as [string, string, string];
      const remoteKind = kindOfRemote(name);
      if (remoteKind !== undefined && rest === '') return;
      const kind = remoteKind ?? name;
      await guard.checkOptions(kind, parse(kind, rest) ?? {});
    },
  };
  return guard;
}

/** A task's or a refresh's source/destination as the dashboard gives it (a bare remote name is `name:`), checked by `guard`. */
export async function checkTargetPaths(ctx: AppContext, guard: PathGuard, spec: string, role: 'source' | 'destination'): Promise<void> {
  const definitions: readonly { kind: string; parseTarget(t: string): Record<string, unknown> }[] = role === 'source' ? ctx.sources : ctx.destinations;
  const remotes = withFreshRemotes(ctx).config.remotes;
  await guard.checkSpec(targetOf(spec), role === 'source' ? 'folder' : 'local', (name) => remotes[name]?.type,
    (kind, rest) => definitions.find((d) => d.kind === kind)?.parseTarget(rest));
}
