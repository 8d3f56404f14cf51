/** @module The closed set of failure kinds every connector maps its errors to; the engine decides on the kind alone. */

export const TRANSFER_ERROR_KINDS = [
  'not-found', 'auth-required', 'rate-limited', 'transient', 'conflict',
  'quota-exceeded', 'unsupported', 'corrupted', 'permanent', 'cancelled', 'invalid-input',
] as const;
export type TransferErrorKind = (typeof TRANSFER_ERROR_KINDS)[number];

export interface TransferErrorOptions {
  readonly connector: string;
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

export class TransferError extends Error {
  override readonly name = 'TransferError';
  readonly kind: TransferErrorKind;
  readonly connector: string;
  readonly retryAfterMs: number | undefined;

  constructor(kind: TransferErrorKind, message: string, options: TransferErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.connector = options.connector;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Worth trying again later without anything changing on the user's side. */
  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'transient' || this.kind === 'corrupted';
  }
}

export const isTransferError = (err: unknown): err is TransferError => err instanceof TransferError;

/** Node's system errors by code, for connectors that touch the file system or sockets. */
export function fromSystemError(err: unknown, connector: string, what: string): TransferError {
  if (isTransferError(err)) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = err instanceof Error ? err.message : String(err);
  const make = (kind: TransferErrorKind, text: string) =>
    new TransferError(kind, `${what}: ${text}`, { connector, cause: err });
  switch (code) {
    case 'ENOENT': return make('not-found', 'no such file or directory');
    case 'EACCES': case 'EPERM': case 'EROFS': return make('permanent', `permission denied (${code})`);
    case 'ENOSPC': case 'EDQUOT': return make('quota-exceeded', 'no space left on the destination');
    case 'ENAMETOOLONG': return make('invalid-input', 'file name too long');
    case 'EEXIST': return make('conflict', 'already exists');
    case 'ABORT_ERR': return make('cancelled', 'cancelled');
    case 'ECONNRESET': case 'ETIMEDOUT': case 'EPIPE': case 'ECONNREFUSED': case 'EAI_AGAIN': case 'EBUSY': case 'EMFILE':
      return make('transient', reason);
    default:
      if ((err as Error | undefined)?.name === 'AbortError') return make('cancelled', 'cancelled');
      return make('permanent', reason);
  }
}
