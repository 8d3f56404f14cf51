/** @module Opens the source and destination a command names, ready for the engine. */
import type { Destination } from '../destinations/destination.ts';
import { isFileStore } from '../destinations/define.ts';
import { createFileDestination } from '../destinations/file-destination.ts';
import { isLibraryDestination, type LibraryDestination } from '../destinations/library-destination.ts';
import { UsageError } from '../core/usage-error.ts';
import type { Source } from '../sources/source.ts';
import type { SourceInteraction } from '../sources/define.ts';
import type { AppContext } from './context.ts';
import { resolveTarget } from './targets.ts';
import { sharedPacing } from './account-pacing.ts';
import { TransferError } from '../core/transfer-error.ts';

/** A file destination, or a photo library (Immich, Google Photos) for the commands that handle both. */
export async function openTarget(ctx: AppContext, spec: string): Promise<Destination | LibraryDestination> {
  const target = await resolveTarget(spec, 'destination', ctx.destinations, ctx.config.remotes, (r) => ctx.remoteSecrets(r), 'local');
  const made = await target.definition.create(target.options as never, { log: ctx.log, state: ctx.catalog.state(target.id) });
  return isFileStore(made) ? createFileDestination(target.id, made) : made;
}

/** A destination that holds files (archive restore reads files back). */
export async function openDestination(ctx: AppContext, spec: string): Promise<Destination> {
  const made = await openTarget(ctx, spec);
  if (!isLibraryDestination(made)) return made;
  await made.close();
  throw new UsageError(`${made.kind} is a photo library, not a file store: it cannot be read back as files`);
}

export type { SourceInteraction };

/** Unattended runs (schedules, the dashboard's runner): a new 2FA code means the user has to sign in again. */
export const noInteraction: SourceInteraction = {
  promptCode: () => Promise.reject(new TransferError('auth-required', 'Apple asks for a new verification code, and nobody can type it during an unattended run.', { connector: 'sign-in' })),
};

export async function openSource(ctx: AppContext, spec: string, interaction: SourceInteraction = noInteraction): Promise<Source> {
  const target = await resolveTarget(spec, 'source', ctx.sources, ctx.config.remotes, (r) => ctx.remoteSecrets(r), 'folder');
  const lazySecrets = {
    get: async (key: string) => (await ctx.secrets()).get(key),
    set: async (key: string, value: string) => (await ctx.secrets()).set(key, value),
    delete: async (key: string) => (await ctx.secrets()).delete(key),
  };
  return await target.definition.create(target.options as never, {
    log: ctx.log, state: ctx.catalog.state(target.id), interaction, secrets: lazySecrets,
    ...(ctx.catalog.dialect === 'postgres' ? { accountPacing: (account: string, requestsPerSecond?: number) => sharedPacing(ctx, account, requestsPerSecond) } : {}),
  });
}
