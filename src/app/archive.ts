/** @module `archive:<remote>:<path>` / `archive:s3:bucket/prefix`: a backup on any readable destination, opened as a restore source. */
import { UsageError } from '../core/usage-error.ts';
import { ArchiveSource } from '../sources/archive/index.ts';
import type { Source } from '../sources/source.ts';
import type { AppContext } from './context.ts';
import { openDestination } from './connect.ts';

const REMOTE = /^archive:([A-Za-z][A-Za-z0-9_.@-]*):(.*)$/s;

/**
 * The archive source for specs that name a remote or destination kind after `archive:`; null for anything
 * else (`archive:/local/path` is the registered source definition's job).
 */
export async function openArchiveSource(ctx: AppContext, spec: string): Promise<Source | null> {
  const m = REMOTE.exec(spec);
  if (!m) return null;
  const [, name] = m as unknown as [string, string, string];
  const known = name in ctx.config.remotes || ctx.destinations.some((d) => d.kind === name);
  if (!known) return null;
  const destination = await openDestination(ctx, spec.slice('archive:'.length));
  const read = destination.read;
  if (!read) {
    await destination.close();
    throw new UsageError(`${destination.kind} cannot read files back, so it cannot be restored from`);
  }
  return new ArchiveSource(`archive:${destination.id}`, {
    read: (path, signal) => read.call(destination, path, signal),
    close: () => destination.close(),
  });
}
