/** @module toTransferError: AWS SDK / S3 errors → the closed set of TransferError kinds, in the user's terms. */
import { TransferError, type TransferErrorKind } from '../../core/transfer-error.ts';

const CONNECTOR = 's3';

/** What the failing call was about, so the message can name the bucket and the file. */
export interface S3ErrorContext {
  readonly bucket?: string;
  readonly key?: string;
  readonly endpoint?: string;
  /** Short verb phrase: "upload", "list", "check bucket". */
  readonly op?: string;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH',
  'EHOSTUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);
const THROTTLE = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'TooManyRequestsException',
  'RequestLimitExceeded', 'RequestThrottled', 'ServiceUnavailable', 'ProvisionedThroughputExceededException']);
const BAD_KEYS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired',
  'InvalidSecurity', 'CredentialsProviderError', 'AuthorizationHeaderMalformed']);
const CORRUPTED = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch', 'IncompleteBody', 'InvalidChecksum']);

/** Seconds or an HTTP date, as servers send it; 1 s when absent (S3 sends no Retry-After with SlowDown). */
function retryAfterMs(headers: Record<string, string | undefined> | undefined): number {
  const raw = headers?.['retry-after'];
  if (raw === undefined) return 1000;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - Date.now());
}

/** Maps anything an S3 call threw. A TransferError passes through unchanged. */
export function toTransferError(err: unknown, context: S3ErrorContext = {}): TransferError {
  if (err instanceof TransferError) return err;
  const e = (err ?? {}) as SdkErrorShape;
  const code = e.Code ?? e.name ?? e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const bucket = context.bucket ? `bucket "${context.bucket}"` : 'the bucket';
  const where = context.endpoint ? ` at ${context.endpoint}` : '';
  const file = context.key ? ` "${context.key}"` : '';
  const op = context.op ?? 'S3 request';
  const detail = e.message && e.message !== code ? ` (${code}: ${e.message})` : code ? ` (${code})` : '';
  const make = (kind: TransferErrorKind, text: string, retryAfter?: number) =>
    new TransferError(kind, `${op}${file}: ${text}`, {
      connector: CONNECTOR, cause: err, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    });
  const sysCode = (err as NodeJS.ErrnoException | undefined)?.code;

  if (code === 'AbortError' || sysCode === 'ABORT_ERR') return make('cancelled', 'cancelled');
  if (code === 'NoSuchBucket') {
    return make('permanent', `${bucket} does not exist${where}; check the bucket name, the region and the endpoint, or create the bucket`);
  }
  if (code === 'NoSuchKey' || (code === 'NotFound' && status === 404)) return make('not-found', 'no such file in the bucket');
  if (BAD_KEYS.has(code)) {
    return make('auth-required', `the access key was rejected${where}${detail}; check the access key id and secret (and the region)`);
  }
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || code === 'AccountProblem' || (code === 'Forbidden' && status === 403)) {
    return make('auth-required', `access denied to ${bucket}${where}; the key is valid but not allowed to do this (check the bucket policy or key permissions)${detail}`);
  }
  if (code === 'RequestTimeTooSkewed') {
    return make('permanent', "this computer's clock differs from the storage server's by more than 15 minutes; fix the system time (enable NTP)");
  }
  if (code === 'PermanentRedirect' || code === 'IllegalLocationConstraintException' || status === 301) {
    return make('invalid-input', `${bucket} is in a different region than configured; set the region option to the bucket's region`);
  }
  if (code === 'InvalidBucketName') return make('invalid-input', `${bucket} is not a valid bucket name`);
  if (code === 'ObjectLockConfigurationNotFoundError') {
    return make('invalid-input', `${bucket} does not have Object Lock enabled, but retention was asked for; enable Object Lock on the bucket or remove the objectLock options`);
  }
  if (code === 'QuotaExceeded' || code === 'StorageQuotaExceeded' || code === 'InsufficientStorage' || status === 507) {
    return make('quota-exceeded', `the storage quota of ${bucket} is used up${detail}`);
  }
  if (code === 'EntityTooLarge') return make('invalid-input', `the file is larger than the storage accepts${detail}`);
  if (CORRUPTED.has(code)) return make('corrupted', `the server received different bytes than were sent${detail}`);
  if (THROTTLE.has(code) || status === 429 || status === 503) {
    return make('rate-limited', `the storage server asks to slow down${detail}`, retryAfterMs(e.$response?.headers));
  }
  if (code === 'NoSuchUpload') return make('transient', 'the unfinished upload expired on the server; it will start over');
  if (code === 'NotImplemented' || status === 501) return make('unsupported', `the S3 server${where} does not support this${detail}`);
  if (code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || status === 409 || status === 412) {
    return make('conflict', `the file changed on the server meanwhile${detail}`);
  }
  if (code === 'InvalidObjectState') return make('permanent', `the file is archived (e.g. Glacier) and must be restored first${detail}`);
  if (code === 'RequestTimeout' || code === 'TimeoutError' || code === 'InternalError' || code === 'OperationAborted'
    || (sysCode !== undefined && NETWORK_CODES.has(sysCode)) || (status !== undefined && status >= 500)
    || /socket hang up|ECONNRESET|EPIPE|premature close|network|aborted/i.test(e.message ?? '')) {
    return make('transient', `the connection to the storage server failed${where}${detail}; it is worth trying again`);
  }
  return make('permanent', `failed${detail || `: ${String(err)}`}`);
}
