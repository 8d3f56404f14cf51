/** @module Folder source errors: Node's system errors mapped to TransferErrors. */
import { fromSystemError, type TransferError } from '../../core/transfer-error.ts';

export const CONNECTOR = 'folder';

export function toTransferError(err: unknown, what: string): TransferError {
  return fromSystemError(err, CONNECTOR, what);
}
