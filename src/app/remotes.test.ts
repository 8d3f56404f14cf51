/** @module Remote use cases with a fake connector definition; real config.yaml and a real vault (cheap scrypt) in a temp folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../core/usage-error.ts';
import { createVault } from '../vault/vault.ts';
import { tempDir } from '../../test/temp-dir.ts';
import { addRemote, listRemotes, removeRemote, resolveRemote, showRemote, type RemotesDeps } from './remotes.ts';

const PASSWORD = 'hunter2-remote-pw';
const fakeSftp = {
  kind: 'sftp',
  title: 'SFTP server',
  options: z.object({
    host: z.string(),
    port: z.int().min(1).max(65535).default(22),
    user: z.string(),
    password: z.string().min(4).meta({ secret: true }).optional(),
  }),
};
const fakeLocal = { kind: 'local', title: 'Local folder', options: z.object({ root: z.string() }) };

function setup(): RemotesDeps & { vaultPath: string; opened: () => number } {
  const dir = tempDir('pf-remotes-');
  const vaultPath = join(dir, 'vault.json');
  const vault = createVault({ path: vaultPath, env: { PHOTOFERRY_PASSPHRASE: 'pass' }, scrypt: { N: 1024, r: 8, p: 1 } });
  let opened = 0;
  return {
    configPath: join(dir, 'config.yaml'),
    definitions: [fakeSftp, fakeLocal],
    secrets: async () => { opened += 1; return vault; },
    vaultPath,
    opened: () => opened,
  };
}

async function usageErrorOf(promise: Promise<unknown>): Promise<UsageError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected UsageError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a UsageError');
}

test('add puts plain options in config.yaml and secret ones in the vault', async () => {
  const deps = setup();
  const view = await addRemote(deps, { name: 'nas', type: 'sftp', options: { host: 'nas.local', port: '2222', user: 'me', password: PASSWORD }, fromText: true });
  const yaml = readFileSync(deps.configPath, 'utf8');
  assert.match(yaml, /password: <vault>/);
  assert.match(yaml, /port: 2222/);
  assert.doesNotMatch(yaml, /hunter2/);
  assert.doesNotMatch(readFileSync(deps.vaultPath, 'utf8'), /hunter2/);
  assert.deepEqual(view, { name: 'nas', type: 'sftp', title: 'SFTP server', options: { host: 'nas.local', port: 2222, user: 'me', password: '***' } });
  assert.equal(await (await deps.secrets()).get('remote/nas/password'), PASSWORD);
});

test('show never reveals a secret, in text or JSON, even one written into config.yaml by hand', async () => {
  const deps = setup();
  await addRemote(deps, { name: 'nas', type: 'sftp', options: { host: 'h', user: 'u', password: PASSWORD } });
  const shown = await showRemote(deps, 'nas');
  assert.doesNotMatch(JSON.stringify(shown), /hunter2/);
  assert.equal(shown.options['password'], '***');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(deps.configPath, `remotes:\n  raw:\n    type: sftp\n    host: h\n    user: u\n    password: ${PASSWORD}\n`);
  assert.doesNotMatch(JSON.stringify(await showRemote(deps, 'raw')), /hunter2/);
});

test('a remote without secret options never opens the vault', async () => {
  const deps = setup();
  await addRemote(deps, { name: 'usb', type: 'local', options: { root: '/mnt/usb' } });
  await showRemote(deps, 'usb');
  await removeRemote(deps, 'usb');
  assert.equal(deps.opened(), 0);
  assert.equal(existsSync(deps.vaultPath), false);
});

test('add lists every problem at once and writes nothing, never echoing a secret', async () => {
  const deps = setup();
  const bad = await usageErrorOf(addRemote(deps, { name: 'no/slash', type: 'ftp', options: {} }));
  assert.equal(bad.problems.length, 2);
  assert.match(bad.message, /unknown type "ftp" \(known: sftp, local\)/);
  const invalid = await usageErrorOf(addRemote(deps, { name: 'nas', type: 'sftp', options: { port: '0', password: 'pw!', hots: PASSWORD }, fromText: true }));
  assert.deepEqual(invalid.problems.map((p) => p.split(':')[0]).sort(), ['host', 'hots', 'password', 'port', 'user']);
  assert.doesNotMatch(invalid.message, /hunter2|pw!/);
  assert.equal(existsSync(deps.configPath), false);
  assert.equal(existsSync(deps.vaultPath), false);
});

test('adding an existing name fails unless replacing; replacing drops secrets no longer given', async () => {
  const deps = setup();
  await addRemote(deps, { name: 'nas', type: 'sftp', options: { host: 'h', user: 'u', password: PASSWORD } });
  await usageErrorOf(addRemote(deps, { name: 'nas', type: 'local', options: { root: '/x' } }));
  await addRemote(deps, { name: 'nas', type: 'sftp', options: { host: 'h2', user: 'u' }, replace: true });
  assert.equal(await (await deps.secrets()).get('remote/nas/password'), undefined);
  assert.deepEqual((await showRemote(deps, 'nas')).options, { host: 'h2', user: 'u' });
});

test('list is sorted by name and tolerates a type this build does not know', async () => {
  const deps = setup();
  await addRemote(deps, { name: 'usb', type: 'local', options: { root: '/u' } });
  await addRemote(deps, { name: 'nas', type: 'sftp', options: { host: 'h', user: 'u' } });
  const { appendFileSync } = await import('node:fs');
  appendFileSync(deps.configPath, '  old:\n    type: ftp\n');
  assert.deepEqual(await listRemotes(deps), [
    { name: 'nas', type: 'sftp', title: 'SFTP server' },
    { name: 'old', type: 'ftp', title: undefined },
    { name: 'usb', type: 'local', title: 'Local folder' },
  ]);
});

test('remove deletes the entry and its vault secrets; an unknown name is a UsageError', async () => {
  const deps = setup();
  await addRemote(deps, { name: 'nas', type: 'sftp', options: { host: 'h', user: 'u', password: PASSWORD } });
  await removeRemote(deps, 'nas');
  assert.deepEqual(await listRemotes(deps), []);
  assert.deepEqual(await createVault({ path: deps.vaultPath, env: {} }).keys(), []);
  assert.match((await usageErrorOf(removeRemote(deps, 'nas'))).message, /No remote named "nas"/);
});

test('resolveRemote fills secrets in from the vault and parses with the connector schema', async () => {
  const deps = setup();
  await addRemote(deps, { name: 'nas', type: 'sftp', options: { host: 'h', user: 'u', password: PASSWORD } });
  const resolved = await resolveRemote(deps, 'nas');
  assert.equal(resolved.definition.kind, 'sftp');
  assert.deepEqual(resolved.options, { host: 'h', port: 22, user: 'u', password: PASSWORD });
  await (await deps.secrets()).delete('remote/nas/password');
  assert.match((await usageErrorOf(resolveRemote(deps, 'nas'))).message, /vault has no "password"/);
});
