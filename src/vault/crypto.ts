/** @module Vault cryptography: scrypt key derivation, a passphrase check value, AES-256-GCM sealing bound to the entry name. */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** 2^15 × 8 × 128 B = 32 MiB and about 0.1 s per unlock: OWASP's scrypt floor, bearable on a NAS. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

export interface Sealed {
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

export interface DerivedKeys {
  /** AES-256-GCM key for entries. */
  readonly enc: Buffer;
  /** Separate key whose HMAC is stored as the check value, so the stored value says nothing about `enc`. */
  readonly check: Buffer;
}

const CHECK_LABEL = 'photoferry-vault-check-v1';

function scryptAsync(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Node refuses scrypt above maxmem (32 MiB by default), which N=2^15, r=8 just exceeds.
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 64, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** NFC first, so the same passphrase typed on macOS (often NFD) and Linux derives the same key. */
export async function deriveKeys(passphrase: string, salt: Buffer, params: ScryptParams): Promise<DerivedKeys> {
  const out = await scryptAsync(passphrase.normalize('NFC'), salt, params);
  return { enc: out.subarray(0, 32), check: out.subarray(32, 64) };
}

export const newSalt = (): Buffer => randomBytes(16);

export const checkValueOf = (keys: DerivedKeys): string =>
  createHmac('sha256', keys.check).update(CHECK_LABEL).digest('base64');

/** Constant-time: a wrong passphrase must not be told apart from a nearly right one by timing. */
export function checkMatches(keys: DerivedKeys, stored: string): boolean {
  const expected = Buffer.from(checkValueOf(keys), 'base64');
  const actual = Buffer.from(stored, 'base64');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The entry name is authenticated data: swapping two entries' ciphertexts in the file fails to decrypt. */
const aadOf = (name: string): Buffer => Buffer.from(`photoferry-vault:v1:${name}`, 'utf8');

export function seal(key: Buffer, name: string, plaintext: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aadOf(name));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Throws when the tag does not verify (tampered or corrupted); callers turn that into a VaultError. */
export function unseal(key: Buffer, name: string, sealed: Sealed): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'), { authTagLength: 16 });
  decipher.setAAD(aadOf(name));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
}
