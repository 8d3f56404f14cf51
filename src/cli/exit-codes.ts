/** @module CLI exit codes: the only place they are defined. */
import { TransferError } from '../core/transfer-error.ts';
import { UsageError } from '../core/usage-error.ts';
import { isVaultError } from '../app/vault-errors.ts';

export const EXIT = {
  ok: 0,
  someFailed: 1,
  usage: 2,
  authRequired: 3,
  notFound: 4,
  permanent: 5,
  /** Temporary on the service's side (library still indexing, throttled past every retry): run again later (sysexits EX_TEMPFAIL). */
  tryLater: 75,
  cancelled: 130,
} as const;

export function exitCodeOf(err: unknown): number {
  // A locked vault is not a typo: the user must unlock it (PHOTOFERRY_PASSPHRASE or a terminal), like signing in.
  if (isVaultError(err) && err.reason === 'locked') return EXIT.authRequired;
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof TransferError) {
    switch (err.kind) {
      case 'auth-required': return EXIT.authRequired;
      case 'invalid-input': return EXIT.usage;
      case 'not-found': return EXIT.notFound;
      case 'cancelled': return EXIT.cancelled;
      case 'rate-limited': case 'transient': return EXIT.tryLater;
      // A daily quota (Google Photos) says when it resets: run again then.
      case 'quota-exceeded': return err.retryAfterMs !== undefined ? EXIT.tryLater : EXIT.permanent;
      default: return EXIT.permanent;
    }
  }
  return EXIT.permanent;
}
