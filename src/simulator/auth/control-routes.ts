/** @module Simulator-only controls for the auth half (`/__sim/code`, `/__sim/auth/*`): for tests and the demo, never for the client. */
import { z } from 'zod';
import type { SimRequest } from '../types.ts';
import type { AuthState } from './state.ts';
import { approvePcs } from './pcs-routes.ts';
import { send } from './wire.ts';

export const CODE_PEEK_PATH = '/__sim/code';

const faultsBody = z.object({
  signinUnavailable: z.number().int().min(0).optional(),
  validateUnavailable: z.number().int().min(0).optional(),
  codeLockoutAfter: z.number().int().min(1).optional(),
  /** Apple as of 2026 (no push until asked, bridge phones, 409 code answers, -20283) or as recorded before. */
  apple2026: z.boolean().optional(),
  /** Per-account knobs, applied to `appleId`. */
  appleId: z.string().optional(),
  account: z.object({
    adp: z.boolean(), webAccessDisabled: z.boolean(), domainToUse: z.string().nullable(), locked: z.boolean(), fidoOnly: z.boolean(), photosDisabled: z.boolean(),
    code409: z.enum(['auto', 'none', 'token', 'no-token']), appSpecificPassword: z.boolean(),
    adpApproval: z.enum(['grant', 'deny', 'pending']), adpApproveAfterPolls: z.number().int().min(0),
  }).partial().optional(),
});

/**
 * GET /__sim/code?appleId= → {code} (what the user would read on their phone);
 * POST /__sim/auth/faults → global and per-account fault knobs; POST /__sim/auth/approve {appleId, approve} → the ADP
 * prompt on the trusted device is answered; POST /__sim/auth/expire {appleId?} → sessions end (421/450 mid-run).
 */
export function controlRoutes(state: AuthState, request: SimRequest): boolean {
  const path = request.url.pathname;
  const method = request.req.method ?? 'GET';
  if (method === 'GET' && path === CODE_PEEK_PATH) {
    const code = state.lastCode(request.url.searchParams.get('appleId') ?? '');
    return send(request, code === undefined ? { status: 404, body: { error: 'no code issued' } } : { status: 200, body: { code } });
  }
  if (method === 'POST' && path === '/__sim/auth/faults') {
    const body = faultsBody.safeParse(request.body);
    if (!body.success) return send(request, { status: 400, body: { error: body.error.issues[0]?.message ?? 'bad body' } });
    const { appleId, account, apple2026, ...global } = body.data;
    for (const [k, v] of Object.entries(global)) if (v !== undefined) state.faults[k as keyof typeof global] = v;
    if (apple2026 !== undefined) state.apple2026 = apple2026;
    if (account !== undefined) {
      const target = appleId === undefined ? undefined : state.account(appleId);
      if (target === undefined) return send(request, { status: 404, body: { error: 'unknown appleId' } });
      for (const [k, v] of Object.entries(account)) if (v !== undefined) Object.assign(target.faults, { [k]: v });
    }
    return send(request, { status: 200, body: { faults: state.faults } });
  }
  if (method === 'POST' && path === '/__sim/auth/approve') {
    const body = z.object({ appleId: z.string(), approve: z.boolean() }).safeParse(request.body);
    const target = body.success ? state.account(body.data.appleId) : undefined;
    if (!body.success || target === undefined) return send(request, { status: 404, body: { error: 'unknown appleId' } });
    approvePcs(target, body.data.approve);
    return send(request, { status: 200, body: { approved: body.data.approve } });
  }
  if (method === 'POST' && path === '/__sim/auth/expire') {
    const appleId = z.object({ appleId: z.string() }).safeParse(request.body);
    state.expireSessions(appleId.success ? appleId.data.appleId : undefined);
    return send(request, { status: 200, body: { expired: true } });
  }
  return false;
}
