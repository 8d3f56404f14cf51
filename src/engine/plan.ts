/** @module The pure diff: what the source has (after filters and policy) against what a destination verifiably holds. */
import { createHash } from 'node:crypto';
import type { Asset, Resource } from '../core/asset.ts';
import type { Placement } from '../destinations/destination.ts';
import { pathKey } from '../catalog/path-key.ts';
import { renderPath, withSuffix } from './path-template.ts';
import { planDerived } from './derived/plan-derived.ts';
import { LIBRARY_ROLES, assetsOnService, planAlbums, withLivePairs, type AlbumAction, type LibraryPlanInput } from './library/plan-library.ts';
import { NO_FIDELITY, isHeic, type AssetFiles, type DerivedAction, type FidelityOptions, type PlacedResource } from './derived/types.ts';

export interface ResourcePolicy {
  /** Send the motion half of Live Photos. */
  readonly liveVideo: boolean;
  /** RAW+JPEG pairs: the JPEG/HEIC original, the RAW alternative, or both. */
  readonly raw: 'original' | 'alternative' | 'both';
  /** Edited assets: the untouched original, the rendered edit, or both. */
  readonly edits: 'original' | 'edited' | 'both';
}

export const DEFAULT_POLICY: ResourcePolicy = { liveVideo: true, raw: 'both', edits: 'both' };

export interface PlanInput {
  readonly assets: readonly Asset[];
  readonly placements: readonly Placement[];
  readonly template: string;
  readonly include: (asset: Asset) => boolean;
  readonly policy: ResourcePolicy;
  /** Remove placements whose asset the source deleted (sync --delete). */
  readonly propagateDeletes: boolean;
  /** Conversions, sidecars and album entries to add (default: none). */
  readonly fidelity?: FidelityOptions;
  /** What the destination can do that derived outputs depend on (default: keeps HEIC, no server-side copy). */
  readonly destination?: { readonly heic: boolean; readonly serverSideCopy: boolean };
  /** A library destination (Immich, Google Photos): uploads per asset and album membership instead of paths. */
  readonly library?: LibraryPlanInput;
}

export interface CopyAction {
  readonly type: 'copy';
  readonly asset: Asset;
  readonly resource: Resource;
  readonly path: string;
  readonly fingerprint: string;
}

export interface RemoveAction {
  readonly type: 'remove';
  readonly placement: Placement;
}

export interface Plan {
  readonly copies: readonly CopyAction[];
  /** Outputs made from the copied resources (JPEG conversions, sidecars, album entries), run after the copies. */
  readonly derived: readonly DerivedAction[];
  readonly removes: readonly RemoveAction[];
  /** Library destinations: albums to create, rename, fill and empty (absent for file trees). */
  readonly albums?: readonly AlbumAction[];
  /** Derived outputs the destination already holds in this version. */
  readonly derivedPresent: number;
  /** Resources the destination already holds in this version. */
  readonly present: number;
  /** Assets excluded by filters. */
  readonly filtered: number;
  readonly totals: { readonly assets: number; readonly files: number; readonly bytes: number };
}

/** Identity of a resource's bytes: a source checksum when there is one, else size, name and asset version. */
export function fingerprintOf(asset: Asset, resource: Resource): string {
  return resource.checksum
    ? `${resource.checksum.algorithm}:${resource.checksum.value}`
    : `size:${resource.size}|${resource.filename}|${asset.version}`;
}

/** The resources of an asset that the policy sends. */
export function selectResources(asset: Asset, policy: ResourcePolicy): Resource[] {
  const has = (role: Resource['role']) => asset.resources.some((r) => r.role === role);
  return asset.resources.filter((r) => {
    switch (r.role) {
      case 'original':
        if (policy.raw === 'alternative' && has('raw')) return false;
        return !(policy.edits === 'edited' && has('edited'));
      case 'raw': return policy.raw !== 'original';
      case 'live-video': return policy.liveVideo;
      case 'edited': return policy.edits !== 'original';
      case 'edited-video': return policy.edits !== 'original' && policy.liveVideo;
      case 'sidecar': return true;
    }
  });
}

const shortHash = (text: string, length: number) => createHash('sha1').update(text).digest('hex').slice(0, length);

export function plan(input: PlanInput): Plan {
  if (input.library) return planLibrary(input, input.library);
  const placed = new Map<string, Placement>();
  const byAsset = new Map<string, Map<string, Placement>>();
  const claimed = new Map<string, string>();
  for (const p of input.placements) {
    placed.set(`${p.assetId}\u0000${p.role}`, p);
    let roles = byAsset.get(p.assetId);
    if (!roles) byAsset.set(p.assetId, roles = new Map());
    roles.set(p.role, p);
    claimed.set(pathKey(p.path), p.assetId);
  }
  const fidelity = input.fidelity ?? NO_FIDELITY;
  const storesHeic = input.destination?.heic ?? true;
  const assetFiles: AssetFiles[] = [];
  const live = new Set<string>();
  const copies: CopyAction[] = [];
  let present = 0;
  let filtered = 0;
  let bytes = 0;
  const copiedAssets = new Set<string>();

  for (const asset of input.assets) {
    live.add(asset.id);
    if (!input.include(asset)) { filtered += 1; continue; }
    const fresh: { resource: Resource; path: string }[] = [];
    const entries = new Map<Resource['role'], PlacedResource>();
    const send = (c: CopyAction) => { if (storesHeic || !isHeic(c.resource)) copies.push(c); };
    for (const resource of selectResources(asset, input.policy)) {
      const fingerprint = fingerprintOf(asset, resource);
      const existing = placed.get(`${asset.id}\u0000${resource.role}`);
      if (existing) entries.set(resource.role, { resource, path: existing.path, fingerprint });
      if (existing && existing.fingerprint === fingerprint) { present += 1; continue; }
      if (existing) send({ type: 'copy', asset, resource, path: existing.path, fingerprint });
      else fresh.push({ resource, path: renderPath(input.template, asset, resource, asset.albums[0]?.path) });
    }
    // One suffix for all of an asset's new files, so a Live Photo's halves keep one base name.
    let suffix = '';
    for (let length = 6; fresh.some((f) => isTaken(claimed, withSuffix(f.path, suffix), asset.id)); length += 4) {
      suffix = `~${shortHash(asset.id, length)}`;
    }
    for (const f of fresh) {
      const path = suffix ? withSuffix(f.path, suffix) : f.path;
      claimed.set(pathKey(path), asset.id);
      const fingerprint = fingerprintOf(asset, f.resource);
      entries.set(f.resource.role, { resource: f.resource, path, fingerprint });
      send({ type: 'copy', asset, resource: f.resource, path, fingerprint });
    }
    assetFiles.push({ asset, entries });
  }
  const derived = planDerived({
    files: assetFiles, placed: byAsset, claimed, options: fidelity, storesHeic,
    serverSideCopy: input.destination?.serverSideCopy ?? false,
  });
  for (const c of copies) { bytes += c.resource.size; copiedAssets.add(c.asset.id); }

  const removes: RemoveAction[] = [
    ...derived.removes.map((placement) => ({ type: 'remove' as const, placement })),
    ...(input.propagateDeletes
      ? input.placements.filter((p) => !live.has(p.assetId)).map((placement) => ({ type: 'remove' as const, placement }))
      : []),
  ];
  return {
    copies, derived: derived.actions, removes, present, derivedPresent: derived.present, filtered,
    totals: { assets: copiedAssets.size, files: copies.length, bytes },
  };
}

/** The library branch of plan(): resources by fingerprint as for files, then album membership; nothing derived. */
function planLibrary(input: PlanInput, library: LibraryPlanInput): Plan {
  const placed = new Map(input.placements.map((p) => [`${p.assetId}\u0000${p.role}`, p]));
  const copies: CopyAction[] = [];
  const sending = new Map<Asset['id'], Set<Resource['role']>>();
  let present = 0;
  let filtered = 0;
  const included: Asset[] = [];
  for (const asset of input.assets) {
    if (!input.include(asset)) { filtered += 1; continue; }
    included.push(asset);
    const resources = selectResources(asset, input.policy).filter((r) => LIBRARY_ROLES.includes(r.role));
    const roles = new Set<Resource['role']>();
    for (const r of resources) if (placed.get(`${asset.id}\u0000${r.role}`)?.fingerprint !== fingerprintOf(asset, r)) roles.add(r.role);
    withLivePairs(asset, roles, library.capabilities);
    present += resources.filter((r) => !roles.has(r.role)).length;
    if (roles.size > 0) sending.set(asset.id, roles);
    for (const r of resources) {
      if (roles.has(r.role)) copies.push({ type: 'copy', asset, resource: r, path: `${asset.id}/${r.filename}`, fingerprint: fingerprintOf(asset, r) });
    }
  }
  const albums = planAlbums(library, assetsOnService(input.placements, sending), included);
  const bytes = copies.reduce((n, c) => n + c.resource.size, 0);
  return {
    copies, derived: [], removes: [], albums, present, derivedPresent: 0, filtered,
    totals: { assets: sending.size, files: copies.length, bytes },
  };
}

function isTaken(claimed: ReadonlyMap<string, string>, path: string, assetId: string): boolean {
  const owner = claimed.get(pathKey(path));
  return owner !== undefined && owner !== assetId;
}
