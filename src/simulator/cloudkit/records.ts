/** @module records/lookup and records/modify: fetch records by name; trash/restore, favorite, hide, album membership and renames. */
import { randomUUID } from 'node:crypto';
import { albumRecord, assetRecord, masterRecord, relationRecord } from '../library/render.ts';
import type { SimState } from '../state.ts';
import { currentToken, zoneOf, type CkResult } from './query.ts';
import { asArr, asObj, type Json } from './http.ts';
import { guardModify, isTrashOrRestore, tryLater } from '../deletion/guard.ts';

const missing = (recordName: string) => ({ recordName, serverErrorCode: 'NOT_FOUND', reason: 'Record not found' });

function render(sim: SimState, recordName: string): object {
  const rel = /^(.+)-IN-(.+)$/.exec(recordName);
  if (rel !== null) {
    const i = sim.library.indexOf(rel[1]!);
    return i !== undefined && sim.library.inAlbum(i, rel[2]!) ? relationRecord(sim.library.asset(i), rel[2]!) : missing(recordName);
  }
  const album = sim.library.album(recordName);
  if (album !== undefined) return albumRecord(album);
  const i = sim.library.indexOf(recordName);
  if (i === undefined) return missing(recordName);
  const a = sim.library.asset(i);
  if (a.purged) return missing(recordName);
  return recordName === a.assetName ? assetRecord(a, sim.signUrl) : masterRecord(a, sim.signUrl);
}

export function recordsLookup(sim: SimState, body: Json): CkResult {
  const zone = zoneOf(sim, body['zoneID']) ?? 'primary';
  const records = asArr(body['records']).map((r) => render(sim, String(asObj(r)['recordName'])));
  return { status: 200, body: { records, syncToken: currentToken(sim, zone) } };
}

const fieldValue = (fields: Json, name: string): unknown => (name in fields ? asObj(fields[name])['value'] ?? null : undefined);

function applyOne(sim: SimState, op: Json): object {
  const type = String(op['operationType'] ?? '');
  const record = asObj(op['record']);
  const name = String(record['recordName'] ?? '');
  const fields = asObj(record['fields']);
  const lib = sim.library;
  if (type === 'forceDelete' || type === 'delete') {
    const rel = /^(.+)-IN-(.+)$/.exec(name);
    if (rel === null) return { recordName: name, serverErrorCode: 'BAD_REQUEST', reason: 'Only album memberships can be deleted here' };
    lib.move(rel[1]!, rel[2]!, null);
    return { recordName: name, deleted: true };
  }
  if (type === 'create' && record['recordType'] === 'CPLContainerRelation') {
    const item = String(fieldValue(fields, 'itemId')); const album = String(fieldValue(fields, 'containerId'));
    const i = lib.indexOf(item);
    if (i !== undefined && lib.spec(i).zone !== 'primary') return { recordName: name, serverErrorCode: 'BAD_REQUEST', reason: 'itemId is not a record of this zone' };
    lib.move(item, null, album);
    return render(sim, `${item}-IN-${album}`);
  }
  const current = render(sim, name) as Json;
  if ('serverErrorCode' in current) return current;
  const tag = record['recordChangeTag'];
  if (type === 'update' && typeof tag === 'string' && tag !== current['recordChangeTag']) {
    return { recordName: name, serverErrorCode: 'SERVER_RECORD_CHANGED', reason: 'record to save is older than server version' };
  }
  if (current['recordType'] === 'CPLAlbum') {
    const enc = fieldValue(fields, 'albumNameEnc');
    if (typeof enc === 'string') lib.renameAlbum(name, Buffer.from(enc, 'base64').toString('utf8'));
    return render(sim, name);
  }
  if (current['recordType'] !== 'CPLAsset') return { recordName: name, serverErrorCode: 'BAD_REQUEST', reason: 'Unsupported record type for update' };
  const deleted = fieldValue(fields, 'isDeleted');
  if (deleted === 1) lib.trash(name, sim.deletion.now()); else if (deleted === 0 || deleted === null) lib.restore(name);
  const favorite = fieldValue(fields, 'isFavorite');
  if (favorite !== undefined) lib.setFavorite(name, favorite === 1);
  const hidden = fieldValue(fields, 'isHidden');
  if (hidden !== undefined) lib.setHidden(name, hidden === 1);
  return render(sim, name);
}

/** Keeps only `desiredKeys` fields, as the recorded modify answer does. */
function trim(record: object, desired: unknown): object {
  const r = record as Json;
  if (!Array.isArray(desired) || !('fields' in r)) return record;
  const fields = asObj(r['fields']);
  return { ...r, fields: Object.fromEntries(Object.entries(fields).filter(([k]) => desired.includes(k))) };
}

export function recordsModify(sim: SimState, body: Json): CkResult {
  const zone = zoneOf(sim, body['zoneID']);
  if (zone === undefined) return { status: 404, body: { uuid: randomUUID(), serverErrorCode: 'ZONE_NOT_FOUND', reason: 'Zone does not exist' } };
  const ops = asArr(body['operations']).map(asObj);
  const guard = guardModify(sim.deletion, ops.filter(isTrashOrRestore).length);
  if (guard.refuse !== undefined) return guard.refuse;
  // A batch refused half-way: the first half is applied, then the whole call fails, as a dropped answer would.
  const applied = guard.halfway ? ops.slice(0, Math.ceil(ops.length / 2)) : ops;
  const records = applied.map((op) => trim(applyOne(sim, op), body['desiredKeys']));
  if (guard.halfway) return { ...tryLater(sim.deletion.faults.burst.retryAfterSec), delayMs: sim.deletion.faults.modifyDelayMs };
  return { status: 200, body: { records, syncToken: currentToken(sim, zone) }, delayMs: sim.deletion.faults.modifyDelayMs };
}
