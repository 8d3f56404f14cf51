/**
 * @module The free-up decision, pure: an asset may leave iCloud only when every one of its resources (original,
 * Live Photo video, RAW, edits) verified on every required destination with one and the same SHA-256.
 */
import type { Asset, AssetId, ResourceRole } from '../../core/asset.ts';

/** What re-reading one resource from one destination found. */
export type CheckResult = 'ok' | 'missing' | 'different' | 'unreachable' | 'unverifiable';

export interface ResourceCheck {
  readonly destinationId: string;
  readonly role: ResourceRole;
  readonly result: CheckResult;
  /** SHA-256 the catalog recorded for this copy (and, when `ok`, what the bytes hash to now). */
  readonly sha256?: string;
  readonly path?: string;
  readonly detail?: string;
}

export interface Decision {
  readonly asset: Asset;
  readonly remove: boolean;
  /** Why it stays (empty when it goes). */
  readonly reasons: readonly string[];
  readonly checks: readonly ResourceCheck[];
}

/**
 * Decides one asset. A Live Photo is one iCloud asset holding both halves, so requiring its `live-video`
 * like any other resource is what keeps the still and the video together: both go, or neither.
 */
export function decide(asset: Asset, required: readonly string[], checks: readonly ResourceCheck[]): Decision {
  const reasons: string[] = [];
  if (required.length === 0) reasons.push('no destination holds a copy');
  for (const resource of asset.resources) {
    const hashes = new Set<string>();
    for (const destinationId of required) {
      const check = checks.find((c) => c.destinationId === destinationId && c.role === resource.role);
      if (check === undefined) { reasons.push(`${resource.role} on ${destinationId}: not checked`); continue; }
      if (check.result !== 'ok' || check.sha256 === undefined) {
        reasons.push(`${resource.role} on ${destinationId}: ${check.result}${check.detail === undefined ? '' : ` (${check.detail})`}`);
        continue;
      }
      hashes.add(check.sha256);
    }
    if (hashes.size > 1) reasons.push(`${resource.role}: the destinations hold different bytes`);
  }
  return { asset, remove: reasons.length === 0, reasons, checks };
}

export interface Selection {
  readonly remove: readonly Decision[];
  readonly keep: readonly Decision[];
}

/** Decides every candidate; `requiredOf` names the destinations each asset must be verified on. */
export function selectForRemoval(
  candidates: readonly Asset[], requiredOf: (asset: Asset) => readonly string[], checks: ReadonlyMap<AssetId, readonly ResourceCheck[]>,
): Selection {
  const remove: Decision[] = [];
  const keep: Decision[] = [];
  for (const asset of candidates) {
    const d = decide(asset, requiredOf(asset), checks.get(asset.id) ?? []);
    (d.remove ? remove : keep).push(d);
  }
  return { remove, keep };
}
