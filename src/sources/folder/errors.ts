/** @module Folder source errors: Node's system errors mapped to TransferErrors. */
import { fromSystemError, TransferError } from '../../core/transfer-error.ts';

export const CONNECTOR = 'folder';

export function toTransferError(err: unknown, what: string): TransferError {
  return fromSystemError(err, CONNECTOR, what);
}

/** Like `signal.throwIfAborted()`, but with the TransferError the Source contract promises. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new TransferError('cancelled', 'cancelled', { connector: CONNECTOR, cause: signal.reason });
}
