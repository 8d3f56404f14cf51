/** @module Vault: round trip, wrong passphrase, tampering, file modes, no passphrase needed to list/delete. Real files, cheap scrypt. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/temp-dir.ts';
import { createVault, type VaultOptions } from './vault.ts';
import { VaultError } from './vault-error.ts';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const SECRET = 'hunter2-s3cr3t-value';
const pathIn = () => join(tempDir('pf-vault-'), 'private', 'vault.json');
const vaultAt = (path: string, more: Partial<VaultOptions> = {}) =>
  createVault({ path, env: { PHOTOFERRY_PASSPHRASE: 'correct horse' }, scrypt: FAST, ...more });

async function vaultErrorOf(promise: Promise<unknown>): Promise<VaultError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof VaultError, `expected VaultError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a VaultError');
}

test('round trip: set, get from a fresh instance, delete', async () => {
  const path = pathIn();
  await vaultAt(path).set('remote/nas/password', SECRET);
  await vaultAt(path).set('icloud/session', 'token-2');
  const again = vaultAt(path);
  assert.equal(await again.get('remote/nas/password'), SECRET);
  assert.equal(await again.get('icloud/session'), 'token-2');
  assert.equal(await again.get('missing'), undefined);
  await again.delete('icloud/session');
  await again.delete('icloud/session');
  assert.equal(await vaultAt(path).get('icloud/session'), undefined);
});

test('the file holds JSON with the kdf parameters and no plaintext; mode 0600, folder 0700', async () => {
  const path = pathIn();
  await vaultAt(path).set('remote/nas/password', SECRET);
  const text = readFileSync(path, 'utf8');
  assert.doesNotMatch(text, /hunter2|correct horse/);
  const file = JSON.parse(text) as { version: number; kdf: Record<string, unknown>; entries: Record<string, unknown> };
  assert.equal(file.version, 1);
  assert.deepEqual({ name: file.kdf['name'], N: file.kdf['N'], r: file.kdf['r'], p: file.kdf['p'] }, { name: 'scrypt', ...FAST });
  assert.deepEqual(Object.keys(file.entries), ['remote/nas/password']);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
});

test('a wrong passphrase is detected by the check value and says nothing else', async () => {
  const path = pathIn();
  await vaultAt(path).set('k', SECRET);
  const wrong = vaultAt(path, { env: { PHOTOFERRY_PASSPHRASE: 'battery staple' } });
  const err = await vaultErrorOf(wrong.get('k'));
  assert.equal(err.reason, 'wrong-passphrase');
  assert.match(err.message, /Wrong vault passphrase/);
  assert.doesNotMatch(`${err.message} ${err.stack ?? ''}`, /hunter2|battery|correct horse/);
  await vaultErrorOf(wrong.set('other', 'x'));
  assert.equal(await vaultAt(path).get('k'), SECRET, 'a refused set leaves the vault as it was');
});

test('a tampered ciphertext or tag fails the GCM check', async () => {
  const path = pathIn();
  await vaultAt(path).set('a', SECRET);
  await vaultAt(path).set('b', 'other');
  const original = readFileSync(path, 'utf8');
  const file = JSON.parse(original) as { entries: Record<string, { data: string; tag: string }> };
  const a = file.entries['a']!;
  const bytes = Buffer.from(a.data, 'base64');
  bytes[0] = bytes[0]! ^ 1;
  a.data = bytes.toString('base64');
  writeFileSync(path, JSON.stringify(file));
  const err = await vaultErrorOf(vaultAt(path).get('a'));
  assert.equal(err.reason, 'tampered');
  assert.match(err.message, /entry "a" failed its integrity check/);
  assert.equal(await vaultAt(path).get('b'), 'other', 'other entries are still readable');

  const swapped = JSON.parse(original) as { entries: Record<string, unknown> };
  swapped.entries['a'] = swapped.entries['b'];
  writeFileSync(path, JSON.stringify(swapped));
  assert.equal((await vaultErrorOf(vaultAt(path).get('a'))).reason, 'tampered', 'entries are bound to their names');
});

test('without PHOTOFERRY_PASSPHRASE the prompt is asked, once per process; without a prompt the vault is locked', async () => {
  const path = pathIn();
  const asked: boolean[] = [];
  const prompt = async (ctx: { creating: boolean }) => { asked.push(ctx.creating); return 'typed'; };
  const vault = createVault({ path, env: {}, prompt, scrypt: FAST });
  await vault.set('a', '1');
  await vault.set('b', '2');
  assert.deepEqual(asked, [true]);
  assert.equal(await createVault({ path, env: { PHOTOFERRY_PASSPHRASE: 'typed' } }).get('b'), '2');
  assert.equal((await vaultErrorOf(createVault({ path, env: {} }).get('a'))).reason, 'locked');
});

test('a wrong typed passphrase gets three attempts', async () => {
  const path = pathIn();
  await vaultAt(path).set('a', SECRET);
  const answers = ['nope', 'still no', 'correct horse'];
  const vault = createVault({ path, env: {}, prompt: async () => answers.shift() ?? '' });
  assert.equal(await vault.get('a'), SECRET);
});

test('keys() and delete() need no passphrase; unlock() checks it early', async () => {
  const path = pathIn();
  await vaultAt(path).set('remote/nas/password', SECRET);
  await vaultAt(path).set('remote/nas/key', 'k');
  await vaultAt(path).set('remote/b2/secret', 's');
  const locked = createVault({ path, env: {} });
  assert.deepEqual(await locked.keys('remote/nas/'), ['remote/nas/key', 'remote/nas/password']);
  await locked.delete('remote/nas/key');
  assert.deepEqual(await locked.keys(), ['remote/b2/secret', 'remote/nas/password']);
  await vaultErrorOf(locked.unlock());
  await vaultAt(path).unlock();
});

test('a file that is not a vault is reported with its problems', async () => {
  const path = pathIn();
  await vaultAt(path).set('a', '1');
  writeFileSync(path, JSON.stringify({ version: 2, kdf: {}, entries: {} }));
  const err = await vaultErrorOf(vaultAt(path).get('a'));
  assert.equal(err.reason, 'not-a-vault');
  assert.ok(err.problems.length >= 2);
});
