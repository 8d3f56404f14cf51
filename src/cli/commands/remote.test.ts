/** @module `photoferry remote …` end to end through commander, with a fake connector, a real config file and a real vault. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { createVault } from '../../vault/vault.ts';
import type { RemotesDeps } from '../../app/remotes.ts';
import { tempDir } from '../../../test/temp-dir.ts';
import { parseAddArgs, register, type RemoteCommandDeps } from './remote.ts';

const SECRET = 'hunter2-cli-secret';
const fakeS3 = {
  kind: 's3', title: 'S3-compatible storage',
  options: z.object({ bucket: z.string(), endpoint: z.url().optional(), secretAccessKey: z.string().meta({ secret: true }), accessKeyId: z.string() }),
};

function cli(extra: Partial<RemoteCommandDeps> = {}) {
  const dir = tempDir('pf-cli-remote-');
  const vault = createVault({ path: join(dir, 'vault.json'), env: { PHOTOFERRY_PASSPHRASE: 'pp' }, scrypt: { N: 1024, r: 8, p: 1 } });
  const remotes: RemotesDeps = { configPath: join(dir, 'config.yaml'), definitions: [fakeS3], secrets: async () => vault };
  let out = '';
  const errors: string[] = [];
  const program = new Command('photoferry').option('--json').exitOverride();
  register(program, {
    write: (t) => { out += t; },
    withRemotes: async (_cmd, body) => {
      try {
        await body(remotes, new AbortController().signal);
      } catch (err) {
        errors.push((err as Error).message);
      }
    },
    ...extra,
  });
  const run = async (...args: string[]) => {
    out = '';
    await program.parseAsync(['node', 'photoferry', ...args]);
    return out;
  };
  return { run, errors, remotes, dir };
}

test('add (rclone "config create" form), show, list, remove; the secret never reaches output', async () => {
  const { run, errors, dir } = cli();
  const added = await run('remote', 'add', 'b2', 's3', 'bucket=photos', 'accessKeyId=AKIA1', `secretAccessKey=${SECRET}`);
  assert.deepEqual(errors, []);
  assert.equal(added, '[b2]\ntype = s3\nbucket = photos\naccessKeyId = AKIA1\nsecretAccessKey = ***\n');
  assert.equal(await run('remote', 'show', 'b2'), added);
  assert.doesNotMatch(await run('--json', 'remote', 'show', 'b2'), /hunter2/);
  assert.equal(await run('remote', 'list'), 'b2    s3        S3-compatible storage\n');
  assert.doesNotMatch(readFileSync(join(dir, 'config.yaml'), 'utf8'), /hunter2/);
  assert.equal(await run('remote', 'rm', 'b2'), 'Removed remote "b2".\n');
  assert.match(await run('remote', 'list'), /No remotes yet/);
});

test('add with --type and --opt; JSON output is one object per line', async () => {
  const { run, errors } = cli();
  const out = await run('--json', 'remote', 'add', 'w', '--type', 's3', '-o', 'bucket=b', '-o', 'accessKeyId=a', '-o', `secretAccessKey=${SECRET}`);
  assert.deepEqual(errors, []);
  assert.deepEqual(JSON.parse(out), { type: 'remote', remote: { name: 'w', type: 's3', title: 'S3-compatible storage', options: { bucket: 'b', accessKeyId: 'a', secretAccessKey: '***' } } });
});

test('invalid options are all reported, without the secret', async () => {
  const { run, errors } = cli();
  await run('remote', 'add', 'b2', 's3', 'endpoint=not a url', `secretAccesKey=${SECRET}`);
  assert.equal(errors.length, 1);
  const message = errors[0] ?? '';
  for (const problem of ['bucket', 'accessKeyId', 'secretAccessKey', 'secretAccesKey: unknown option', 'endpoint']) assert.match(message, new RegExp(problem));
  assert.doesNotMatch(message, /hunter2/);
});

test('parseAddArgs lists every problem with the arguments', () => {
  assert.deepEqual(parseAddArgs(['s3', 'a=1', 'b=x=y'], {}), { type: 's3', options: { a: '1', b: 'x=y' } });
  assert.deepEqual(parseAddArgs(['a=1'], { type: 's3', opt: ['c=3'] }), { type: 's3', options: { a: '1', c: '3' } });
  assert.throws(() => parseAddArgs(['a=1', 'a=2', 'oops', '=v'], {}), (err: Error & { problems?: string[] }) => err.problems?.length === 4);
});

test('remote test exists only when the hook is given', async () => {
  const without = cli();
  await assert.rejects(without.run('remote', 'test', 'x'));
  const calls: string[] = [];
  const withHook = cli({ testRemote: async (_r, name) => { calls.push(name); return `${name}: ok`; } });
  assert.equal(await withHook.run('remote', 'test', 'nas'), 'nas: ok\n');
  assert.deepEqual(calls, ['nas']);
});
