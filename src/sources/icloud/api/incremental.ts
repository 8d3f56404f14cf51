/** @module Incremental sync: changes/database then changes/zone from the cursor's tokens; deletions, edits and album moves as explicit changes. */
import { assetId, type AssetId } from '../../../core/asset.ts';
import { albumNode, type AlbumIndex } from './albums.ts';
import type { Cursor } from './cursor.ts';
import type { PhotosApi, Zone } from './photos-api.ts';
import { flag, refName, str, type CkRecord } from './records.ts';

/** Thrown when the feed cannot continue from the cursor (bad/expired token, new zone): list everything instead. */
export class NeedsFullListing extends Error {}

export interface ZoneDelta {
  readonly zone: Zone;
  readonly token: string;
  /** Assets to (re)map with their masters; album membership already applied to the index. */
  readonly upserts: { master: CkRecord; asset: CkRecord }[];
  readonly deletions: AssetId[];
  readonly albumsChanged: boolean;
}

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

/** Zones with changes since the cursor (one request when nothing changed). */
export async function changedZones(api: PhotosApi, cursor: Cursor, signal: AbortSignal): Promise<{ dbToken: string; zones: Cursor['zones'] }> {
  const db = await api.changesDatabase('private', cursor.db, signal);
  const known = new Map(cursor.zones.map((z) => [z.zoneID.zoneName, z]));
  const zones: Cursor['zones'] = [];
  for (const z of db.zones) {
    const name = z.zoneID.zoneName;
    if (name !== 'PrimarySync' && !name.startsWith('SharedSync-')) continue;
    const k = known.get(name);
    if (k === undefined || k.token === '') throw new NeedsFullListing(`zone ${name} has no sync token yet`);
    zones.push(k);
  }
  // Zones of the shared database (a Shared Library shared to us) are not in the private feed: ask them directly.
  for (const k of cursor.zones) if (k.db === 'shared') zones.push(k);
  return { dbToken: db.syncToken, zones };
}

/** Reads one zone's feed to the end and resolves it into upserts and deletions. */
export async function zoneDelta(api: PhotosApi, entry: Cursor['zones'][number], albums: AlbumIndex, signal: AbortSignal): Promise<ZoneDelta> {
  const zone: Zone = { db: entry.db, zoneID: entry.zoneID };
  let token = entry.token;
  const latest = new Map<string, CkRecord>();
  for (;;) {
    const page = await api.changesZone(zone, token, signal);
    if (page.serverErrorCode !== undefined || page.syncToken === undefined) throw new NeedsFullListing(`changes/zone: ${page.serverErrorCode ?? 'no token'} ${page.reason ?? ''}`);
    for (const r of page.records ?? []) { latest.delete(r.recordName); latest.set(r.recordName, r); }
    token = page.syncToken;
    if (page.moreComing !== true) break;
  }
  const assets = new Map<string, CkRecord>();
  const masters = new Map<string, CkRecord>();
  const touched = new Set<string>();
  const deletions: AssetId[] = [];
  let albumsChanged = false;
  for (const r of latest.values()) {
    const rel = /^(.+)-IN-(.+)$/.exec(r.recordName);
    if (r.recordType === 'CPLAsset') assets.set(r.recordName, r);
    else if (r.recordType === 'CPLMaster') masters.set(r.recordName, r);
    else if (r.recordType === 'CPLContainerRelation' || (r.deleted === true && rel !== null)) {
      const item = r.deleted === true ? rel?.[1] : str(r, 'itemId');
      const album = r.deleted === true ? rel?.[2] : str(r, 'containerId');
      if (item === undefined || album === undefined) continue;
      if (r.deleted === true) albums.remove(item, album); else albums.add(item, album);
      touched.add(item);
    } else if (r.recordType === 'CPLAlbum') {
      const node = albumNode(r);
      albumsChanged = true;
      if (node === undefined) for (const a of albums.removeNode(r.recordName)) touched.add(a);
      else { albums.setNode(node); for (const a of albums.membersOf(node.id)) touched.add(a); }
    } else if (r.deleted === true && albums.has(r.recordName)) {
      albumsChanged = true;
      for (const a of albums.removeNode(r.recordName)) touched.add(a);
    } else if (r.deleted === true && UUID.test(r.recordName)) {
      deletions.push(assetId(r.recordName));
    }
  }
  // Trashed assets (isDeleted = 1) leave the library for us; they come back if restored.
  for (const [name, a] of assets) if (flag(a, 'isDeleted') || flag(a, 'isExpunged')) { deletions.push(assetId(name)); assets.delete(name); }
  const deleted = new Set<string>(deletions);
  const missingAssets = [...touched].filter((n) => !assets.has(n) && !deleted.has(n));
  if (missingAssets.length > 0) for (const r of await api.lookup(zone, missingAssets, signal)) if (r.recordType === 'CPLAsset' && !flag(r, 'isDeleted')) assets.set(r.recordName, r);
  const missingMasters = [...assets.values()].map((a) => refName(a, 'masterRef')).filter((m): m is string => m !== undefined && !masters.has(m));
  if (missingMasters.length > 0) for (const r of await api.lookup(zone, [...new Set(missingMasters)], signal)) if (r.recordType === 'CPLMaster') masters.set(r.recordName, r);
  const upserts: ZoneDelta['upserts'] = [];
  for (const a of assets.values()) {
    const m = masters.get(refName(a, 'masterRef') ?? '');
    if (m !== undefined) upserts.push({ master: m, asset: a });
  }
  return { zone, token, upserts, deletions, albumsChanged };
}
