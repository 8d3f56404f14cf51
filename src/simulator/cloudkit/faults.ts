/** @module CloudKit-only fault knobs (kept beside the routes that apply them): bodies cut mid-read, failing album lists, a page that repeats. */
import type { ServerResponse } from 'node:http';
import type { SimState } from '../state.ts';
import { ckHeaders, type Json } from './http.ts';

export interface CloudKitFaults {
  /** This many index-page answers send their headers (full Content-Length) and half the body, then the connection drops. */
  cutBodies?: number;
  /** This many album-list queries (CPLAlbumByPositionLive) answer 500. */
  failAlbums?: number;
  /** Index pages asked for at or past this startRank all answer the page at this rank (a server that loops). */
  repeatFromRank?: number;
}

const knobs = new WeakMap<SimState, CloudKitFaults>();

/** The CloudKit fault knobs of one simulator (tests set them directly). */
export function cloudkitFaults(sim: SimState): CloudKitFaults {
  let k = knobs.get(sim);
  if (k === undefined) { k = {}; knobs.set(sim, k); }
  return k;
}

const filters = (body: Json): Json[] => {
  const q = body.query as Json | undefined;
  return Array.isArray(q?.filterBy) ? (q.filterBy as Json[]) : [];
};
const recordTypeOf = (body: Json) => (body.query as Json | undefined)?.recordType;
const isIndexPage = (op: string, body: Json) => op === 'records/query' && filters(body).some((f) => f.fieldName === 'startRank');

/** Answers the request itself when a fault applies (true), else leaves it to the routes; may rewrite a page request. */
export function applyCloudkitFault(sim: SimState, op: string, body: Json, res: ServerResponse, answer: (b: Json) => { status: number; body: unknown }): boolean {
  const k = cloudkitFaults(sim);
  if ((k.failAlbums ?? 0) > 0 && op === 'records/query' && recordTypeOf(body) === 'CPLAlbumByPositionLive') {
    k.failAlbums! -= 1;
    const text = JSON.stringify({ serverErrorCode: 'INTERNAL_ERROR', reason: 'simulated album listing failure' });
    res.writeHead(500, ckHeaders({ 'content-length': String(Buffer.byteLength(text)) }));
    res.end(text);
    return true;
  }
  if (k.repeatFromRank !== undefined && isIndexPage(op, body)) {
    for (const f of filters(body)) {
      const v = f.fieldValue as Json | undefined;
      if (f.fieldName === 'startRank' && v !== undefined && Number(v.value) >= k.repeatFromRank) v.value = k.repeatFromRank;
    }
  }
  if ((k.cutBodies ?? 0) > 0 && isIndexPage(op, body)) {
    k.cutBodies! -= 1;
    const text = Buffer.from(JSON.stringify(answer(body).body));
    res.writeHead(200, ckHeaders({ 'content-length': String(text.length) }));
    res.write(text.subarray(0, Math.floor(text.length / 2)), () => res.destroy());
    return true;
  }
  return false;
}
