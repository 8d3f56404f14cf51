/** @module An account's pacer shared through the catalog (PostgreSQL): the bucket's shape for the whole cluster. */
import type { SharedPacing } from '../sources/define.ts';
import type { BucketShape } from '../catalog/repositories/pacer.ts';
import type { AppContext } from './context.ts';

/** Requests per second per account for all workers together when the remote does not say (a lone process: ≤ 50/s). */
export const DEFAULT_REQUESTS_PER_SECOND = 50;

/**
 * The cluster bucket for `requestsPerSecond`. The burst saved while idle is a tenth of a second's worth: any one second
 * then holds at most 1.1 × the rate, where a burst of a whole second's worth let a second hold twice the rate, and
 * Apple refuses what goes over its per-account ceiling.
 */
export const accountShape = (requestsPerSecond: number): BucketShape =>
  ({ rate: requestsPerSecond, burst: Math.max(1, Math.ceil(requestsPerSecond / 10)) });

export function sharedPacing(ctx: AppContext, account: string, requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND): SharedPacing {
  const pacer = ctx.catalog.pacer;
  const shape = accountShape(requestsPerSecond);
  return {
    take: (want) => pacer.take(account, want, shape),
    cooldown: (until) => pacer.cooldown(account, until, shape),
    lease: (holder, ttlMs) => pacer.lease(account, holder, ttlMs, shape),
    release: (holder) => pacer.release(account, holder),
  };
}
