/** @module VaultError: the vault refused (wrong passphrase, locked, damaged); a UsageError, so the user is told how to fix it. */
import { UsageError } from '../core/usage-error.ts';

export type VaultErrorReason = 'wrong-passphrase' | 'locked' | 'empty-passphrase' | 'passphrase-mismatch' | 'tampered' | 'not-a-vault';

/** Messages name files and entry names at most, never a passphrase, key or secret value. */
export class VaultError extends UsageError {
  readonly reason: VaultErrorReason;
  constructor(reason: VaultErrorReason, message: string, problems: readonly string[] = []) {
    super(message, problems);
    this.reason = reason;
  }
}

export const isVaultError = (err: unknown): err is VaultError => err instanceof VaultError;
