/**
 * @module The vault file: JSON with one AES-GCM sealed value per entry and the scrypt parameters in the clear.
 *
 * Per-entry sealing rather than one encrypted blob, because entry *names* (`remote/nas/password`) are then readable
 * without the passphrase: `remote list/show/remove` work without prompting, and `show` can print `password: ***`.
 * Names are not secret (config.yaml holds the same remote names); values are. Each entry is bound to its name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { problemsOf } from '../config/issues.ts';
import { writePrivateFileSync } from '../config/atomic-write.ts';
import { VaultError } from './vault-error.ts';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'expected base64' });
const sealedSchema = z.strictObject({ iv: base64, tag: base64, data: base64 });

/** Bounds keep a hostile file from making us allocate gigabytes (scrypt memory is 128·N·r bytes). */
const kdfSchema = z.strictObject({
  name: z.literal('scrypt'),
  N: z.int().min(2 ** 10).max(2 ** 20).refine((n) => (n & (n - 1)) === 0, { error: 'N must be a power of two' }),
  r: z.int().min(1).max(32),
  p: z.int().min(1).max(16),
  salt: base64,
  check: base64,
});

export const vaultFileSchema = z.strictObject({
  version: z.literal(1),
  kdf: kdfSchema,
  cipher: z.literal('aes-256-gcm'),
  entries: z.record(z.string().min(1), sealedSchema),
});
export type VaultFile = z.output<typeof vaultFileSchema>;
export type KdfRecord = VaultFile['kdf'];

/** `undefined` when there is no vault yet (it is created by the first `set`). */
export function readVaultFile(path: string): VaultFile | undefined {
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new VaultError('not-a-vault', `${path} is not a photoferry vault (${(err as Error).message})`);
  }
  const parsed = vaultFileSchema.safeParse(raw);
  if (!parsed.success) throw new VaultError('not-a-vault', `${path} is not a photoferry vault:`, problemsOf(parsed.error));
  return parsed.data;
}

export function writeVaultFile(path: string, file: VaultFile): void {
  writePrivateFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
}
