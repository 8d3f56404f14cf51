/** @module iCloud failures as TransferErrors: typed constructors with the user's next step, and toTransferError for the rest. */
import { TransferError, isTransferError, type TransferErrorKind } from '../../core/transfer-error.ts';

export const CONNECTOR = 'icloud';

/** Why an iCloud operation failed, finer than the TransferError kind; tests and the CLI branch on it. */
export type IcloudErrorReason =
  | 'wrong-password' | 'password-missing' | 'wrong-code' | 'code-locked' | 'code-not-sent' | 'account-locked'
  | 'adp-enabled' | 'web-access-disabled' | 'wrong-region' | 'photos-not-enabled' | 'library-indexing'
  | 'security-key-unsupported' | 'mfa-required' | 'session-expired' | 'terms-update-needed'
  | 'rate-limited' | 'unavailable' | 'unexpected-response' | 'network' | 'cancelled'
  | 'app-specific-password' | 'code-conflict' | 'pcs-not-approved' | 'protocol-loop';

export class IcloudError extends TransferError {
  readonly reason: IcloudErrorReason;
  constructor(kind: TransferErrorKind, reason: IcloudErrorReason, message: string, extra: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(kind, message, { connector: CONNECTOR, ...extra });
    this.reason = reason;
  }
}

/** The CLI command that signs in again (the account may also be given as the name of an icloud remote). */
const signInCommand = (appleId = '<Apple ID>') => `\`photoferry auth icloud ${appleId}\``;

const authRequired = (reason: IcloudErrorReason, message: string) => new IcloudError('auth-required', reason, message);

/** Typed constructors; every message ends with what the user should do next and never carries a secret. */
export const icloudErrors = {
  wrongPassword: (appleId: string) => authRequired('wrong-password',
    `Apple rejected the password for ${appleId}. Check the Apple ID and password, then run ${signInCommand(appleId)} again.`),
  passwordMissing: (appleId: string) => authRequired('password-missing',
    `No password is stored for ${appleId} and the saved session is no longer valid. Run ${signInCommand(appleId)} to sign in.`),
  wrongCode: (appleId?: string) => authRequired('wrong-code',
    `The verification code was wrong or has expired. Run ${signInCommand(appleId)} again and enter the newest code Apple sent.`),
  codeLocked: (appleId?: string) => authRequired('code-locked',
    `Too many wrong verification codes: Apple has locked code entry for now. Wait a while (or unlock your account at https://iforgot.apple.com), then run ${signInCommand(appleId)} again.`),
  /** 2026: SRP signin/complete refuses app-specific passwords with service error -20283. */
  appSpecificPassword: (appleId: string) => authRequired('app-specific-password',
    `Apple refused the password for ${appleId}: use your Apple ID password, not an app-specific password. Then run ${signInCommand(appleId)} again.`),
  /** 2026: HTTP 409 on a code with no new session token (rclone #9730): the code route is stuck, SMS works. */
  codeConflict: (appleId: string, smsHint: string) => authRequired('code-conflict',
    `Apple answered the verification code for ${appleId} with HTTP 409 and no session, so this sign-in cannot finish with a device code. Use the SMS route instead: run ${signInCommand(appleId)} --phone ${smsHint} and enter the code Apple texts you.`),
  pcsNotApproved: (appleId: string, why: 'declined' | 'timeout', waitedSec: number) => authRequired('pcs-not-approved',
    `Advanced Data Protection is on for ${appleId} and ${why === 'declined' ? 'the request to read iCloud Photos was declined on your trusted device' : `nobody approved the request to read iCloud Photos on a trusted device within ${Math.round(waitedSec)} s`}. Run ${signInCommand(appleId)} again and approve the prompt on your iPhone (it must be unlocked and online). Otherwise: Turn it off on your iPhone (Settings > [your name] > iCloud > Advanced Data Protection).`),
  codeNotSent: (detail: string) => authRequired('code-not-sent',
    `Apple could not send a verification code (${detail}). Check your trusted devices and phone numbers at https://appleid.apple.com, then try again.`),
  accountLocked: (appleId?: string) => authRequired('account-locked',
    `This Apple Account is locked. Unlock it at https://iforgot.apple.com, then run ${signInCommand(appleId)} again.`),
  adpEnabled: () => authRequired('adp-enabled',
    'Advanced Data Protection is on for this Apple Account, so iCloud Photos cannot be read from the web. Turn it off on your iPhone (Settings > [your name] > iCloud > Advanced Data Protection), or also allow "Access iCloud Data on the Web" and approve the request on your device, then try again.'),
  /** CloudKit ACCESS_DENIED: ADP without PCS consent, but Apple also sends it when throttling an account. */
  accessDenied: () => authRequired('adp-enabled',
    'Apple denied access to the iCloud Photos database ("private db access disabled"). Usually Advanced Data Protection is on: turn it off on your iPhone (Settings > [your name] > iCloud > Advanced Data Protection). If it is off, Apple is throttling this account after too many syncs: pause syncing for an hour, then try again.'),
  webAccessDisabled: () => authRequired('web-access-disabled',
    '"Access iCloud Data on the Web" is off for this Apple Account. Turn it on on your iPhone (Settings > [your name] > iCloud > Access iCloud Data on the Web), then try again.'),
  wrongRegion: (domainToUse: string) => authRequired('wrong-region', /\.cn$/i.test(domainToUse)
    ? `Apple says this account belongs to ${domainToUse} (China mainland accounts use a separate service). Set the source's setup URL to https://setup.icloud.com.cn/setup/ws/1 (the auth URL may stay https://idmsa.apple.com/appleauth/auth), e.g. \`photoferry remote add NAME icloud appleId=… setupUrl=https://setup.icloud.com.cn/setup/ws/1\`, then sign in again with ${signInCommand('NAME')}.`
    : `Apple says this account belongs to ${domainToUse}, not the configured host. Set the source's setup URL to https://setup.icloud.com/setup/ws/1 and the auth URL to https://idmsa.apple.com/appleauth/auth, then sign in again.`),
  photosNotEnabled: () => authRequired('photos-not-enabled',
    'iCloud Photos is not enabled for this account (or its setup is unfinished). Turn on iCloud Photos on a device and open https://www.icloud.com/photos once, then try again.'),
  libraryIndexing: (progress?: number) => new IcloudError('transient', 'library-indexing',
    `iCloud is still indexing this photo library${progress === undefined ? '' : ` (${progress}% done)`}. This can take hours after iCloud Photos is first enabled; try again later.`),
  securityKeyUnsupported: () => authRequired('security-key-unsupported',
    'This Apple Account uses security keys (FIDO) for two-factor authentication, which photoferry cannot use: iCloud rejects such web sessions for Photos. Remove the security keys from the account at https://appleid.apple.com to use code-based 2FA, or use another export method.'),
  mfaRequired: (appleId?: string) => authRequired('mfa-required',
    `2FA needed: run ${signInCommand(appleId)} interactively or use the dashboard (Apple wants a two-factor code and no terminal is attached).`),
  sessionExpired: (appleId: string) => authRequired('session-expired',
    `The iCloud session for ${appleId} has expired and cannot be renewed without you. Run ${signInCommand(appleId)} to sign in again.`),
  termsUpdateNeeded: () => authRequired('terms-update-needed',
    'Apple needs you to accept updated iCloud terms. Sign in once at https://www.icloud.com and accept them, then try again.'),
  rateLimited: (retryAfterMs: number | undefined, what = 'Apple') => new IcloudError('rate-limited', 'rate-limited',
    `${what} is temporarily refusing requests (throttled). photoferry will wait and retry; if it persists, pause syncs for a while.`,
    retryAfterMs === undefined ? {} : { retryAfterMs }),
  unexpected: (what: string, cause?: unknown) => new IcloudError('permanent', 'unexpected-response',
    `Unexpected answer from Apple (${what}). Apple may have changed its sign-in protocol; please report this with \`--verbose\` logs.`,
    cause === undefined ? {} : { cause }),
};

/** A non-success HTTP answer from Apple, kept raw until the caller maps it. Its message holds no body (bodies may carry tokens). */
export class AppleHttpError extends Error {
  override readonly name = 'AppleHttpError';
  constructor(readonly what: string, readonly status: number, readonly headers: Headers, readonly body: unknown) {
    super(`${what}: HTTP ${status}`);
  }
}

/** Retry-After in ms, from seconds or an HTTP date. */
export function retryAfterMs(headers: Headers): number | undefined {
  const raw = headers.get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const bodyField = (body: unknown, key: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;

/** Maps a raw Apple HTTP failure (idmsa, setup or CloudKit) to a TransferError. */
export function fromAppleResponse(err: AppleHttpError): TransferError {
  const { status, headers, body, what } = err;
  const code = String(bodyField(body, 'serverErrorCode') ?? '');
  const text = `${String(bodyField(body, 'reason') ?? '')} ${String(bodyField(body, 'error') ?? '')}`;
  if (/no auth method found/i.test(text)) return icloudErrors.securityKeyUnsupported();
  if (code === 'ACCESS_DENIED' || /private db access disabled/i.test(text)) return icloudErrors.accessDenied();
  if (code === 'ZONE_NOT_FOUND' || code === 'AUTHENTICATION_FAILED') return icloudErrors.photosNotEnabled();
  if (status === 429 || status === 503 || ['THROTTLED', 'TRY_AGAIN_LATER', 'RETRY_LATER', 'CAS_OP_LOCK'].includes(code)) {
    return icloudErrors.rateLimited(retryAfterMs(headers));
  }
  if (status === 401 || status === 421 || status === 450 || code === 'AUTHENTICATION_REQUIRED') {
    return new IcloudError('auth-required', 'session-expired', `${what}: the iCloud session has expired; sign in again with ${signInCommand()}.`, { cause: err });
  }
  if (status >= 500) return new IcloudError('transient', 'unavailable', `${what}: Apple answered HTTP ${status}; will retry.`, { cause: err });
  if (status === 404) return new TransferError('not-found', `${what}: not found (HTTP 404)`, { connector: CONNECTOR, cause: err });
  return new IcloudError('permanent', 'unexpected-response', `${what}: Apple answered HTTP ${status}.`, { cause: err });
}

/** The one mapping every iCloud call goes through: TransferErrors pass, Apple answers and network faults are classified. */
export function toTransferError(err: unknown): TransferError {
  if (isTransferError(err)) return err;
  if (err instanceof AppleHttpError) return fromAppleResponse(err);
  const name = (err as Error | undefined)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new IcloudError('cancelled', 'cancelled', 'Cancelled.', { cause: err });
  }
  if (err instanceof TypeError && /fetch failed|network|socket/i.test(err.message)) {
    return new IcloudError('transient', 'network', `Could not reach Apple: ${err.message}. Check the network connection.`, { cause: err });
  }
  return new IcloudError('permanent', 'unexpected-response', err instanceof Error ? err.message : String(err), { cause: err });
}
