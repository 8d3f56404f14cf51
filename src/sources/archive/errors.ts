/** @module Archive source errors: file system errors and unreadable manifests mapped to TransferErrors. */
import { fromSystemError, TransferError } from '../../core/transfer-error.ts';

export const CONNECTOR = 'archive';

export function toTransferError(err: unknown, what: string): TransferError {
  return fromSystemError(err, CONNECTOR, what);
}

export const badManifest = (why: string): TransferError =>
  new TransferError('invalid-input', `photoferry-manifest.jsonl: ${why}`, { connector: CONNECTOR });
