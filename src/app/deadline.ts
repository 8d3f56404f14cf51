/** @module A promise with a deadline: past it the caller gets a transient error and the work is aborted, not awaited. */
import { TransferError } from '../core/transfer-error.ts';

export async function withDeadline<T>(work: Promise<T>, ms: number, controller: AbortController, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TransferError('transient', message, { connector: 'deadline' });
      controller.abort(err);
      reject(err);
    }, ms);
  });
  // Work that fails after the deadline has no one left to tell.
  work.catch(() => {});
  try { return await Promise.race([work, late]); } finally { clearTimeout(timer); }
}
