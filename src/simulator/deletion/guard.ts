/** @module What records/modify checks before trashing or restoring: the delete-burst throttle and the armed half-way refusals. */
import { randomUUID } from 'node:crypto';
import type { CkResult } from '../cloudkit/query.ts';
import type { Json } from '../cloudkit/http.ts';
import { asObj } from '../cloudkit/http.ts';
import type { DeletionState } from './deletion-state.ts';

/** An update that moves an asset into or out of Recently Deleted (the operations Apple throttles in bursts). */
export const isTrashOrRestore = (op: Json): boolean => 'isDeleted' in asObj(asObj(op['record'])['fields']);

/** What CloudKit answers a burst it will not serve: 503 TRY_AGAIN_LATER with Retry-After (icloudpd #1255). */
export const tryLater = (retryAfterSec: number): CkResult => ({
  status: 503, headers: { 'retry-after': String(retryAfterSec) },
  body: { uuid: randomUUID(), serverErrorCode: 'TRY_AGAIN_LATER', reason: 'Service Temporarily Unavailable' },
});

export function guardModify(d: DeletionState, trashOps: number): { refuse?: CkResult; halfway: boolean } {
  if (trashOps === 0) return { halfway: false };
  const retryAfter = d.admit(trashOps);
  if (retryAfter !== undefined) return { refuse: { ...tryLater(retryAfter), delayMs: d.faults.modifyDelayMs }, halfway: false };
  return { halfway: d.refuseHalfway() };
}
