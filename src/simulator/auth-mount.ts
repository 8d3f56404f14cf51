/** @module Glue to the auth half (src/simulator/auth): its state and route group, and the CloudKit session check built on it. */
import { authRoutes, createAuthState, type AccountFaults, type AuthState } from './auth/index.ts';
import type { Authenticate } from './cloudkit/routes.ts';
import type { SimState } from './state.ts';
import type { SimRequest, SimRoutes } from './types.ts';

/** The account `photoferry simulate` prints (2FA codes: GET /__sim/code?appleId=…). */
export const DEMO_ACCOUNT = { appleId: 'demo@photoferry.test', password: 'photoferry-demo' } as const;

export interface AuthMount {
  readonly state: AuthState;
  readonly routes: SimRoutes;
  readonly authenticate: Authenticate;
  /** True when the signed-in account has Advanced Data Protection on and no live PCS cookie (CloudKit answers ACCESS_DENIED). */
  readonly adp: (request: SimRequest) => boolean;
  expire(): void;
  setBaseUrl(url: string): void;
}

/** How the demo account behaves (`photoferry simulate --adp --code-409 …`). */
export interface AuthBehaviour {
  readonly apple2026?: boolean;
  readonly faults?: Partial<AccountFaults>;
}

export async function mountAuth(_sim: SimState, account: { appleId: string; password: string }, behaviour: AuthBehaviour = {}): Promise<AuthMount> {
  const state = await createAuthState({
    accounts: [{ appleId: account.appleId, password: account.password, ...(behaviour.faults === undefined ? {} : { faults: behaviour.faults }) }],
    ...(behaviour.apple2026 === undefined ? {} : { apple2026: behaviour.apple2026 }),
  });
  return {
    state,
    routes: authRoutes(state),
    authenticate: (request) => state.sessionOf(request) !== null,
    adp: (request) => { const s = state.sessionOf(request); return s !== null && s.account.faults.adp && !state.hasPcs(request, s.appleId); },
    expire: () => state.expireSessions(),
    setBaseUrl: (url) => { state.ckdatabaseUrl = url; },
  };
}
