/** @module toTransferError: WebDAV statuses and undici socket errors mapped to the closed set of TransferError kinds. */
import { TransferError, type TransferErrorKind, isTransferError } from '../../core/transfer-error.ts';
import { DavStatusError } from './api/dav-client.ts';

export const KIND = 'webdav';

const SOCKET_TRANSIENT = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

function fromStatus(err: DavStatusError): [TransferErrorKind, string] {
  const s = err.status;
  if (s === 401) return ['auth-required', 'the server refused the username or password (HTTP 401); check username and password (an app password if the account uses 2FA)'];
  if (s === 403) return ['permanent', 'permission denied (HTTP 403): the account may not write here, or the server forbids this name'];
  if (s === 404) return ['not-found', 'not found (HTTP 404)'];
  if (s === 405) return ['permanent', 'method not allowed here (HTTP 405): is the URL a WebDAV folder?'];
  if (s === 409) return ['conflict', 'conflict (HTTP 409): the parent folder is missing or a file is in the way'];
  if (s === 412) return ['conflict', 'precondition failed (HTTP 412)'];
  if (s === 413) return ['permanent', 'the server refuses a file this large (HTTP 413); on Nextcloud enable chunked uploads'];
  if (s === 423) return ['transient', 'the file is locked by another client (HTTP 423)'];
  if (s === 429) return ['rate-limited', 'too many requests (HTTP 429)'];
  if (s === 507) return ['quota-exceeded', 'the server is out of space or the account over quota (HTTP 507 Insufficient Storage)'];
  if (s >= 500) return ['transient', `server error (HTTP ${s})`];
  return ['permanent', `unexpected HTTP ${s}`];
}

/** Maps anything the DAV client or undici throws; `what` names the operation and path for the message. */
export function toTransferError(err: unknown, what: string): TransferError {
  if (isTransferError(err)) return err;
  const retry = (kind: TransferErrorKind, text: string, retryAfterMs?: number) =>
    new TransferError(kind, `${what}: ${text}`, { connector: KIND, cause: err, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  if (err instanceof DavStatusError) {
    const [kind, text] = fromStatus(err);
    return retry(kind, text, err.retryAfterMs);
  }
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (e?.name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') return retry('cancelled', 'cancelled');
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') return retry('corrupted', 'the body length differed from the declared size');
  if (code !== undefined && SOCKET_TRANSIENT.has(code)) return retry('transient', `connection problem (${code}): ${message}`);
  if (code === 'ENOTFOUND') return retry('permanent', `host not found (${message})`);
  if (code === 'ERR_INVALID_URL') return retry('invalid-input', `invalid URL (${message})`);
  return retry('transient', message);
}
