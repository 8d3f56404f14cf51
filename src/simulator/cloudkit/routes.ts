/** @module The CloudKit route group: `/database/1/com.apple.photos.cloud/production/{private|shared}/<op>`, behind session and throttle checks. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimRequest, SimRoutes } from '../types.ts';
import type { SimState } from '../state.ts';
import { changesDatabase, changesZone, zonesList } from './changes.ts';
import { applyCloudkitFault } from './faults.ts';
import { asObj, sendCkError, sendInvalidSession, sendJson } from './http.ts';
import { queryBatch, recordsQuery, type CkResult } from './query.ts';
import { recordsLookup, recordsModify } from './records.ts';

const PREFIX = /^\/database\/1\/com\.apple\.photos\.cloud\/production\/(private|shared)\/(.+)$/;

/** Decides whether a CloudKit request carries a live web session. */
export type Authenticate = (request: SimRequest) => boolean;

export function cookieValue(request: SimRequest, name: string): string | undefined {
  for (const part of (request.req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim().replace(/^"|"$/g, '');
  }
  return undefined;
}

/** Fallback check when the auth route group is absent: the token must be one the simulator minted. */
export const tokenAuthenticate = (sim: SimState): Authenticate => (request) => {
  const token = cookieValue(request, 'X-APPLE-WEBAUTH-TOKEN');
  return token !== undefined && sim.sessions.has(token);
};

function dispatch(sim: SimState, db: 'private' | 'shared', op: string, body: Record<string, unknown>): CkResult | undefined {
  switch (op) {
    case 'zones/list': return zonesList(sim, db);
    case 'changes/database': return changesDatabase(sim, body, db);
    case 'changes/zone': case 'records/changes': return changesZone(sim, body);
    case 'records/query': return recordsQuery(sim, body);
    case 'internal/records/query/batch': return queryBatch(sim, body);
    case 'records/lookup': return recordsLookup(sim, body);
    case 'records/modify': return recordsModify(sim, body);
    default: return undefined;
  }
}

/** The Apple ID a request's web session belongs to (undefined without one, e.g. a `/__sim/session` token). */
export type AccountOf = (request: SimRequest) => string | undefined;

export function cloudkitRoutes(sim: SimState, authenticate: Authenticate, expire: () => void, adp: (request: SimRequest) => boolean = () => false, accountOf: AccountOf = () => undefined): SimRoutes {
  return async (request) => {
    const m = PREFIX.exec(request.url.pathname);
    if (m === null) return false;
    const [, db, op] = m as unknown as [string, 'private' | 'shared', string];
    const { res } = request;
    sim.requests.cloudkit++;
    sim.requests.byOp.set(op, (sim.requests.byOp.get(op) ?? 0) + 1);
    if (request.req.method !== 'POST') { sendCkError(res, 405, 'BAD_REQUEST', 'POST only'); return true; }
    const throttle = sim.clock.nextThrottle();
    if (sim.clock.sessionExpiresNow()) expire();
    if (!authenticate(request)) { sendInvalidSession(res); return true; }
    // Advanced Data Protection without PCS cookies: what icloudpd #514 reports.
    if (adp(request)) { sendCkError(res, 403, 'ACCESS_DENIED', 'private db access disabled for this account'); return true; }
    const account = accountOf(request);
    const ceiling = sim.clock.overCeiling(account);
    if (ceiling !== undefined) {
      const retry = { 'retry-after': String(ceiling.retryAfterSec ?? 1) };
      if (ceiling.kind === '429') sendCkError(res, 429, 'THROTTLED', 'Too many requests', retry);
      else sendCkError(res, 503, 'TRY_AGAIN_LATER', 'Service Temporarily Unavailable', retry);
      return true;
    }
    if (throttle !== undefined) {
      const retry = { 'retry-after': String(throttle.retryAfterSec ?? 1) };
      if (throttle.kind === '503') sendCkError(res, 503, 'TRY_AGAIN_LATER', 'Service Temporarily Unavailable', retry);
      else if (throttle.kind === '429') sendCkError(res, 429, 'THROTTLED', 'Too many requests', retry);
      else sendCkError(res, 403, 'ACCESS_DENIED', 'private db access disabled for this account');
      return true;
    }
    const body = typeof request.body === 'object' && request.body !== null ? asObj(request.body) : {};
    // Items past Recently Deleted's 30 days are gone before anything reads the library.
    sim.deletion.sweep();
    if (sim.signingFor(account, () => applyCloudkitFault(sim, op, body, res, (b) => dispatch(sim, db, op, b) ?? { status: 404, body: {} }))) return true;
    const result = sim.signingFor(account, () => dispatch(sim, db, op, body));
    if (result === undefined) { sendCkError(res, 404, 'NOT_FOUND', `Unknown operation ${op}`); return true; }
    if (result.delayMs !== undefined && result.delayMs > 0) await sleep(result.delayMs);
    sendJson(res, result.status, result.body, result.headers);
    return true;
  };
}
