/** @module Simulated Advanced Data Protection consent: setup's requestPCS, answered by what the account's trusted device does (grant, decline, never). */
import { randomBytes } from 'node:crypto';
import type { SimRequest } from '../types.ts';
import type { AuthState, SimAccount } from './state.ts';
import { send, setCookie } from './wire.ts';

/** Apple: the consent holds about an hour ([S] "every 60 minutes"). */
export const PCS_TTL_MS = 60 * 60_000;
const WAITING = 'Requested the device to upload cookies.';

function grantCookies(state: AuthState, account: SimAccount): string[] {
  const expiresAt = state.now() + PCS_TTL_MS;
  return ['Photos', 'Sharing'].map((svc) => {
    const value = randomBytes(12).toString('base64url');
    state.pcsCookies.set(value, { appleId: account.appleId, expiresAt });
    return setCookie(`X-APPLE-WEBAUTH-PCS-${svc}`, value, expiresAt);
  });
}

/** What the trusted device has done about the current prompt, advancing 'grant' by one poll. */
function decide(state: AuthState, account: SimAccount): 'granted' | 'declined' | 'waiting' {
  const pcs = account.pcs;
  if (pcs.decided === 'declined') return 'declined';
  if (pcs.decided === 'granted' || pcs.grantedUntil > state.now()) return 'granted';
  const approval = account.faults.adpApproval;
  if (approval === 'deny') return 'declined';
  pcs.polls += 1;
  if (approval === 'grant' && pcs.polls > account.faults.adpApproveAfterPolls) return 'granted';
  return 'waiting';
}

/** POST /setup/ws/1/requestPCS {"appName":"photos","derivedFromUserAction":true}. */
export function requestPcs(state: AuthState, request: SimRequest): true {
  const session = state.webSessionOf(request);
  const account = session === null ? undefined : state.account(session.appleId);
  if (session === null || account === undefined || !session.verified) return send(request, { status: 421, body: { success: false, error: 'Missing X-APPLE-WEBAUTH-TOKEN cookie' } });
  if (account.faults.webAccessDisabled) return send(request, { status: 200, body: { isWebAccessAllowed: false, status: 'failure', message: 'Web access is disabled.' } });
  if (!account.faults.adp) return send(request, { status: 200, body: { isWebAccessAllowed: true, status: 'success', message: 'Cookies attached.' }, cookies: grantCookies(state, account) });
  const verdict = decide(state, account);
  if (verdict === 'granted') {
    account.pcs.grantedUntil = Math.max(account.pcs.grantedUntil, state.now() + PCS_TTL_MS);
    account.pcs.decided = undefined;
    account.pcs.polls = 0;
    return send(request, { status: 200, body: { isWebAccessAllowed: true, status: 'success', message: 'Cookies attached.' }, cookies: grantCookies(state, account) });
  }
  if (verdict === 'declined') {
    account.pcs.decided = undefined;
    return send(request, { status: 200, body: { isWebAccessAllowed: true, status: 'failure', message: 'The request was declined on the device.' } });
  }
  return send(request, { status: 200, body: { isWebAccessAllowed: true, status: 'failure', message: WAITING } });
}

/** Simulator control: the user taps Allow / Don't Allow on the trusted device (for 'pending' accounts). */
export function approvePcs(account: SimAccount, approve: boolean): void {
  account.pcs.decided = approve ? 'granted' : 'declined';
}
