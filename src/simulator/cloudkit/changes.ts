/** @module zones/list, changes/database and changes/zone: zone discovery and the sync-token change feed (protocol notes §3.2, §4). */
import { renderEntry, zoneIdOf } from '../library/render.ts';
import type { ZoneKey } from '../library/state.ts';
import type { SimState } from '../state.ts';
import { currentToken, zoneByte, zoneOf, type CkResult } from './query.ts';
import { dbToken, readDbToken, readZoneToken, zoneToken } from './tokens.ts';
import { asArr, asObj, type Json } from './http.ts';

const zonesOf = (sim: SimState): ZoneKey[] => (sim.library.options.sharedLibrary === true ? ['primary', 'shared'] : ['primary']);

export function zonesList(sim: SimState, database: 'private' | 'shared'): CkResult {
  const zones = database === 'private' ? zonesOf(sim).map((z) => ({ zoneID: zoneIdOf(z), syncToken: currentToken(sim, z), deleted: false })) : [];
  return { status: 200, body: { moreComing: false, syncToken: dbToken(sim.library.globalSeq), zones } };
}

export function changesDatabase(sim: SimState, body: Json, database: 'private' | 'shared'): CkResult {
  const token = body['syncToken'];
  let since = -1;
  if (typeof token === 'string' && token !== '') {
    const read = readDbToken(token);
    if (!read.ok) return { status: 400, body: { serverErrorCode: 'BAD_REQUEST', reason: read.reason } };
    since = read.position;
  }
  const zones = database === 'shared' ? [] : zonesOf(sim).filter((z) => since < 0 || sim.library.logs[z].some((e) => e.globalSeq > since));
  return { status: 200, body: { syncToken: dbToken(sim.library.globalSeq), moreComing: false, zones: zones.map((z) => ({ zoneID: zoneIdOf(z), syncToken: currentToken(sim, z) })) } };
}

function zoneChanges(sim: SimState, entry: Json, topLimit: unknown): object {
  const zoneID = entry['zoneID'];
  const zone = zoneOf(sim, zoneID);
  if (zone === undefined) return { zoneID, serverErrorCode: 'ZONE_NOT_FOUND', reason: 'Zone does not exist' };
  const token = entry['syncToken'];
  // An empty token means "already caught up" (observed by kei); an omitted one replays the whole history.
  if (token === '') return { zoneID: zoneIdOf(zone), syncToken: currentToken(sim, zone), moreComing: false, records: [] };
  let position = 0;
  if (typeof token === 'string') {
    const read = readZoneToken(token, zoneByte(zone));
    if (!read.ok) return { zoneID: zoneIdOf(zone), serverErrorCode: 'BAD_REQUEST', reason: read.reason };
    position = read.position;
  }
  // changes/zone caps pages at 200 records whatever resultsLimit says.
  const limit = Math.min(200, Number(entry['resultsLimit'] ?? topLimit ?? 200));
  const { entries, next } = sim.history.slice(zone, position, limit);
  const records = entries.map((e) => renderEntry(sim.library, e, sim.signUrl));
  return { zoneID: zoneIdOf(zone), syncToken: zoneTokenAt(zone, next), moreComing: next < sim.history.current(zone), records };
}

const zoneTokenAt = (zone: ZoneKey, position: number) => zoneToken(zoneByte(zone), position);

export function changesZone(sim: SimState, body: Json): CkResult {
  return { status: 200, body: { zones: asArr(body['zones']).map((z) => zoneChanges(sim, asObj(z), body['resultsLimit'])) } };
}
