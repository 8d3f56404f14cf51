/** @module Opens the encrypted vault for a front end: PHOTOFERRY_PASSPHRASE, else a hidden TTY prompt when there is one. */
import type { AppConfig } from '../config/app-config.ts';
import { createVault, type Vault } from '../vault/vault.ts';
import { ttyPassphrase } from '../vault/tty-prompt.ts';

export async function openVault(config: AppConfig, interactive: boolean): Promise<Vault> {
  return createVault({ path: config.vault, env: process.env, prompt: interactive ? ttyPassphrase() : undefined });
}
export { askHidden } from '../vault/tty-prompt.ts';
export { isVaultError } from '../vault/vault-error.ts';
