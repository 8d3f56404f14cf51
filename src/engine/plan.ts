/** @module The pure diff: what the source has (after filters and policy) against what a destination verifiably holds. */
import { createHash } from 'node:crypto';
import type { Asset, Resource } from '../core/asset.ts';
import type { Placement } from '../destinations/destination.ts';
import { pathKey } from '../catalog/path-key.ts';
import { renderPath, withSuffix } from './path-template.ts';
import { planDerived } from './derived/plan-derived.ts';
import { LIBRARY_ROLES, assetsOnService, planAlbums, withLivePairs, type AlbumAction, type LibraryPlanInput } from './library/plan-library.ts';
import { NO_FIDELITY, isHeic, type AssetFiles, type DerivedAction, type FidelityOptions, type PathClaims, type PlacedResource } from './derived/types.ts';

export interface ResourcePolicy {
  /** Send the motion half of Live Photos. */
  readonly liveVideo: boolean;
  /** RAW+JPEG pairs: the JPEG/HEIC original, the RAW alternative, or both. */
  readonly raw: 'original' | 'alternative' | 'both';
  /** Edited assets: the untouched original, the rendered edit, or both. */
  readonly edits: 'original' | 'edited' | 'both';
}

export const DEFAULT_POLICY: ResourcePolicy = { liveVideo: true, raw: 'both', edits: 'both' };

/** Everything plan() needs besides the assets and placements: the same for a whole library or one page of it. */
export interface PlanOptions {
  readonly template: string;
  readonly include: (asset: Asset) => boolean;
  readonly policy: ResourcePolicy;
  /** Remove placements whose asset the source deleted (sync --delete). */
  readonly propagateDeletes: boolean;
  /** Conversions, sidecars and album entries to add (default: none). */
  readonly fidelity?: FidelityOptions;
  /** What the destination can do that derived outputs depend on (default: keeps HEIC, no server-side copy). */
  readonly destination?: { readonly heic: boolean; readonly serverSideCopy: boolean };
}

/** Some assets and every placement of theirs on the destination: a whole library, or one page of it. */
export interface PlanPage {
  readonly assets: readonly Asset[];
  readonly placements: readonly Placement[];
}

export interface PlanInput extends PlanOptions, PlanPage {
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

/** One page's share of a plan: its actions and counts. The removes here are derived ones (album entries). */
export interface PlanStep {
  readonly copies: readonly CopyAction[];
  readonly derived: readonly DerivedAction[];
  readonly removes: readonly RemoveAction[];
  readonly present: number;
  readonly derivedPresent: number;
  readonly filtered: number;
}

/** The whole plan at once, for a library already in memory (tests, library destinations): one page through planStep. */
export function plan(input: PlanInput): Plan {
  if (input.library) return planLibrary(input, input.library);
  const claims = new Map<string, string>();
  for (const p of input.placements) claims.set(pathKey(p.path), p.assetId);
  const builder = new PlanBuilder();
  builder.add(planStep(input, input, claims));
  const live = new Set(input.assets.map((a) => a.id));
  return builder.finish(input.propagateDeletes ? input.placements.filter((p) => !live.has(p.assetId)) : []);
}

/**
 * The pure diff of one page: `claims` answers who holds a path key (placements already there, paths this plan chose
 * on earlier pages) and takes the paths this page chooses. Pages in, actions out, nothing kept between calls.
 */
export function planStep(options: PlanOptions, page: PlanPage, claims: PathClaims): PlanStep {
  const placed = new Map<string, Placement>();
  const byAsset = new Map<string, Map<string, Placement>>();
  for (const p of page.placements) {
    placed.set(`${p.assetId}\u0000${p.role}`, p);
    let roles = byAsset.get(p.assetId);
    if (!roles) byAsset.set(p.assetId, roles = new Map());
    roles.set(p.role, p);
  }
  const fidelity = options.fidelity ?? NO_FIDELITY;
  const storesHeic = options.destination?.heic ?? true;
  const assetFiles: AssetFiles[] = [];
  const copies: CopyAction[] = [];
  let present = 0;
  let filtered = 0;

  for (const asset of page.assets) {
    if (!options.include(asset)) { filtered += 1; continue; }
    const fresh: { resource: Resource; path: string }[] = [];
    const entries = new Map<Resource['role'], PlacedResource>();
    const send = (c: CopyAction) => { if (storesHeic || !isHeic(c.resource)) copies.push(c); };
    for (const resource of selectResources(asset, options.policy)) {
      const fingerprint = fingerprintOf(asset, resource);
      const existing = placed.get(`${asset.id}\u0000${resource.role}`);
      if (existing) entries.set(resource.role, { resource, path: existing.path, fingerprint });
      if (existing && existing.fingerprint === fingerprint) { present += 1; continue; }
      if (existing) send({ type: 'copy', asset, resource, path: existing.path, fingerprint });
      else fresh.push({ resource, path: renderPath(options.template, asset, resource, asset.albums[0]?.path) });
    }
    // One suffix for all of an asset's new files, so a Live Photo's halves keep one base name.
    let suffix = '';
    for (let length = 6; fresh.some((f) => isTaken(claims, withSuffix(f.path, suffix), asset.id)); length += 4) {
      suffix = `~${shortHash(asset.id, length)}`;
    }
    for (const f of fresh) {
      const path = suffix ? withSuffix(f.path, suffix) : f.path;
      claims.set(pathKey(path), asset.id);
      const fingerprint = fingerprintOf(asset, f.resource);
      entries.set(f.resource.role, { resource: f.resource, path, fingerprint });
      send({ type: 'copy', asset, resource: f.resource, path, fingerprint });
    }
    assetFiles.push({ asset, entries });
  }
  const derived = planDerived({
    files: assetFiles, placed: byAsset, claimed: claims, options: fidelity, storesHeic,
    serverSideCopy: options.destination?.serverSideCopy ?? false,
  });
  return {
    copies, derived: derived.actions, removes: derived.removes.map((placement) => ({ type: 'remove' as const, placement })),
    present, derivedPresent: derived.present, filtered,
  };
}

/** Gathers steps into one Plan (what a run executes): actions in step order, counts summed, totals from the copies. */
export class PlanBuilder {
  private readonly copies: CopyAction[] = [];
  private readonly derived: DerivedAction[] = [];
  private readonly removes: RemoveAction[] = [];
  private present = 0;
  private derivedPresent = 0;
  private filtered = 0;

  add(step: PlanStep): void {
    this.copies.push(...step.copies);
    this.derived.push(...step.derived);
    this.removes.push(...step.removes);
    this.present += step.present;
    this.derivedPresent += step.derivedPresent;
    this.filtered += step.filtered;
  }

  /** `orphans`: placements of assets the source deleted, removed after the derived removes (sync --delete). */
  finish(orphans: readonly Placement[]): Plan {
    const assets = new Set<string>();
    let bytes = 0;
    for (const c of this.copies) { bytes += c.resource.size; assets.add(c.asset.id); }
    return {
      copies: this.copies, derived: this.derived, present: this.present, derivedPresent: this.derivedPresent, filtered: this.filtered,
      removes: [...this.removes, ...orphans.map((placement) => ({ type: 'remove' as const, placement }))],
      totals: { assets: assets.size, files: this.copies.length, bytes },
    };
  }
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

function isTaken(claimed: PathClaims, path: string, assetId: string): boolean {
  const owner = claimed.get(pathKey(path));
  return owner !== undefined && owner !== assetId;
}
