/** @module Retry policy by TransferError kind: exponential backoff with jitter, honouring Retry-After. */
import { TransferError, isTransferError } from '../core/transfer-error.ts';

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

const MAX_RETRY_AFTER_MS = 15 * 60_000;

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 };

/** Kinds after which nothing else in the run can succeed: stop the run instead of failing asset by asset. */
export const isFatal = (err: TransferError): boolean =>
  err.kind === 'auth-required' || err.kind === 'quota-exceeded' || err.kind === 'cancelled';

export function asTransferError(err: unknown, connector = 'engine'): TransferError {
  if (isTransferError(err)) return err;
  if ((err as Error | undefined)?.name === 'AbortError') return new TransferError('cancelled', 'cancelled', { connector, cause: err });
  return new TransferError('permanent', err instanceof Error ? err.message : String(err), { connector, cause: err });
}

/** Milliseconds to wait before attempt `attempt` (1-based retry count), or null when no retry is due. */
export function retryDelay(err: TransferError, attempt: number, policy: RetryPolicy, random = Math.random): number | null {
  if (!err.retryable || attempt >= policy.attempts) return null;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + random() * exponential / 2;
  // The server's Retry-After wins over our own cap (bounded, so a bogus header cannot stall a run for days).
  return Math.max(Math.min(jittered, policy.maxDelayMs), Math.min(err.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) { reject(signal.reason as Error); return; }
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal.reason as Error); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
