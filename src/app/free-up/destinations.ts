/** @module The destinations a free-up run verifies against: the ones named with --require, or every destination the catalog says holds a copy. */
import type { AssetId } from '../../core/asset.ts';
import { TransferError } from '../../core/transfer-error.ts';
import { UsageError } from '../../core/usage-error.ts';
import type { Destination, Placement } from '../../destinations/destination.ts';
import type { AppContext } from '../context.ts';
import { openDestination } from '../connect.ts';
import { resolveTarget } from '../targets.ts';

export interface RequiredDestination {
  readonly id: string;
  /** How to open it again (what the user typed, a remote name, or the id itself for local folders). */
  readonly spec: string;
  readonly destination: Destination | undefined;
  /** Why it could not be opened (its copies then never count). */
  readonly problem?: string;
}

/**
 * A spec that opens `id`: a configured remote (with the id's path, or the part of it under the remote's own bucket
 * or folder) whose target resolves to exactly that id, or the id itself (local:/path).
 */
async function specOf(ctx: AppContext, id: string): Promise<string> {
  const rest = id.replace(/^[^:]+:/, '');
  const parts = rest.split('/');
  const tails = [...new Set(['', ...parts.map((_, k) => parts.slice(k).join('/'))])];
  for (const name of Object.keys(ctx.config.remotes)) {
    for (const tail of tails) {
      const target = await resolveTarget(`${name}:${tail}`, 'destination', ctx.destinations, ctx.config.remotes, (r) => ctx.remoteSecrets(r), 'local').catch(() => undefined);
      if (target?.id === id) return `${name}:${tail}`;
    }
  }
  return id;
}

async function open(ctx: AppContext, spec: string, id?: string): Promise<RequiredDestination> {
  try {
    const destination = await openDestination(ctx, spec);
    // Copies are known by the id they were made under; something else opened in its place never vouches for them.
    if (id !== undefined && destination.id !== id) {
      await destination.close();
      return { id, spec, destination: undefined, problem: `no configured remote opens ${id}; name it with --require` };
    }
    return { id: destination.id, spec, destination };
  } catch (err) {
    if (id === undefined) throw err;
    return { id, spec, destination: undefined, problem: err instanceof Error ? err.message : String(err) };
  }
}

/** Opens `--require` destinations (every one must open), or by default every destination holding this source's copies. */
export async function requiredDestinations(ctx: AppContext, sourceId: string, require: readonly string[] | undefined): Promise<RequiredDestination[]> {
  if (require !== undefined && require.length > 0) return Promise.all(require.map((spec) => open(ctx, spec)));
  const ids = await ctx.catalog.freeUpAudit.destinationsHolding(sourceId);
  if (ids.length === 0) throw new UsageError('no destination holds a copy of this library yet: copy it first (photoferry copy …), then free up space');
  return Promise.all(ids.map(async (id) => open(ctx, await specOf(ctx, id), id)));
}

export type PlacementIndex = ReadonlyMap<string, Placement>;
export const placementKey = (destinationId: string, asset: AssetId | string, role: string) => `${destinationId}\u0000${asset}\u0000${role}`;

/** Every placement of the source's assets on the required destinations, keyed by destination, asset and role. */
export async function placementIndex(ctx: AppContext, sourceId: string, destinations: readonly RequiredDestination[]): Promise<PlacementIndex> {
  const out = new Map<string, Placement>();
  for (const d of destinations) for (const p of await ctx.catalog.placements(d.id, sourceId)) out.set(placementKey(d.id, p.assetId, p.role), p);
  return out;
}

/** A destination that could not be opened: every check against it is "unreachable", so nothing it holds counts. */
export function unopened(d: RequiredDestination): Destination {
  const fail = (): never => { throw new TransferError('permanent', d.problem ?? 'not opened', { connector: 'free-up' }); };
  return {
    id: d.id, kind: 'unopened', capabilities: { albums: false, deletions: false, serverSideCopy: false, caseInsensitive: true, read: false, hashes: [], heic: true },
    check: fail, put: fail, stat: fail, read: fail, remove: fail, cleanup: async () => undefined, close: async () => undefined,
  };
}
