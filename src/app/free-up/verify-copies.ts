/** @module Re-reads every resource of an asset from each required destination and compares its SHA-256 with the catalog's, at delete time. */
import { createHash } from 'node:crypto';
import type { Asset } from '../../core/asset.ts';
import { isTransferError, TransferError } from '../../core/transfer-error.ts';
import type { Destination, Placement } from '../../destinations/destination.ts';
import { fingerprintOf } from '../../engine/plan.ts';
import type { CheckResult, ResourceCheck } from './select.ts';

/** A whole destination stopped answering (not one missing file): free-up stops deleting at once. */
export class DestinationUnreachable extends TransferError {
  constructor(readonly destinationId: string, cause: TransferError) {
    super(cause.kind === 'cancelled' ? 'cancelled' : 'transient', `${destinationId} is unreachable (${cause.message}); nothing further was deleted. Fix the destination and run free-up again: what was verified and deleted so far is in the audit log.`, { connector: 'free-up', cause });
  }
}

export type PlacementLookup = (destinationId: string, asset: Asset, role: string) => Placement | undefined;

/** Kinds that mean "the destination is down" rather than "this file has a problem". */
const DOWN = new Set(['transient', 'auth-required', 'rate-limited', 'cancelled']);

async function sha256Of(destination: Destination, path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await destination.read!(path, signal)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function checkOne(destination: Destination, placement: Placement, signal: AbortSignal): Promise<{ result: CheckResult; detail?: string }> {
  try {
    if (destination.read !== undefined) {
      const got = await sha256Of(destination, placement.path, signal);
      return got === placement.sha256 ? { result: 'ok' } : { result: 'different', detail: `sha256 ${got.slice(0, 12)}…, catalog ${placement.sha256.slice(0, 12)}…` };
    }
    if (destination.verifyChecksum !== undefined) return { result: await destination.verifyChecksum(placement, signal) };
    return { result: 'unverifiable', detail: `${destination.kind} can neither return bytes nor check a checksum` };
  } catch (err) {
    if (isTransferError(err) && err.kind === 'not-found') return { result: 'missing', detail: 'not at the destination' };
    if (isTransferError(err) && DOWN.has(err.kind)) throw new DestinationUnreachable(destination.id, err);
    if (!isTransferError(err) && signal.aborted) throw err;
    return { result: 'unreachable', detail: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Checks every resource of `asset` on every destination. A copy of an older version of the resource
 * (edited since) counts as different. Throws DestinationUnreachable when a destination is down.
 */
export async function checkAsset(asset: Asset, destinations: readonly Destination[], placementOf: PlacementLookup, signal: AbortSignal): Promise<ResourceCheck[]> {
  const out: ResourceCheck[] = [];
  for (const destination of destinations) {
    for (const resource of asset.resources) {
      const base = { destinationId: destination.id, role: resource.role };
      const placement = placementOf(destination.id, asset, resource.role);
      if (placement === undefined) { out.push({ ...base, result: 'missing', detail: 'no copy recorded' }); continue; }
      const at = { ...base, sha256: placement.sha256, path: placement.path };
      if (placement.fingerprint !== fingerprintOf(asset, resource)) { out.push({ ...at, result: 'different', detail: 'the copy is of an older version' }); continue; }
      out.push({ ...at, ...await checkOne(destination, placement, signal) });
    }
  }
  return out;
}
