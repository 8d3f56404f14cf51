/** @module toTransferError: rclone exit codes and stderr → TransferError kinds, in the user's terms. */
import { TransferError, type TransferErrorKind } from '../../core/transfer-error.ts';
import type { RcloneResult } from './cli.ts';

const CONNECTOR = 'rclone';

export interface RcloneErrorContext {
  /** The remote name as configured (`mydrive`), for "not configured" messages. */
  readonly remote: string;
  /** Short phrase: `upload "2024/01/a.jpg"`. */
  readonly op: string;
}

/** The last meaningful stderr line, without rclone's timestamp prefix. */
export const lastError = (stderr: string): string =>
  stderr.trim().split('\n').map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d (ERROR|NOTICE|INFO|CRITICAL) ?: ?/, '').trim())
    .filter((l) => l && !l.startsWith('Config file')).at(-1) ?? '';

/**
 * Exit codes per `rclone --help`: 3 directory not found, 4 file not found, 5 temporary error,
 * 7 fatal (account suspended, ...). Everything else is read from the message.
 */
export function toTransferError(failure: RcloneResult | Error, context: RcloneErrorContext): TransferError {
  if (failure instanceof TransferError) return failure;
  const make = (kind: TransferErrorKind, text: string) =>
    new TransferError(kind, `${context.op}: ${text}`, { connector: CONNECTOR, cause: failure });
  if (failure instanceof Error) {
    const code = (failure as NodeJS.ErrnoException).code;
    if (failure.name === 'AbortError' || code === 'ABORT_ERR') return make('cancelled', 'cancelled');
    if (code === 'ENOENT') return make('permanent', 'the rclone program was not found; install it (apt-get install rclone) or set the binary option');
    return make('transient', failure.message);
  }
  const message = lastError(failure.stderr);
  const text = message || `rclone exited with code ${failure.code}`;
  const env = `RCLONE_CONFIG_${context.remote.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_TYPE`;
  if (/didn't find section in config file|not found in config file|unknown backend/i.test(message)) {
    return make('invalid-input', `rclone remote "${context.remote}" is not configured; add it with \`rclone config\` or set ${env} (and its options) in the environment`);
  }
  if (/rate ?limit|too many requests|\b429\b|userRateLimitExceeded|throttl/i.test(message)) return make('rate-limited', text);
  if (/quota|insufficient storage|storage (is )?full|no space left|\b507\b/i.test(message)) return make('quota-exceeded', text);
  if (/unauthori[sz]ed|\b401\b|\b403\b|invalid_grant|token (has )?expired|couldn't fetch token|access ?denied|forbidden|permission denied|authentication failed/i.test(message)) {
    return make('auth-required', `the remote refused access (${text}); re-authorise it with \`rclone config reconnect ${context.remote}:\` or check its credentials`);
  }
  if (failure.code === 3 || failure.code === 4 || /not found|doesn't exist|no such file/i.test(message)) return make('not-found', text);
  if (failure.code === 7) return make('permanent', text);
  if (failure.code === 5 || /timeout|timed out|connection (reset|refused)|broken pipe|unexpected EOF|no such host|\b5\d\d\b/i.test(message)) {
    return make('transient', text);
  }
  return make('permanent', text);
}
