/** @module Deletion routes: `storageUsageInfo` (the account's usage, as pyicloud reads it) and `/__sim/deletion/*` controls (clock, faults, Recently Deleted). */
import type { SimRoutes } from '../types.ts';
import type { SimState } from '../state.ts';
import type { Authenticate } from '../cloudkit/routes.ts';
import { sendInvalidSession, sendJson } from '../cloudkit/http.ts';
import type { DeletionFaults } from './deletion-state.ts';

const DAY_MS = 86_400_000;

/** The shape pyicloud's AccountStorage parses (`storageUsageByMedia`, `storageUsageInfo`, `quotaStatus`). */
export function storageUsageBody(sim: SimState) {
  const u = sim.deletion.usage();
  return {
    storageUsageByMedia: [{ mediaKey: 'photos', displayLabel: 'Photos and Videos', displayColor: 'ffcc00', usageInBytes: u.photosBytes }],
    storageUsageInfo: { compStorageInBytes: 0, usedStorageInBytes: u.photosBytes, totalStorageInBytes: u.totalBytes, commerceStorageInBytes: Math.max(0, u.totalBytes - 5e9) },
    quotaStatus: { overQuota: u.photosBytes > u.totalBytes, haveMaxQuotaTier: false, 'almost-full': u.photosBytes > 0.95 * u.totalBytes, paidQuota: u.totalBytes > 5e9 },
  };
}

export function deletionRoutes(sim: SimState, authenticate: Authenticate): SimRoutes {
  return async (request) => {
    const { req, res, url, body } = request;
    if (url.pathname === '/setup/ws/1/storageUsageInfo') {
      if (!authenticate(request)) { sendInvalidSession(res); return true; }
      sim.deletion.sweep();
      sendJson(res, 200, storageUsageBody(sim));
      return true;
    }
    if (!url.pathname.startsWith('/__sim/deletion')) return false;
    const d = sim.deletion;
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /__sim/deletion': {
        d.sweep();
        const trashed = d.trashed().map((i) => { const a = sim.library.asset(i); return { asset: a.assetName, deletedAt: a.deletedAt }; });
        sendJson(res, 200, { now: d.now(), usage: d.usage(), recentlyDeleted: trashed, faults: d.faults });
        return true;
      }
      case 'POST /__sim/deletion/advance': {
        d.offsetMs += Number((body as { days?: number }).days ?? 0) * DAY_MS;
        sendJson(res, 200, { now: d.now(), purged: d.sweep() });
        return true;
      }
      case 'POST /__sim/deletion/faults': {
        const { burst, ...rest } = body as Partial<DeletionFaults>;
        Object.assign(d.faults, rest);
        if (burst !== undefined) d.setBurst(burst);
        sendJson(res, 200, d.faults);
        return true;
      }
      default: return false;
    }
  };
}
