/** @module The Photos operations on top of CloudKitClient, with the exact request shapes of protocol notes §3 (indexes, counts, albums, lookup, modify, changes). */
import { z } from 'zod';
import { icloudErrors } from '../errors.ts';
import type { CloudKitClient, Database } from './cloudkit-client.ts';
import {
  batchResponseSchema, modifyResponseSchema, changesDatabaseSchema, changesZoneSchema, num, queryResponseSchema, str, zonesListSchema,
  type CkRecord, type QueryResponse, type ZoneChanges, type ZoneId,
} from './records.ts';

const RES = ['Res', 'Width', 'Height', 'FileType', 'Fingerprint'];
const variants = ['resJPEGFull', 'resJPEGLarge', 'resJPEGMed', 'resJPEGThumb', 'resVidFull', 'resVidMed', 'resVidSmall', 'resSidecar', 'resOriginal', 'resOriginalAlt', 'resOriginalVidCompl'];

/** One list for both record types, as icloudpd sends; absent keys are simply missing from answers. */
export const DESIRED_KEYS: readonly string[] = [
  ...variants.flatMap((v) => RES.map((s) => v + s)),
  'itemType', 'dataClassType', 'filenameEnc', 'originalOrientation', 'isDeleted', 'isExpunged', 'dateExpunged', 'remappedRef',
  'recordName', 'recordType', 'recordChangeTag', 'masterRef', 'adjustmentRenderType', 'assetDate', 'addedDate', 'isFavorite',
  'isHidden', 'orientation', 'duration', 'assetSubtype', 'assetSubtypeV2', 'assetHDRType', 'burstFlags', 'burstFlagsExt', 'burstId',
  'captionEnc', 'locationEnc', 'locationV2Enc', 'locationLatitude', 'locationLongitude', 'adjustmentType', 'timeZoneOffset',
  'timeZoneNameEnc', 'vidComplDurValue', 'vidComplDurScale', 'vidComplDispValue', 'vidComplDispScale', 'keywordsEnc',
  'extendedDescEnc', 'vidComplVisibilityState', 'customRenderedValue', 'containerId', 'itemId', 'position', 'isKeyAsset',
];

/** Index views (§3.5): list recordType, count id, and the filter that selects a smart album or album. */
export const VIEWS = {
  all: { list: 'CPLAssetAndMasterByAssetDateWithoutHiddenOrDeleted', count: 'CPLAssetByAssetDateWithoutHiddenOrDeleted' },
  hidden: { list: 'CPLAssetAndMasterHiddenByAssetDate', count: 'CPLAssetHiddenByAssetDate' },
  deleted: { list: 'CPLAssetAndMasterDeletedByExpungedDate', count: 'CPLAssetDeletedByExpungedDate' },
  bursts: { list: 'CPLBurstStackAssetAndMasterByAssetDate', count: 'CPLAssetBurstStackAssetByAssetDate' },
} as const;

/** Smart albums queried through `CPLAssetAndMasterInSmartAlbumByAssetDate` + `smartAlbum` filter. */
export const SMART_ALBUMS = {
  Favorites: 'FAVORITE', Videos: 'VIDEO', Live: 'LIVE', Screenshots: 'SCREENSHOT', Panoramas: 'PANORAMA', 'Slo-mo': 'SLOMO', 'Time-lapse': 'TIMELAPSE',
} as const;

export type ViewSpec =
  | { readonly kind: keyof typeof VIEWS }
  | { readonly kind: 'smart'; readonly smart: (typeof SMART_ALBUMS)[keyof typeof SMART_ALBUMS] }
  | { readonly kind: 'album'; readonly albumId: string };

const filter = (fieldName: string, type: string, value: unknown) => ({ fieldName, comparator: 'EQUALS', fieldValue: { type, value } });

export function viewQuery(view: ViewSpec): { recordType: string; countId: string; filters: object[]; perPhoto: number } {
  if (view.kind === 'smart') {
    const cap = view.smart.charAt(0) + view.smart.slice(1).toLowerCase();
    return { recordType: 'CPLAssetAndMasterInSmartAlbumByAssetDate', countId: `CPLAssetInSmartAlbumByAssetDate:${cap}`, filters: [filter('smartAlbum', 'STRING', view.smart)], perPhoto: 2 };
  }
  if (view.kind === 'album') {
    return { recordType: 'CPLContainerRelationLiveByAssetDate', countId: `CPLContainerRelationNotDeletedByAssetDate:${view.albumId}`, filters: [filter('parentId', 'STRING', view.albumId)], perPhoto: 3 };
  }
  return { recordType: VIEWS[view.kind].list, countId: VIEWS[view.kind].count, filters: [], perPhoto: 2 };
}

export interface Zone { readonly db: Database; readonly zoneID: ZoneId; readonly syncToken?: string }

export class PhotosApi {
  constructor(readonly ck: CloudKitClient) {}

  /**
   * Photo zones: the personal library and the Shared Library from the private database (owner), plus a
   * Shared Library shared *to* this account from the shared database (participant). Other zones are skipped.
   */
  async zones(signal: AbortSignal): Promise<{ zones: Zone[]; dbToken?: string }> {
    const pick = (db: Database, r: z.infer<typeof zonesListSchema>): Zone[] => r.zones
      .filter((z) => z.deleted !== true && (z.zoneID.zoneName === 'PrimarySync' || z.zoneID.zoneName.startsWith('SharedSync-')))
      .map((z): Zone => ({ db, zoneID: z.zoneID, ...(z.syncToken === undefined ? {} : { syncToken: z.syncToken }) }));
    const own = await this.ck.post('private', 'zones/list', {}, zonesListSchema, signal);
    // The shared database is empty or refused for most accounts; its absence is not an error.
    const shared = await this.ck.post('shared', 'zones/list', {}, zonesListSchema, signal).then((r) => pick('shared', r), () => []);
    const zones = pick('private', own);
    for (const z of shared) if (!zones.some((o) => o.zoneID.zoneName === z.zoneID.zoneName)) zones.push(z);
    return { zones, ...(own.syncToken === undefined ? {} : { dbToken: own.syncToken }) };
  }

  /** Throws the typed "still indexing" error unless the zone's index is FINISHED. */
  async checkIndexing(zone: Zone, signal: AbortSignal): Promise<void> {
    const r = await this.ck.post(zone.db, 'records/query', { query: { recordType: 'CheckIndexingState' }, zoneID: zone.zoneID }, queryResponseSchema, signal);
    const rec = r.records[0];
    const state = rec === undefined ? undefined : str(rec, 'state');
    if (state !== 'FINISHED') throw icloudErrors.libraryIndexing(rec === undefined ? undefined : num(rec, 'progress'));
  }

  async count(zone: Zone, countId: string, signal: AbortSignal): Promise<number> {
    const body = { batch: [{ resultsLimit: 1, query: { recordType: 'HyperionIndexCountLookup', filterBy: { fieldName: 'indexCountID', comparator: 'IN', fieldValue: { type: 'STRING_LIST', value: [countId] } } }, zoneWide: true, zoneID: zone.zoneID }] };
    const r = await this.ck.post(zone.db, 'internal/records/query/batch', body, batchResponseSchema, signal);
    const rec = r.batch[0]?.records[0];
    return rec === undefined ? 0 : num(rec, 'itemCount') ?? 0;
  }

  /** One page of an index, `photos` photos from `startRank` (startRank counts photos, not records). */
  async page(zone: Zone, view: ViewSpec, startRank: number, photos: number, signal: AbortSignal): Promise<QueryResponse> {
    const q = viewQuery(view);
    const body = {
      query: { recordType: q.recordType, filterBy: [filter('startRank', 'INT64', startRank), filter('direction', 'STRING', 'ASCENDING'), ...q.filters] },
      resultsLimit: Math.min(200, photos * q.perPhoto), desiredKeys: DESIRED_KEYS, zoneID: zone.zoneID,
    };
    return this.ck.post(zone.db, 'records/query', body, queryResponseSchema, signal);
  }

  /** Albums and folders under `parentId` (top level when undefined), following continuationMarker. */
  async albums(zone: Zone, parentId: string | undefined, signal: AbortSignal): Promise<CkRecord[]> {
    const out: CkRecord[] = [];
    let marker: string | undefined;
    do {
      const body = { query: { recordType: 'CPLAlbumByPositionLive', ...(parentId === undefined ? {} : { filterBy: [filter('parentId', 'STRING', parentId)] }) }, zoneID: zone.zoneID, ...(marker === undefined ? {} : { continuationMarker: marker }) };
      const r = await this.ck.post(zone.db, 'records/query', body, queryResponseSchema, signal);
      out.push(...r.records);
      marker = r.records.length > 0 ? r.continuationMarker : undefined;
    } while (marker !== undefined);
    return out;
  }

  async lookup(zone: Zone, recordNames: readonly string[], signal: AbortSignal): Promise<CkRecord[]> {
    const out: CkRecord[] = [];
    for (let k = 0; k < recordNames.length; k += 200) {
      const body = { records: recordNames.slice(k, k + 200).map((recordName) => ({ recordName })), zoneID: zone.zoneID, desiredKeys: DESIRED_KEYS };
      out.push(...(await this.ck.post(zone.db, 'records/lookup', body, queryResponseSchema, signal)).records);
    }
    return out;
  }

  async modify(zone: Zone, operations: object[], desiredKeys: readonly string[], signal: AbortSignal): Promise<CkRecord[]> {
    const body = { operations, zoneID: zone.zoneID, atomic: true, desiredKeys };
    return (await this.ck.post(zone.db, 'records/modify', body, modifyResponseSchema, signal)).records;
  }

  async changesDatabase(db: Database, syncToken: string | undefined, signal: AbortSignal): Promise<z.infer<typeof changesDatabaseSchema>> {
    return this.ck.post(db, 'changes/database', syncToken === undefined ? {} : { syncToken }, changesDatabaseSchema, signal);
  }

  /** One page of a zone's change feed. Never send "": Apple treats it as "caught up" and returns nothing. */
  async changesZone(zone: Zone, syncToken: string, signal: AbortSignal): Promise<ZoneChanges> {
    const body = { zones: [{ zoneID: zone.zoneID, syncToken, resultsLimit: 200, desiredKeys: DESIRED_KEYS }] };
    const r = await this.ck.post(zone.db, 'changes/zone', body, changesZoneSchema, signal);
    return r.zones[0] ?? { records: undefined };
  }
}

export const isTombstone = (r: CkRecord) => r.deleted === true && r.recordType === undefined;
