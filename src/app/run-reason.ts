/**
 * @module Why a task run stopped, in the dashboard's words (never a CLI command), and which notification it raises.
 * One place decides "needs sign-in" and "destination unreachable", so the run row, the task badge and the email agree.
 */
import { isTransferError } from '../core/transfer-error.ts';
import { UsageError } from '../core/usage-error.ts';
import type { NotificationEventName } from './notify.ts';

export interface StopReason { readonly code: string; readonly message: string }

/** A run stopped because iCloud wants a new sign-in (expired session, revoked trust, new 2FA code). */
export const SIGN_IN_NEEDED = 'auth-required';
export const DESTINATION_UNREACHABLE = 'destination-unreachable';

/** CLI advice ("run `photoferry auth icloud …`") means nothing in a browser: those sentences are dropped. */
export function browserWords(message: string): string {
  const sentences = message.split(/(?<=[.!?])\s+/);
  const kept = sentences.filter((s) => !/`[^`]*photoferry[^`]*`|"photoferry [^"]*"|photoferry (auth|remote|runs|copy|sync|serve)\b/.test(s));
  return (kept.length > 0 ? kept.join(' ') : '').replace(/[\s—–-]+use one of.*$/s, '').trim();
}

export function stopReason(err: unknown, destinationKinds: readonly string[], destinationName: string): StopReason {
  if (isTransferError(err)) {
    if (err.kind === 'auth-required' && !destinationKinds.includes(err.connector)) {
      return { code: SIGN_IN_NEEDED, message: `iCloud needs you to sign in again: sign in again on the Connections page. (${browserWords(err.message)})` };
    }
    if (destinationKinds.includes(err.connector) && err.kind !== 'cancelled') {
      return { code: DESTINATION_UNREACHABLE, message: `The destination “${destinationName}” cannot be reached: ${browserWords(err.message)} Check it with Test on the Connections page.` };
    }
    return { code: err.kind, message: browserWords(err.message) };
  }
  if (err instanceof UsageError) {
    const text = browserWords(err.message);
    if (err.message.includes(`"${destinationName}`) || err.message.includes(`${destinationName}:`)) {
      return { code: DESTINATION_UNREACHABLE, message: `The destination “${destinationName}” no longer exists or cannot be opened (${text}). Edit the task to pick another destination, or add it again on the Connections page.` };
    }
    return { code: 'invalid-input', message: text };
  }
  return { code: 'internal', message: err instanceof Error ? browserWords(err.message) : String(err) };
}

/** The notification a run's end raises: the most specific one, so one problem sends one message. */
export function eventOf(status: string, reason: StopReason | undefined): NotificationEventName | undefined {
  if (reason?.code === SIGN_IN_NEEDED) return 'icloud.signin-needed';
  if (reason?.code === DESTINATION_UNREACHABLE) return 'destination.unreachable';
  if (reason?.code === 'cancelled' || status === 'cancelled') return 'run.finished';
  if (reason !== undefined || status === 'failed') return 'run.failed';
  if (status === 'partial') return 'run.partial';
  return 'run.finished';
}
