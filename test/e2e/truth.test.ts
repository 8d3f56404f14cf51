/**
 * @module One library, one set of numbers: plan → copy → verify → runs show → the dashboard's run API all report the
 * same assets, original files, derived files and bytes; a progress stream never passes its total; verify of a
 * destination photoferry never wrote exits 4.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { generateSampleLibrary } from '../../src/sample/index.ts';
import { openContext } from '../../src/app/context.ts';
import { createVault } from '../../src/vault/vault.ts';
import { buildServer } from '../../src/server/server.ts';
import { login } from '../../src/server/test-helpers.ts';
import type { Counts } from '../../src/core/counts.ts';
import { runCli, tempHome } from './cli.ts';

const jsonLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

/** Files and bytes actually on disk under `dir`, photoferry's own hidden folder aside. */
async function onDisk(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (relative(dir, full).startsWith('.photoferry')) continue;
      if (e.isDirectory()) await walk(full);
      else { files += 1; bytes += (await stat(full)).size; }
    }
  };
  await walk(dir);
  return { files, bytes };
}

describe('one truth per number', () => {
  let home = '';
  let library = '';
  let env: Record<string, string> = {};
  before(async () => {
    home = await tempHome('pf-truth-');
    library = join(home, 'library');
    env = { PHOTOFERRY_HOME: join(home, 'home'), PHOTOFERRY_PASSPHRASE: 'truth test passphrase' };
    await generateSampleLibrary({ dir: library, seed: 17, photos: 14, videos: 2, photoBytes: [150_000, 300_000], videoBytes: [1_500_000, 2_000_000] });
    // its folders become albums, so album files (manifests or server-side copies) are counted too
    const added = await runCli(['remote', 'add', 'lib', 'folder', `path=${library}`, 'foldersAsAlbums=true'], env);
    assert.equal(added.code, 0, added.stderr);
  });
  after(async () => { await rm(home, { recursive: true, force: true }); });

  /** Album copies made server-side (`--albums links`) count their bytes too: verify and the disk see those files. */
  for (const albums of ['manifest', 'links'] as const) it(`plan, copy, verify, runs show and the dashboard agree; progress never passes its total (--albums ${albums})`, async () => {
    const dest = join(home, `backup-${albums}`);
    const fidelity = ['--albums', albums];
    const plan = await runCli(['--json', 'plan', ...fidelity, 'lib:', `local:${dest}`], env);
    assert.equal(plan.code, 0, plan.stderr);
    const planned = jsonLines(plan.stdout).find((e) => e.type === 'plan')!.counts as Counts;

    const copy = await runCli(['--json', 'copy', ...fidelity, 'lib:', `local:${dest}`], env);
    assert.equal(copy.code, 0, copy.stderr);
    const events = jsonLines(copy.stdout);
    const announced = events.find((e) => e.type === 'planned') as { files: number; bytes: number; runId: string };
    const progress = events.filter((e) => e.type === 'progress') as { bytesDone: number; filesDone: number }[];
    assert.ok(progress.length > 0, 'the run reported progress');
    for (const p of progress) {
      assert.ok(p.bytesDone <= announced.bytes, `transferred ${p.bytesDone} > total ${announced.bytes}`);
      assert.ok(p.filesDone <= announced.files, `files ${p.filesDone} > total ${announced.files}`);
    }
    const copied = (events.find((e) => e.type === 'finished') as { summary: { counts: Counts; bytes: number } }).summary;

    const verify = await runCli(['--json', 'verify', `local:${dest}`], env);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const verified = (jsonLines(verify.stdout).find((e) => e.type === 'verify') as { counts: Counts }).counts;

    const show = await runCli(['--json', 'runs', 'show', announced.runId], env);
    assert.equal(show.code, 0, show.stderr);
    const shown = (JSON.parse(show.stdout) as { run: { summary: { counts: Counts } } }).run.summary.counts;

    const ctx = await openContext({ env, openSecrets: async (config) => createVault({ path: config.vault, env, scrypt: { N: 1024, r: 8, p: 1 } }) });
    const { app } = await buildServer({ ctx, logStream: new Writable({ write: (_c, _e, done) => done() }), webRoot: join(home, 'no-web'), schedules: false });
    let api: Counts;
    try {
      await app.ready();
      const client = await login(app);
      const res = await client.call('GET', `/api/runs/${announced.runId}`);
      assert.equal(res.statusCode, 200, res.body);
      api = (res.json() as { run: { summary: { counts: Counts } } }).run.summary.counts;
    } finally {
      await app.close();
      await ctx.close();
    }

    // The one definition, checked against the disk itself.
    const disk = await onDisk(dest);
    assert.equal(copied.counts.originals.files + copied.counts.derived.files, disk.files, 'every file on disk is counted once');
    assert.equal(copied.counts.originals.bytes! + copied.counts.derived.bytes!, disk.bytes, 'bytes on disk');
    assert.equal(copied.bytes, disk.bytes, 'the summary\'s bytes are the labelled ones added up');
    assert.ok(copied.counts.derived.files > 0 && copied.counts.originals.files > copied.counts.assets, 'the sample has Live Photos and sidecars');
    if (albums === 'links') assert.ok((await onDisk(join(dest, 'albums'))).files > 0, 'the sample has albums, linked');

    const everywhere = { copy: copied.counts, verify: verified, 'runs show': shown, 'dashboard API': api };
    for (const [where, c] of Object.entries(everywhere)) assert.deepEqual(c, copied.counts, `${where} = copy`);
    assert.equal(planned.assets, copied.counts.assets, 'plan: assets');
    assert.deepEqual(planned.originals, copied.counts.originals, 'plan: original files and bytes');
    assert.equal(planned.derived.files, copied.counts.derived.files, 'plan: derived files');
    assert.equal(planned.derived.bytes, null, 'plan does not invent the size of files not made yet');
    assert.equal(announced.files, copied.counts.originals.files, 'the progress total is the original files');
    assert.equal(announced.bytes, copied.counts.originals.bytes, 'the progress total is the original bytes');
  });

  it('plan says whether its "By type" rows overlap', async () => {
    const plan = await runCli(['plan', `folder:${library}`, `local:${join(home, 'fresh')}`], env);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /By type \(types (overlap: a Live Photo is also a photo.*rows add up to \d+ for \d+ files|do not overlap here)/);
  });

  it('verify of a destination photoferry never wrote, or whose files are gone, exits 4', async () => {
    const unknown = await runCli(['verify', `local:${join(home, 'never-written')}`], env);
    assert.equal(unknown.code, 4, unknown.stdout + unknown.stderr);
    assert.match(unknown.stderr, /nothing recorded for local:.*never-written/);
    assert.doesNotMatch(unknown.stdout, /all good/);

    const dest = join(home, 'backup-manifest'); // written by the first test
    await rm(dest, { recursive: true, force: true });
    const gone = await runCli(['verify', `local:${dest}`], env);
    assert.equal(gone.code, 4, gone.stdout + gone.stderr);
    assert.match(gone.stderr, /nothing recorded for local:.* is there: the catalog lists \d+ files but the destination is empty or gone/);
    assert.doesNotMatch(gone.stdout, /all good/);
  });
});
