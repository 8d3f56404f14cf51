/** @module records/query and internal/records/query/batch: CheckIndexingState, index views paged by startRank, album lists, counts. */
import { randomUUID } from 'node:crypto';
import { albumRecord, assetRecord, masterRecord, OWNER, relationRecord, SHARED_ZONE, zoneIdOf } from '../library/render.ts';
import type { ZoneKey } from '../library/state.ts';
import { viewOfCountId, type SmartAlbum, type ViewKey } from '../library/views.ts';
import type { SimState } from '../state.ts';
import { zoneToken } from './tokens.ts';
import { asArr, asObj, type Json } from './http.ts';

/** An answer; `headers` (e.g. Retry-After) and `delayMs` (answer late) are optional. */
export type CkResult = { status: number; body: unknown; headers?: Record<string, string>; delayMs?: number };

export const zoneByte = (zone: ZoneKey) => (zone === 'primary' ? 0 : 1);

/** `PrimarySync` / the Shared Library zone name → our key; anything else is ZONE_NOT_FOUND. */
export function zoneOf(sim: SimState, zoneID: unknown): ZoneKey | undefined {
  const name = asObj(zoneID)['zoneName'];
  if (name === 'PrimarySync') return 'primary';
  if (name === SHARED_ZONE && sim.library.options.sharedLibrary === true) return 'shared';
  return undefined;
}

export const currentToken = (sim: SimState, zone: ZoneKey) => zoneToken(zoneByte(zone), sim.history.current(zone));

const notFound = (zoneID: unknown): CkResult =>
  ({ status: 404, body: { uuid: randomUUID(), serverErrorCode: 'ZONE_NOT_FOUND', reason: `Zone '${String(asObj(zoneID)['zoneName'])}' does not exist` } });
const badRequest = (reason: string): CkResult => ({ status: 400, body: { uuid: randomUUID(), serverErrorCode: 'BAD_REQUEST', reason } });

function filters(query: Json): Map<string, unknown> {
  const raw = query['filterBy'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return new Map(list.map((f) => [String(asObj(f)['fieldName']), asObj(asObj(f)['fieldValue'])['value']]));
}

const INDEXES: Readonly<Record<string, (f: Map<string, unknown>) => ViewKey | undefined>> = {
  CPLAssetAndMasterByAssetDateWithoutHiddenOrDeleted: () => ({ view: 'all' }),
  CPLAssetAndMasterByAddedDate: () => ({ view: 'added' }),
  CPLAssetAndMasterHiddenByAssetDate: () => ({ view: 'hidden' }),
  CPLAssetAndMasterDeletedByExpungedDate: () => ({ view: 'deleted' }),
  CPLBurstStackAssetAndMasterByAssetDate: () => ({ view: 'bursts' }),
  CPLAssetAndMasterInSmartAlbumByAssetDate: (f) => (typeof f.get('smartAlbum') === 'string' ? { view: 'smart', smart: f.get('smartAlbum') as SmartAlbum } : undefined),
  CPLContainerRelationLiveByAssetDate: (f) => (typeof f.get('parentId') === 'string' ? { view: 'album', albumId: f.get('parentId') as string } : undefined),
  CPLContainerRelationLiveByPosition: (f) => (typeof f.get('parentId') === 'string' ? { view: 'album', albumId: f.get('parentId') as string } : undefined),
};

function indexPage(sim: SimState, zone: ZoneKey, key: ViewKey, f: Map<string, unknown>, resultsLimit: number): CkResult {
  const perPhoto = key.view === 'album' ? 3 : 2;
  const photos = Math.max(1, Math.floor(Math.min(resultsLimit, 200) / perPhoto));
  const ranks = sim.views.ranks(zone, key);
  const start = Number(f.get('startRank') ?? 0);
  const descending = f.get('direction') === 'DESCENDING';
  const picked: number[] = [];
  for (let k = 0; k < photos; k++) {
    const r = descending ? start - k : start + k;
    if (r < 0 || r >= ranks.length) break;
    picked.push(ranks[r]!);
  }
  const assets = picked.map((i) => sim.library.asset(i));
  const records: object[] = [];
  if (key.view === 'album') records.push(...assets.map((a) => relationRecord(a, key.albumId)));
  // Recorded pages list all masters first, then all assets.
  records.push(...assets.map((a) => masterRecord(a, sim.signUrl)), ...assets.map((a) => assetRecord(a, sim.signUrl)));
  const more = descending ? start - photos >= 0 : start + photos < ranks.length;
  const body: Json = { records };
  if (more) body['continuationMarker'] = Buffer.from(`rank:${descending ? start - photos : start + photos}`).toString('base64');
  body['syncToken'] = currentToken(sim, zone);
  return { status: 200, body };
}

function albumList(sim: SimState, f: Map<string, unknown>): CkResult {
  const parent = f.get('parentId');
  const records: object[] = [];
  if (parent === undefined) {
    records.push({ recordName: '----Root-Folder----', recordType: 'CPLAlbum', fields: { albumType: { value: 3, type: 'INT64' }, position: { value: 0, type: 'INT64' } }, pluginFields: {}, recordChangeTag: '1', created: { timestamp: 1_600_000_000_000, userRecordName: OWNER, deviceID: '1' }, modified: { timestamp: 1_600_000_000_000, userRecordName: OWNER, deviceID: '1' }, deleted: false, zoneID: zoneIdOf('primary') });
  }
  for (const a of sim.library.albums) if (!a.deleted && a.parentId === parent) records.push(albumRecord(a));
  return { status: 200, body: { records, syncToken: currentToken(sim, 'primary') } };
}

export function recordsQuery(sim: SimState, body: Json): CkResult {
  const query = asObj(body['query']);
  const zone = zoneOf(sim, body['zoneID']);
  if (zone === undefined) return notFound(body['zoneID']);
  const type = String(query['recordType'] ?? '');
  const f = filters(query);
  if (type === 'CheckIndexingState') {
    const { state, progress } = sim.faults.indexing;
    return { status: 200, body: { records: [{ recordName: `_${randomUUID()}`, recordType: 'CheckIndexingState', fields: { progress: { value: progress, type: 'INT64' }, state: { value: state, type: 'STRING' } }, pluginFields: {}, recordChangeTag: '0', created: { timestamp: Date.now(), userRecordName: '_10', deviceID: '1' }, modified: { timestamp: Date.now(), userRecordName: '_10', deviceID: '1' }, deleted: false, zoneID: zoneIdOf(zone) }], syncToken: currentToken(sim, zone) } };
  }
  if (type === 'CPLAlbumByPositionLive') return zone === 'primary' ? albumList(sim, f) : { status: 200, body: { records: [], syncToken: currentToken(sim, zone) } };
  if (type === 'HyperionIndexCountLookup') return { status: 200, body: { records: counts(sim, zone, f), syncToken: currentToken(sim, zone) } };
  const key = INDEXES[type]?.(f);
  if (key === undefined) return badRequest(`Unknown index or missing filter for recordType '${type}'`);
  return indexPage(sim, zone, key, f, Number(body['resultsLimit'] ?? 200));
}

function counts(sim: SimState, zone: ZoneKey, f: Map<string, unknown>): object[] {
  return asArr(f.get('indexCountID')).map((id) => {
    const key = viewOfCountId(String(id));
    const itemCount = key === undefined ? 0 : sim.views.ranks(zone, key).length;
    return { recordName: String(id), recordType: 'IndexCountResult', fields: { itemCount: { value: itemCount, type: 'INT64' } }, pluginFields: {}, recordChangeTag: '0', created: { timestamp: Date.now(), userRecordName: '_10', deviceID: '1' }, modified: { timestamp: Date.now(), userRecordName: '_10', deviceID: '1' }, deleted: false, zoneID: zoneIdOf(zone) };
  });
}

export function queryBatch(sim: SimState, body: Json): CkResult {
  const batch = asArr(body['batch']).map((item) => {
    const result = recordsQuery(sim, asObj(item));
    return result.status === 200 ? result.body : { ...asObj(result.body) };
  });
  return { status: 200, body: { batch } };
}
