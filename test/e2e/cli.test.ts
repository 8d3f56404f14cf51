/** @module CLI end to end through the real binary: copy, re-run, plan, verify, runs, exit codes. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile, readFile, rm, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSampleLibrary } from '../../src/sample/index.ts';
import { hashTree, runCli, sortedValues, tempHome } from './cli.ts';

describe('photoferry CLI', () => {
  let home = '';
  let library = '';
  let env: Record<string, string> = {};
  before(async () => {
    home = await tempHome();
    library = join(home, 'library');
    env = { PHOTOFERRY_HOME: join(home, 'home') };
    await generateSampleLibrary({ dir: library, seed: 7, photos: 12, videos: 2, livePhotos: 4, rawPairs: 2, screenshots: 1, edited: 2 });
  });

  it('copies a folder to local byte-identically in {yyyy}/{mm}/{dd}, then a re-run sends 0 bytes and says so', async () => {
    const dest = join(home, 'backup');
    const first = await runCli(['copy', `folder:${library}`, `local:${dest}`], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Copied \d+ original files/);
    const source = await hashTree(library);
    const copied = await hashTree(dest);
    assert.deepEqual(sortedValues(copied), sortedValues(source));
    for (const path of copied.keys()) assert.match(path, /^\d{4}\/\d{2}\/\d{2}\/[^/]+$/);
    const second = await runCli(['copy', `folder:${library}`, `local:${dest}`], env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Nothing to copy: \d+ original files already at the destination, 0 bytes transferred/);
  });

  it('plan shows counts per year, type and album and writes nothing', async () => {
    const dest = join(home, 'planned');
    const r = await runCli(['plan', `folder:${library}`, `local:${dest}`, '--type', 'video'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Would copy \d+ original files of \d+ assets[^]* assets filtered out/);
    assert.match(r.stdout, /By year:[\s\S]*By type \(types (overlap|do not overlap)[^\n]*:[\s\S]*video/);
    await assert.rejects(readdir(dest));
    const json = await runCli(['--json', 'plan', `folder:${library}`, `local:${dest}`], env);
    const report = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { type: string; counts: { originals: { files: number } } };
    assert.equal(report.type, 'plan');
    assert.ok(report.counts.originals.files > 0);
  });

  it('verify --deep finds exactly the files corrupted or removed at the destination', async () => {
    const dest = join(home, 'verify');
    assert.equal((await runCli(['copy', `folder:${library}`, `local:${dest}`], env)).code, 0);
    const clean = await runCli(['verify', `local:${dest}`, '--deep'], env);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /all good/);
    const files = [...(await hashTree(dest)).keys()].sort();
    const flipped = join(dest, files[0]!);
    const data = await readFile(flipped);
    data[Math.floor(data.length / 2)]! ^= 0xff;
    await writeFile(flipped, data);
    await rm(join(dest, files[1]!));
    const dirty = await runCli(['verify', `local:${dest}`, '--deep'], env);
    assert.equal(dirty.code, 1);
    assert.match(dirty.stdout, new RegExp(`hash-mismatch: ${files[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(dirty.stdout, new RegExp(`missing: ${files[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(dirty.stdout, /2 problem/);
  });

  it('runs lists history and runs show prints one run', async () => {
    const list = await runCli(['runs'], env);
    assert.equal(list.code, 0);
    const id = /^(\S+)/.exec(list.stdout)![1]!;
    const show = await runCli(['runs', 'show', id], env);
    assert.equal(show.code, 0);
    assert.match(show.stdout, new RegExp(id));
    const missing = await runCli(['runs', 'show', 'nope'], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no run "nope"/);
  });

  it('--json prints one JSON event per line ending with the summary', async () => {
    const r = await runCli(['--json', 'copy', `folder:${library}`, `local:${join(home, 'json')}`], env);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    assert.equal(events.at(-1)?.type, 'finished');
    assert.ok(events.some((e) => e.type === 'planned'));
  });

  it('keeps names that differ only by case or Unicode form as separate files', async () => {
    const src = join(home, 'twins');
    await mkdir(src, { recursive: true });
    const names = ['Café.jpg'.normalize('NFC'), 'Café.jpg'.normalize('NFD'), 'photo.jpg', 'PHOTO.jpg', 'line\nbreak.jpg', `${'x'.repeat(250)}.jpg`];
    for (const [i, n] of names.entries()) await writeFile(join(src, n), `content ${i}`);
    const dest = join(home, 'twins-out');
    const r = await runCli(['copy', `folder:${src}`, `local:${dest}`], env);
    assert.equal(r.code, 0, r.stderr);
    const out = await hashTree(dest);
    assert.equal(out.size, names.length);
    assert.deepEqual(sortedValues(out), sortedValues(await hashTree(src)));
    const lowered = [...out.keys()].map((p) => p.normalize('NFC').toLowerCase());
    assert.equal(new Set(lowered).size, names.length, 'unique even on a case-insensitive target');
    for (const p of out.keys()) assert.doesNotMatch(p, /\n/);
  });
  it('--help: a paragraph, examples, the source and destination forms, environment and exit codes; remote add TYPE --help lists its options', async () => {
    const copy = await runCli(['copy', '--help'], env);
    assert.equal(copy.code, 0, copy.stderr);
    for (const part of [/Copies every asset of SOURCE/, /Examples:\n {2}photoferry copy /, /SOURCE is where photos come from/, /PHOTOFERRY_PASSPHRASE/, /Exit codes:[^]*130 +cancelled/]) {
      assert.match(copy.stdout, part);
    }
    const s3 = await runCli(['remote', 'add', 's3', '--help'], env);
    assert.equal(s3.code, 0, s3.stderr);
    assert.match(s3.stdout, /Options of "s3"/);
    assert.match(s3.stdout, /bucket \(required; string\)/);
    assert.match(s3.stdout, /partSizeMiB \(default 5; integer\)/);
    assert.match(s3.stdout, /secretAccessKey \(optional; secret: kept in the vault/);
    const types = await runCli(['remote', 'add', '--help'], env);
    assert.match(types.stdout, /Connector types: .*s3.*sftp/);
  });
});
