/** @module Auth half of the Apple simulator: idmsa (/appleauth/auth/…) and setup (/setup/ws/1/…) routes plus a code peek for tests. */
import type { SimRequest, SimRoutes } from '../types.ts';
import { controlRoutes } from './control-routes.ts';
import { mfaRoutes } from './mfa-routes.ts';
import { setupRoutes } from './setup-routes.ts';
import { signinRoutes } from './signin-routes.ts';
import type { AuthState } from './state.ts';
import { header, send } from './wire.ts';

export { AuthState, createAuthState, type AccountFaults, type AuthStateOptions, type GlobalFaults, type SimAccount, type SimAccountInit, type SimPhone } from './state.ts';
export { TOO_MANY_CODES } from './mfa-routes.ts';
export { CODE_PEEK_PATH } from './control-routes.ts';

const IDMSA = '/appleauth/auth';
const SETUP = '/setup/ws/1';

/** Paths that must carry icloud.com's widget key, as Apple's signin does. */
const NEEDS_WIDGET_KEY = new Set(['/signin/init', '/signin/complete', '/signin']);

/** Mount next to the CloudKit routes; `state.ckdatabaseUrl` is what accountLogin advertises as ckdatabasews. */
export function authRoutes(state: AuthState): SimRoutes {
  return async (request: SimRequest) => {
    const path = request.url.pathname;
    if (path.startsWith('/__sim/')) return controlRoutes(state, request);
    if (path === IDMSA || path.startsWith(`${IDMSA}/`)) {
      const sub = path.slice(IDMSA.length);
      if (NEEDS_WIDGET_KEY.has(sub) && header(request, 'X-Apple-Widget-Key') === undefined) {
        return send(request, { status: 400, body: { serviceErrors: [{ code: '-20100', message: 'Missing widget key.' }] } }, true);
      }
      return (await signinRoutes(state, request, sub)) || mfaRoutes(state, request, sub);
    }
    if (path.startsWith(`${SETUP}/`)) return setupRoutes(state, request, path.slice(SETUP.length));
    return false;
  };
}
