/** @module Glue to the auth half (src/simulator/auth): its state, its route group when present, and the CloudKit session check. */
import { createAuthState, type AuthState } from './auth/state.ts';
import type { Authenticate } from './cloudkit/routes.ts';
import type { SimState } from './state.ts';
import type { SimRequest, SimRoutes } from './types.ts';

/** The account `photoferry simulate` prints; any password works only for this one. */
export const DEMO_ACCOUNT = { appleId: 'demo@photoferry.test', password: 'photoferry-demo' } as const;

export interface AuthMount {
  readonly state: AuthState;
  readonly routes: SimRoutes;
  readonly authenticate: Authenticate;
  /** True when the signed-in account has Advanced Data Protection on (CloudKit answers ACCESS_DENIED). */
  readonly adp: (request: SimRequest) => boolean;
  expire(): void;
  setBaseUrl(url: string): void;
}

type AuthModule = { authRoutes?: (state: AuthState) => SimRoutes };

/** Loads `./auth/index.ts` if the auth half has shipped it; until then idmsa/setup requests get 404. */
async function loadAuthRoutes(state: AuthState): Promise<SimRoutes> {
  try {
    const mod = (await import(new URL('./auth/index.ts', import.meta.url).href)) as AuthModule;
    if (typeof mod.authRoutes === 'function') return mod.authRoutes(state);
  } catch { /* not there yet */ }
  return async () => false;
}

export async function mountAuth(_sim: SimState, account: { appleId: string; password: string }): Promise<AuthMount> {
  const state = await createAuthState({ accounts: [{ appleId: account.appleId, password: account.password }] });
  return {
    state,
    routes: await loadAuthRoutes(state),
    authenticate: (request) => state.sessionOf(request) !== null,
    adp: (request) => state.sessionOf(request)?.account.faults.adp === true,
    expire: () => state.expireSessions(),
    setBaseUrl: (url) => { state.ckdatabaseUrl = url; },
  };
}
