/** @module createVault: the encrypted SecretStore (passwords, keys, session tokens) kept in vault.json. */
import type { SecretStore } from '../sources/define.ts';
import { envValue, type Env } from '../config/paths.ts';
import { checkMatches, checkValueOf, deriveKeys, DEFAULT_SCRYPT, newSalt, seal, unseal, type ScryptParams } from './crypto.ts';
import { readVaultFile, writeVaultFile, type KdfRecord, type VaultFile } from './vault-file.ts';
import { VaultError } from './vault-error.ts';

/** Asks the user; `creating` is true when the passphrase will protect a new vault (ask twice to confirm). */
export type PassphrasePrompt = (ctx: { readonly creating: boolean; readonly path: string }) => Promise<string>;

export interface VaultOptions {
  readonly path: string;
  /** PHOTOFERRY_PASSPHRASE is read from here (never from process.env directly). */
  readonly env: Env;
  /** Used when PHOTOFERRY_PASSPHRASE is unset; without it such a vault is "locked". */
  readonly prompt?: PassphrasePrompt | undefined;
  /** scrypt cost for a *new* vault; an existing vault keeps the parameters recorded in its file. */
  readonly scrypt?: ScryptParams;
}

export interface Vault extends SecretStore {
  readonly path: string;
  /**
   * `get` of a missing key is `undefined` and asks for no passphrase; `set` asks once per process
   * (creating the vault on first use); `delete` is idempotent and needs no passphrase.
   */
  keys(prefix?: string): Promise<string[]>;
  /** Asks for and checks the passphrase now, e.g. before a long run that will need it later. */
  unlock(): Promise<void>;
}

const PROMPT_ATTEMPTS = 3;

export function createVault(options: VaultOptions): Vault {
  const { path, env } = options;
  let unlocked: { salt: string; enc: Buffer } | undefined;
  let pending: Promise<Buffer> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  /** Mutations read the file afresh and run one at a time, so two `set`s in one process never lose each other. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  async function passphrase(creating: boolean): Promise<string> {
    const fromEnv = envValue(env, 'PHOTOFERRY_PASSPHRASE');
    if (fromEnv !== undefined) return fromEnv;
    if (options.prompt === undefined) {
      throw new VaultError('locked', `The vault ${path} is locked: set PHOTOFERRY_PASSPHRASE, or run photoferry in a terminal to be asked.`);
    }
    const typed = await options.prompt({ creating, path });
    if (typed === '') throw new VaultError('empty-passphrase', 'The vault passphrase must not be empty.');
    return typed;
  }

  async function unlockExisting(kdf: KdfRecord): Promise<Buffer> {
    const attempts = envValue(env, 'PHOTOFERRY_PASSPHRASE') === undefined ? PROMPT_ATTEMPTS : 1;
    for (let i = 1; ; i++) {
      const keys = await deriveKeys(await passphrase(false), Buffer.from(kdf.salt, 'base64'), kdf);
      if (checkMatches(keys, kdf.check)) return keys.enc;
      if (i >= attempts) throw new VaultError('wrong-passphrase', `Wrong vault passphrase for ${path}.`);
    }
  }

  /** The key of an existing vault, or a new vault's key and kdf record; derived at most once per salt. */
  async function keyFor(file: VaultFile | undefined): Promise<{ enc: Buffer; kdf: KdfRecord }> {
    if (file !== undefined) {
      if (unlocked?.salt !== file.kdf.salt) {
        pending ??= unlockExisting(file.kdf);
        try {
          unlocked = { salt: file.kdf.salt, enc: await pending };
        } finally {
          pending = undefined;
        }
      }
      return { enc: unlocked.enc, kdf: file.kdf };
    }
    const params = options.scrypt ?? DEFAULT_SCRYPT;
    const salt = newSalt();
    const keys = await deriveKeys(await passphrase(true), salt, params);
    const kdf: KdfRecord = { name: 'scrypt', ...params, salt: salt.toString('base64'), check: checkValueOf(keys) };
    unlocked = { salt: kdf.salt, enc: keys.enc };
    return { enc: keys.enc, kdf };
  }

  return {
    path,
    async get(key) {
      const file = readVaultFile(path);
      const sealed = file?.entries[key];
      if (file === undefined || sealed === undefined) return undefined;
      const { enc } = await keyFor(file);
      try {
        return unseal(enc, key, sealed);
      } catch {
        throw new VaultError('tampered', `The vault ${path} is damaged: entry "${key}" failed its integrity check (corrupted or tampered with).`);
      }
    },
    set: (key, value) => serial(async () => {
      const file = readVaultFile(path);
      const { enc, kdf } = await keyFor(file);
      const entries = { ...file?.entries, [key]: seal(enc, key, value) };
      writeVaultFile(path, { version: 1, kdf, cipher: 'aes-256-gcm', entries });
    }),
    delete: (key) => serial(async () => {
      const file = readVaultFile(path);
      if (file === undefined || !(key in file.entries)) return;
      const { [key]: _gone, ...entries } = file.entries;
      writeVaultFile(path, { ...file, entries });
    }),
    async keys(prefix = '') {
      return Object.keys(readVaultFile(path)?.entries ?? {}).filter((k) => k.startsWith(prefix)).sort();
    },
    async unlock() {
      const file = readVaultFile(path);
      if (file !== undefined) await keyFor(file);
    },
  };
}
