/** @module An account's pacer shared through the catalog (PostgreSQL): the bucket's shape for the whole cluster. */
import type { SharedPacing } from '../sources/define.ts';
import type { AppContext } from './context.ts';

/**
 * Requests per second per account for all workers together, and the burst saved while idle. One process alone paces
 * itself to ≤ 50/s (20 ms spacing); the cluster as a whole keeps to the same, however many workers there are.
 */
export const ACCOUNT_SHAPE = { rate: 50, burst: 50 } as const;

export function sharedPacing(ctx: AppContext, account: string, shape: { rate: number; burst: number } = ACCOUNT_SHAPE): SharedPacing {
  const pacer = ctx.catalog.pacer;
  return {
    take: (want) => pacer.take(account, want, shape),
    cooldown: (until) => pacer.cooldown(account, until, shape),
    lease: (holder, ttlMs) => pacer.lease(account, holder, ttlMs, shape),
    release: (holder) => pacer.release(account, holder),
  };
}
