/** @module Immich failures in the user's words, each naming the fix: HTTP statuses, "not Immich", proxies, sockets. */
import { TransferError, type TransferErrorKind, isTransferError } from '../../core/transfer-error.ts';
import { ImmichHttpError, NotImmichError } from './api/client.ts';

export const KIND = 'immich';

const KEY_HELP = 'create a key in Immich (Account Settings → API Keys) and store it with `photoferry remote add NAME immich url=… apiKey=…`';
const SOCKET_TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function fromStatus(e: ImmichHttpError): [TransferErrorKind, string] {
  const said = e.serverMessage ? ` (Immich said: ${e.serverMessage})` : '';
  if (e.status === 401) return ['auth-required', `Immich refused the API key (HTTP 401)${said}: ${KEY_HELP}`];
  if (e.status === 403) return ['permanent', `the API key may not do this (HTTP 403)${said}: edit the key in Immich (Account Settings → API Keys) and grant the permission named`];
  if (e.status === 404) return ['not-found', `not found (HTTP 404)${said}`];
  if (e.status === 413) {
    return ['permanent', 'something in front of Immich refuses bodies this large (HTTP 413 Payload Too Large), typically a reverse proxy or '
      + 'Cloudflare (100 MB on its free plan): point `url` at the server directly (LAN address or a tunnel without a body limit), '
      + 'or raise the proxy\'s limit (nginx: client_max_body_size 0)'];
  }
  if (e.status === 429) return ['rate-limited', 'too many requests (HTTP 429)'];
  if (e.status === 507) return ['quota-exceeded', `the Immich server is out of space or over the user's quota (HTTP 507)${said}`];
  if (e.status >= 500) return ['transient', `Immich server error (HTTP ${e.status})${said}`];
  if (e.status === 400) return ['permanent', `Immich rejected the request (HTTP 400)${said}`];
  return ['permanent', `unexpected HTTP ${e.status}${said}`];
}

/** Maps anything the client or undici throws; `what` names the operation for the message. */
export function toTransferError(err: unknown, what: string): TransferError {
  if (isTransferError(err)) return err;
  const make = (kind: TransferErrorKind, text: string, retryAfterMs?: number) =>
    new TransferError(kind, `${what}: ${text}`, { connector: KIND, cause: err, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  if (err instanceof ImmichHttpError) {
    if (!err.contentType.includes('json') && err.status !== 413 && err.status < 500) {
      return make('permanent', `the server is not answering like Immich (HTTP ${err.status}, ${err.contentType || 'no content type'}): set url to the Immich server's address, e.g. https://photos.example.com, without a path`);
    }
    const [kind, text] = fromStatus(err);
    return make(kind, text, err.retryAfterMs);
  }
  if (err instanceof NotImmichError) {
    return make('permanent', `${err.message}; this URL is not an Immich server: set url to the Immich server's address, e.g. https://photos.example.com, without a path`);
  }
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (e?.name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') return make('cancelled', 'cancelled');
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') return make('corrupted', 'the body length differed from the declared size');
  if (code === 'ECONNREFUSED') return make('transient', 'nothing accepts connections at the URL: check the host and port and that Immich is running');
  if (code !== undefined && SOCKET_TRANSIENT.has(code)) return make('transient', `connection problem (${code}): ${message}`);
  if (code === 'ENOTFOUND') return make('permanent', `host not found (${message}): check the url`);
  return make('transient', message);
}
