/** @module The terminal prompt: what is typed is never echoed; a new passphrase is asked twice; no TTY means "locked". */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ttyPassphrase } from './tty-prompt.ts';
import { VaultError } from './vault-error.ts';

function fakeTty(lines: string[], isTTY = true) {
  const input = Object.assign(new PassThrough(), { isTTY });
  let shown = '';
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => { shown += chunk.toString(); });
  // Feed one line per question, as a person would, after the prompt is up.
  const feed = () => setImmediate(() => input.write(`${lines.shift() ?? ''}\n`));
  output.on('data', (chunk: Buffer) => { if (chunk.toString().includes('assphrase')) feed(); });
  return { streams: { input, output }, shown: () => shown };
}

test('asks without echoing what is typed', async () => {
  const tty = fakeTty(['s3cret-typed']);
  const answer = await ttyPassphrase(tty.streams)({ creating: false, path: '/v.json' });
  assert.equal(answer, 's3cret-typed');
  assert.match(tty.shown(), /Vault passphrase \(\/v\.json\)/);
  assert.doesNotMatch(tty.shown(), /s3cret/);
});

test('a new vault asks twice and refuses two different answers', async () => {
  assert.equal(await ttyPassphrase(fakeTty(['abc', 'abc']).streams)({ creating: true, path: 'v' }), 'abc');
  await assert.rejects(ttyPassphrase(fakeTty(['abc', 'abd']).streams)({ creating: true, path: 'v' }),
    (err: unknown) => err instanceof VaultError && err.reason === 'passphrase-mismatch');
});

test('without a terminal the vault is locked rather than waiting for input', async () => {
  await assert.rejects(ttyPassphrase(fakeTty([], false).streams)({ creating: false, path: 'v' }),
    (err: unknown) => err instanceof VaultError && err.reason === 'locked' && /PHOTOFERRY_PASSPHRASE/.test(err.message));
});
