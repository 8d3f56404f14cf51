/** @module Vault error test for the CLI's exit codes, without loading the vault itself (`--help` stays fast). */
export { isVaultError } from '../vault/vault-error.ts';
