/** @module openContext's early vault unlock: started for the remotes a command names, before the catalog opens. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vaultKeyOf } from '../config/app-config.ts';
import { createVault } from '../vault/vault.ts';
import type { SecretStore } from '../sources/define.ts';
import { tempDir } from '../../test/temp-dir.ts';
import { openContext } from './context.ts';

const CONFIG = `remotes:
  nas:
    type: sftp
    host: nas.local
    user: me
    password: <vault>
  plain:
    type: local
    root: /srv/photos
`;

/** A home with config.yaml and a vault holding nas's password; `reads` lists the vault keys read, in order. */
async function home(passphrase = 'pass') {
  const dir = tempDir('pf-context-');
  writeFileSync(join(dir, 'config.yaml'), CONFIG);
  const vaultPath = join(dir, 'vault.json');
  const scrypt = { N: 1024, r: 8, p: 1 };
  await createVault({ path: vaultPath, env: { PHOTOFERRY_PASSPHRASE: 'pass' }, scrypt }).set(vaultKeyOf('nas', 'password'), 'secret-pw');
  const vault = createVault({ path: vaultPath, env: { PHOTOFERRY_PASSPHRASE: passphrase }, scrypt });
  const reads: string[] = [];
  const store: SecretStore = {
    get: async (key) => { reads.push(key); return vault.get(key); },
    set: (key, value) => vault.set(key, value),
    delete: (key) => vault.delete(key),
  };
  const env = { PHOTOFERRY_HOME: dir, PHOTOFERRY_CATALOG: join(dir, 'catalog.db') };
  return { env, reads, openSecrets: async () => store };
}

test('the vault is read for a named remote with secrets while the context opens, not only when the remote is used', async () => {
  const h = await home();
  const ctx = await openContext({ env: h.env, openSecrets: h.openSecrets, unlockEarlyFor: ['folder:/x', 'nas:backup', 'plain:sub'] });
  try {
    assert.deepEqual(h.reads, [vaultKeyOf('nas', 'password')]);
    assert.deepEqual(await ctx.remoteSecrets('nas'), { password: 'secret-pw' });
  } finally {
    await ctx.close();
  }
});

test('without unlockEarlyFor, or for remotes without secrets, nothing is read from the vault up front', async () => {
  for (const unlockEarlyFor of [undefined, ['plain:sub', 'local:/x', 'nope:y', 'bare/path']]) {
    const h = await home();
    const ctx = await openContext({ env: h.env, openSecrets: h.openSecrets, ...(unlockEarlyFor ? { unlockEarlyFor } : {}) });
    assert.deepEqual(h.reads, [], String(unlockEarlyFor));
    await ctx.close();
  }
});

test('a wrong passphrase met by the early read is reported when the remote is used, and is not an unhandled rejection', async () => {
  const h = await home('wrong');
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  try {
    const ctx = await openContext({ env: h.env, openSecrets: h.openSecrets, unlockEarlyFor: ['nas:backup'] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(ctx.remoteSecrets('nas'), /Wrong vault passphrase/);
    await ctx.close();
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
