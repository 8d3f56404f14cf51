/** @module The pure diff for derived outputs: which conversions, sidecars and album entries a destination lacks. */
import { createHash } from 'node:crypto';
import type { ResourceRole } from '../../core/asset.ts';
import type { DerivedRole, Placement } from '../../destinations/destination.ts';
import { pathKey } from '../../catalog/path-key.ts';
import { sanitizeSegment, withSuffix } from '../path-template.ts';
import { metadataOf, renderJsonSidecar } from './metadata.ts';
import { XMP_RENDER_VERSION, renderXmp } from './xmp.ts';
import { isAlbumRole, isHeic, pathsOf, type AssetFiles, type DerivedAction, type FidelityOptions, type LinkAction, type PathClaims } from './types.ts';

export interface DerivedPlanInput {
  /** Included assets with the resources the policy sends. */
  readonly files: readonly AssetFiles[];
  /** Placements on the destination by asset id, then role. */
  readonly placed: ReadonlyMap<string, ReadonlyMap<string, Placement>>;
  /** Path keys already taken (by any asset); derived paths are added as they are chosen. */
  readonly claimed: PathClaims;
  readonly options: FidelityOptions;
  readonly storesHeic: boolean;
  readonly serverSideCopy: boolean;
}

export interface DerivedPlan {
  readonly actions: readonly DerivedAction[];
  /** Album entries no longer wanted (asset left the album, album deleted, strategy changed). */
  readonly removes: readonly Placement[];
  readonly present: number;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const short = (text: string, n: number) => createHash('sha1').update(text).digest('hex').slice(0, n);
const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const dirname = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const SIDECAR_SUBJECTS: readonly ResourceRole[] = ['original', 'raw', 'edited'];
const LINKED: readonly ResourceRole[] = ['original', 'live-video', 'raw', 'edited', 'edited-video'];

/** A name for a derived file: `want` if free (or ours), else with the asset's collision suffix. */
function claim(claimed: PathClaims, want: string, assetId: string): string {
  let path = want;
  const taken = (p: string) => { const owner = claimed.get(pathKey(p)); return owner !== undefined && owner !== assetId; };
  for (let n = 6; taken(path); n += 4) path = withSuffix(want, `~${short(assetId, n)}`);
  claimed.set(pathKey(path), assetId);
  return path;
}

export function planDerived(input: DerivedPlanInput): DerivedPlan {
  const actions: DerivedAction[] = [];
  const removes: Placement[] = [];
  let present = 0;
  const { options } = input;
  for (const files of input.files) {
    const { asset } = files;
    const placedAs = (role: DerivedRole) => input.placed.get(asset.id)?.get(role);
    /** `recordedAlike` says whether a recorded fingerprint of an older form stands for the same output. */
    const want = (action: DerivedAction, recordedAlike?: (recorded: string) => boolean) => {
      const existing = placedAs(action.role);
      const same = existing?.path === action.path && (existing.fingerprint === action.fingerprint || recordedAlike?.(existing.fingerprint) === true);
      if (same) present += 1;
      else actions.push(action);
    };
    // Only conversions that write EXIF and sidecars read it: a bytes-only plan does not build it per asset.
    let metadata: ReturnType<typeof metadataOf> | undefined;
    const meta = () => metadata ??= metadataOf(asset, pathsOf(files));
    let metadataDigest: string | undefined;
    const metaDigest = () => metadataDigest ??= sha(JSON.stringify(meta()));

    for (const [role, entry] of files.entries) {
      if ((role !== 'original' && role !== 'edited') || !isHeic(entry.resource)) continue;
      if (!options.convertHeic && input.storesHeic) continue;
      const quality = options.convertHeic?.quality ?? options.fallbackQuality;
      const derivedRole = `${role}.jpeg` as const;
      const stem = entry.path.replace(/\.[^./]*$/, '');
      const path = placedAs(derivedRole)?.path ?? claim(input.claimed, `${stem}.jpg`, asset.id);
      const metaPart = options.writeExif ? `|exif:${metaDigest().slice(0, 16)}` : '';
      want({ type: 'convert', asset, role: derivedRole, path, resource: entry.resource, quality, writeExif: options.writeExif,
        fingerprint: `${entry.fingerprint}|jpeg:q${quality}${metaPart}` });
    }

    if (options.sidecars.xmp) {
      for (const subject of SIDECAR_SUBJECTS) {
        const entry = files.entries.get(subject);
        if (!entry) continue;
        // The XMP is a pure function of the metadata and its subject, so their hash says whether it changed without
        // rendering it (the run renders it once, to write it). Sidecars recorded before carry the rendered text's
        // hash; the same text still counts as present.
        want({ type: 'sidecar', format: 'xmp', asset, role: `xmp:${subject}`, path: `${entry.path}.xmp`, subject, files,
          fingerprint: `xmp${XMP_RENDER_VERSION}:${subject}:${metaDigest()}` },
        (recorded) => recorded.startsWith('sha256:') && recorded === `sha256:${sha(renderXmp(meta(), subject))}`);
      }
    }
    const primary = files.entries.has('original') ? 'original' : [...files.entries.keys()][0];
    if (options.sidecars.json && primary) {
      want({ type: 'sidecar', format: 'json', asset, role: 'json', path: `${files.entries.get(primary)!.path}.json`, subject: primary, files,
        fingerprint: `sha256:${sha(renderJsonSidecar(asset, meta()))}` });
    }

    const wantedLinks = new Set<string>();
    if (options.albums === 'links' && input.serverSideCopy) {
      for (const album of asset.albums) {
        const folder = ['albums', ...album.path.map(sanitizeSegment)].join('/');
        const links: LinkAction[] = [];
        for (const role of LINKED) {
          const entry = files.entries.get(role);
          if (!entry) continue;
          const linkRole = `album:${album.id}/${role}` as const;
          wantedLinks.add(linkRole);
          const existing = placedAs(linkRole);
          const keep = existing && dirname(existing.path) === folder ? existing.path : undefined;
          links.push({ type: 'link', asset, role: linkRole, from: entry.path, fingerprint: entry.fingerprint,
            path: keep ?? `${folder}/${basename(entry.path)}`, ...(existing && !keep ? { replaces: existing.path } : {}) });
        }
        // One suffix for all of the asset's entries in this album, so a Live Photo's halves keep one stem there too.
        let suffix = '';
        const taken = (p: string) => { const owner = input.claimed.get(pathKey(p)); return owner !== undefined && owner !== asset.id; };
        for (let n = 6; links.some((l) => taken(withSuffix(l.path, suffix))); n += 4) suffix = `~${short(asset.id, n)}`;
        for (const l of links) {
          const path = suffix && !placedAs(l.role)?.path.startsWith(`${folder}/`) ? withSuffix(l.path, suffix) : l.path;
          input.claimed.set(pathKey(path), asset.id);
          want({ ...l, path });
        }
      }
    }
    for (const p of input.placed.get(asset.id)?.values() ?? []) {
      if (isAlbumRole(p.role) && !wantedLinks.has(p.role)) removes.push(p);
    }
  }
  return { actions, removes, present };
}
