/** @module Scratch folders: named for their process, and what a dead process left is removed by the next one. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from './pid-alive.ts';
import { LEGACY_STALE_AFTER_MS, STALE_AFTER_MS, makeScratchDir, sweepStaleScratch } from './scratch-dir.ts';

/** A PID no process can have: one above the kernel's largest. */
const deadPid = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;

const roots: string[] = [];
after(() => { for (const root of roots) rmSync(root, { recursive: true, force: true }); });
/** A temp folder of this test's own to play the OS temp folder (core/ imports nothing from the project, test/ neither). */
function tempDir(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  roots.push(root);
  return root;
}

/** Makes `root/name` as a folder last written `ageMs` ago. */
function folder(root: string, name: string, ageMs: number): string {
  const path = join(root, name);
  mkdirSync(path);
  writeFileSync(join(path, 'in.heic'), 'bytes');
  const when = new Date(Date.now() - ageMs);
  utimesSync(path, when, when);
  return name;
}

test('a scratch folder is named for its kind and its process', async () => {
  const root = tempDir('pf-scratch-');
  const dir = await makeScratchDir('convert', root);
  assert.equal(dirname(dir), root);
  assert.match(basename(dir), new RegExp(`^photoferry-convert-${process.pid}-[A-Za-z0-9]{6}$`));
  assert.ok(existsSync(dir));
});

test('only the folders of gone processes, old enough, are removed', async () => {
  const root = tempDir('pf-scratch-');
  const old = STALE_AFTER_MS + 60_000;
  assert.equal(pidAlive(deadPid), false);
  assert.equal(pidAlive(process.pid), true);
  const gone = [
    folder(root, `photoferry-convert-${deadPid}-aB3dE9`, old),
    folder(root, `photoferry-manifest-${deadPid}-Zz0000`, old),
    folder(root, 'photoferry-convert-Qw12Er', LEGACY_STALE_AFTER_MS + 60_000),
  ];
  const kept = [
    folder(root, `photoferry-convert-${deadPid}-fresh1`, 60_000),
    folder(root, `photoferry-convert-${process.pid}-mine01`, old),
    folder(root, `photoferry-convert-1-initAa`, old),
    folder(root, 'photoferry-manifest-Legcy1', STALE_AFTER_MS + 60_000),
    folder(root, `photoferry-other-${deadPid}-abcdef`, old),
    folder(root, `pf-convert-${deadPid}-abcdef`, old),
  ];
  writeFileSync(join(root, `photoferry-convert-${deadPid}-file01`), 'not a folder');
  kept.push(`photoferry-convert-${deadPid}-file01`);

  assert.deepEqual((await sweepStaleScratch(root)).sort(), [...gone].sort());
  assert.deepEqual(readdirSync(root).sort(), [...kept].sort());
});

test('the first scratch folder a process makes under a root sweeps that root first', async () => {
  const root = tempDir('pf-scratch-');
  const stale = folder(root, `photoferry-convert-${deadPid}-left01`, STALE_AFTER_MS + 60_000);
  const made = await makeScratchDir('manifest', root);
  assert.equal(existsSync(join(root, stale)), false, 'what a killed run left is gone');
  assert.ok(existsSync(made));
  // Once per root: a folder left stale later waits for the next process.
  const later = folder(root, `photoferry-convert-${deadPid}-left02`, STALE_AFTER_MS + 60_000);
  await makeScratchDir('convert', root);
  assert.ok(existsSync(join(root, later)));
});
