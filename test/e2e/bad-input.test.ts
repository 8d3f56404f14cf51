/** @module Bad input through the real binary: a clear message, a non-zero exit, nothing recorded as done. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSampleLibrary } from '../../src/sample/index.ts';
import { hashTree, runCli, tempHome } from './cli.ts';

/** Mounts a tmpfs (root only); returns false where this machine does not allow it. */
function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('bad input', () => {
  let home = '';
  let library = '';
  let env: Record<string, string> = {};
  const mounts: string[] = [];
  before(async () => {
    home = await tempHome('pf-bad-');
    library = join(home, 'library');
    env = { PHOTOFERRY_HOME: join(home, 'home') };
    await generateSampleLibrary({ dir: library, seed: 3, photos: 6, videos: 1, photoBytes: [300_000, 400_000], videoBytes: [2_000_000, 2_000_000] });
  });
  after(() => { for (const m of mounts) execFileSync('umount', ['-l', m], { stdio: 'ignore' }); });

  it('a missing source folder', async () => {
    const r = await runCli(['copy', `folder:${join(home, 'nope')}`, `local:${join(home, 'out-missing')}`], env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /nope/);
    await assert.rejects(readdir(join(home, 'out-missing')));
  });

  it('a destination that cannot be written', async () => {
    const blocker = join(home, 'a-file');
    await writeFile(blocker, 'not a folder');
    const r = await runCli(['copy', `folder:${library}`, `local:${join(blocker, 'sub')}`], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /photoferry: .*(not a directory|ENOTDIR|permission|cannot)/i);
  });

  it('a read-only destination', async (t) => {
    const ro = join(home, 'ro');
    await mkdir(ro);
    if (!mountTmpfs(ro, 'ro,size=1m')) { t.skip('mounting a tmpfs needs root; the ENOTDIR case above covers unwritable targets'); return; }
    mounts.push(ro);
    const r = await runCli(['copy', `folder:${library}`, `local:${ro}`], env);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /permission denied \(EROFS\)/);
  });

  it('a full disk stops the run with a clear error and no partial file', async (t) => {
    const small = join(home, 'small');
    await mkdir(small);
    if (!mountTmpfs(small, 'size=1m')) { t.skip('mounting a tmpfs needs root; the engine test injects ENOSPC instead'); return; }
    mounts.push(small);
    const r = await runCli(['copy', `folder:${library}`, `local:${small}`], env);
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stderr, /no space left on the destination/);
    const left = await hashTree(small, { includeHidden: true });
    const sizes = await runCli(['verify', `local:${small}`], env);
    assert.equal(sizes.code, 0, `every recorded file is complete: ${sizes.stdout}`);
    assert.ok([...left.keys()].every((p) => !p.includes('.photoferry/partial/') || false), 'no partial left behind');
  });

  it('an invalid config lists every problem', async () => {
    const config = join(home, 'bad.yaml');
    await writeFile(config, 'catalog: 42\ndefaults:\n  concurrency: many\n  colour: blue\nremotes:\n  b2: {}\n');
    const r = await runCli(['--config', config, 'copy', `folder:${library}`, `local:${join(home, 'x')}`], env);
    assert.equal(r.code, 2);
    for (const problem of ['catalog', 'defaults.concurrency', 'defaults.colour', 'remotes.b2']) assert.match(r.stderr, new RegExp(`- ${problem.replace('.', '\\.')}`));
  });

  it('an unknown remote', async () => {
    const r = await runCli(['copy', `folder:${library}`, 'nowhere:photos'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown destination "nowhere:"/);
  });

  it('a wrong vault passphrase', async () => {
    const add = await runCli(['remote', 'add', 'b2', 's3', 'bucket=photos', 'accessKeyId=AKIA', 'secretAccessKey=very-secret-value', 'endpoint=http://127.0.0.1:9'],
      { ...env, PHOTOFERRY_PASSPHRASE: 'right one' });
    assert.equal(add.code, 0, add.stderr);
    const r = await runCli(['copy', `folder:${library}`, 'b2:photos'], { ...env, PHOTOFERRY_PASSPHRASE: 'wrong one' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /wrong vault passphrase/i);
    assert.doesNotMatch(r.stderr + r.stdout, /very-secret-value|right one/);
  });

  it('an unknown template token and a bad filter value', async () => {
    const t1 = await runCli(['copy', `folder:${library}`, `local:${join(home, 'y')}`, '--template', '{yyyy}/{month}/{filename}'], env);
    assert.equal(t1.code, 2);
    assert.match(t1.stderr, /unknown path template token.*\{month\}/);
    const t2 = await runCli(['copy', `folder:${library}`, `local:${join(home, 'y')}`, '--min-size', 'lots'], env);
    assert.equal(t2.code, 2);
    assert.match(t2.stderr, /not a size/);
  });
});
