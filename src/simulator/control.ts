/** @module `/__sim/*` control endpoints: SHA-256 of what a download returns, scripted library changes, fault knobs, counters. */
import type { SimRoutes } from './types.ts';
import type { SimState } from './state.ts';
import type { RoleName } from './roles.ts';
import type { AccountCeiling, Faults } from './faults.ts';

/** A scripted change, as posted to `/__sim/change` (and applied by `applyChange`). */
export type SimChange =
  | { op: 'add'; count?: number }
  | { op: 'edit' | 'trash' | 'restore' | 'purge'; asset: string }
  | { op: 'favorite' | 'hide'; asset: string; value: boolean }
  | { op: 'move'; asset: string; from: string | null; to: string | null }
  | { op: 'rename-album'; album: string; name: string };

/** Applies one change; returns the new assets' record names for `add`. */
export function applyChange(sim: SimState, c: SimChange): string[] {
  const lib = sim.library;
  switch (c.op) {
    case 'add': return lib.add(c.count ?? 1);
    case 'edit': lib.edit(c.asset); return [];
    case 'trash': lib.trash(c.asset); return [];
    case 'restore': lib.restore(c.asset); return [];
    case 'purge': lib.purge(c.asset); return [];
    case 'favorite': lib.setFavorite(c.asset, c.value); return [];
    case 'hide': lib.setHidden(c.asset, c.value); return [];
    case 'move': lib.move(c.asset, c.from, c.to); return [];
    case 'rename-album': lib.renameAlbum(c.album, c.name); return [];
  }
}

/** A fault patch as posted: ceilings by Apple ID, `null` removing one. */
export type FaultsPatch = Partial<Omit<Faults, 'ceilings'>> & { ceilings?: Record<string, AccountCeiling | null> };

/** Merges a partial fault config (download faults and ceilings merge one level deeper). */
export function setFaults(sim: SimState, patch: FaultsPatch): void {
  const { download, ceilings, ...rest } = patch;
  Object.assign(sim.faults, rest);
  if (download !== undefined) Object.assign(sim.faults.download, download);
  for (const [appleId, ceiling] of Object.entries(ceilings ?? {})) {
    const account = appleId.toLowerCase();
    if (ceiling === null) sim.faults.ceilings = Object.fromEntries(Object.entries(sim.faults.ceilings).filter(([id]) => id !== account));
    else if (!(Number.isFinite(ceiling.perSecond) && ceiling.perSecond > 0)) throw new Error(`ceiling of ${appleId}: perSecond must be a positive number`);
    else sim.faults.ceilings[account] = ceiling;
  }
}

export function controlRoutes(sim: SimState): SimRoutes {
  return async ({ req, res, url, body }) => {
    if (!url.pathname.startsWith('/__sim/')) return false;
    const reply = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    try {
      switch (`${req.method} ${url.pathname}`) {
        case 'GET /__sim/sha256': {
          const sha256 = sim.sha256Of(url.searchParams.get('asset') ?? '', (url.searchParams.get('role') ?? 'original') as RoleName);
          if (sha256 === undefined) reply(404, { error: 'no such resource' }); else reply(200, { sha256 });
          return true;
        }
        case 'POST /__sim/session': {
          const token = sim.newSession();
          reply(200, { token }, { 'set-cookie': `X-APPLE-WEBAUTH-TOKEN="${token}";Path=/;HttpOnly` });
          return true;
        }
        case 'POST /__sim/change': reply(200, { added: applyChange(sim, body as SimChange) }); return true;
        case 'POST /__sim/faults': setFaults(sim, body as FaultsPatch); reply(200, sim.faults); return true;
        case 'GET /__sim/stats':
          reply(200, { assets: sim.library.size, albums: sim.library.albums.map((a) => ({ id: a.id, name: a.name, type: a.type })), requests: { cloudkit: sim.requests.cloudkit, content: sim.requests.content, byOp: Object.fromEntries(sim.requests.byOp) }, accounts: Object.fromEntries(sim.clock.accounts) });
          return true;
        // Other /__sim paths belong to the auth half (code peek, auth faults).
        default: return false;
      }
    } catch (err) {
      reply(400, { error: err instanceof Error ? err.message : String(err) });
      return true;
    }
  };
}
