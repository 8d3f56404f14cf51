/** @module toTransferError: ssh2 / SFTP status codes and socket errors mapped to the closed set of TransferError kinds. */
import { TransferError, type TransferErrorKind, isTransferError } from '../../core/transfer-error.ts';

export const KIND = 'sftp';

/** SFTP status codes (draft-ietf-secsh-filexfer-02 §7) that ssh2 puts in `err.code`. */
const SFTP_STATUS: Record<number, [TransferErrorKind, string]> = {
  2: ['not-found', 'no such file'],
  3: ['permanent', 'permission denied by the server'],
  4: ['permanent', 'the server reported a failure (often: disk full, or the target is a folder)'],
  5: ['permanent', 'bad message'],
  6: ['transient', 'no connection'],
  7: ['transient', 'connection lost'],
  8: ['unsupported', 'operation not supported by this server'],
};

const SOCKET_TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);

/** Maps anything ssh2 / ssh2-sftp-client throws; `what` names the operation and path for the message. */
export function toTransferError(err: unknown, what: string): TransferError {
  if (isTransferError(err)) return err;
  const e = err as { code?: unknown; level?: unknown; message?: unknown; name?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const make = (kind: TransferErrorKind, text: string) => new TransferError(kind, `${what}: ${text}`, { connector: KIND, cause: err });

  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return make('cancelled', 'cancelled');
  if (typeof e?.code === 'number') {
    const known = SFTP_STATUS[e.code];
    if (known) return make(known[0], `${known[1]} (${message})`);
  }
  if (e?.level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return make('auth-required', 'login refused: wrong username, password or key, or the key is not in authorized_keys');
  }
  if (/encrypted private .*key.*passphrase|bad passphrase|cannot parse privatekey|unsupported key format/i.test(message)) {
    return make('auth-required', `the private key could not be used: ${message} (check privateKey and passphrase)`);
  }
  if (typeof e?.code === 'string' && SOCKET_TRANSIENT.has(e.code)) return make('transient', `${e.code}: ${message}`);
  if (e?.code === 'ENOTFOUND') return make('permanent', `host not found (${message})`);
  if (/timed out|not connected|no response|connection lost|socket|channel (open|close)|end of file/i.test(message)) {
    return make('transient', message);
  }
  return make('permanent', message);
}
