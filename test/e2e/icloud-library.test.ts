/** @module Issue 11, acceptance 3 and 5 through the real binary: per-library counts and smart-album filters in `plan`; no-TTY sign-in, bodies cut mid-read, a repeating page, a failing album list. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempHome } from './cli.ts';
import { REMOTE, accountWorld, ckDelta, ckRequests, compareWithSimulator, jsonEvents, signIn, startWorld, summaryOf, type IcloudWorld } from './icloud/harness.ts';
import { cloudkitFaults } from '../../src/simulator/cloudkit/faults.ts';

const ASSETS = 260;

describe('iCloud: the whole library and broken connections (simulator, real binary)', { concurrency: 1 }, () => {
  // One at a time: the CloudKit fault knobs are the simulator's, so a case's fault would reach its neighbours.
  let world: IcloudWorld;
  let n = 0;
  before(async () => {
    world = await startWorld({ assets: ASSETS, seed: 11, meanSize: 2 * 1024 }, ['minRequestIntervalMs=0']);
    const r = await signIn(world);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => world.stop());

  /** The signed-in config and vault in a new home: a fresh catalog, so the next run lists the whole library. */
  async function freshHome(): Promise<Record<string, string>> {
    const home = join(world.home, `fresh-${++n}`);
    await mkdir(home, { recursive: true });
    for (const f of ['config.yaml', 'vault.json']) await copyFile(join(world.env.PHOTOFERRY_HOME!, f), join(home, f));
    return { ...world.env, PHOTOFERRY_HOME: home };
  }

  const lib = () => { const l = world.sim.state.library; return Array.from({ length: l.size }, (_, i) => l.asset(i)).filter((a) => a.deletedAt === undefined && !a.purged); };

  it('plan shows personal and shared counts and their sum; --album Favorites selects exactly the favorites', async () => {
    const env = await freshHome();
    const r = await runCli(['--json', 'plan', `${REMOTE}:`, `local:${join(world.home, 'plan')}`], env);
    assert.equal(r.code, 0, r.stderr);
    const report = jsonEvents(r.stdout).find((e) => e.type === 'plan') as unknown as { libraries: { library: string; counted: number; listed: number }[] };
    const personal = lib().filter((a) => a.zone === 'primary').length;
    const shared = lib().filter((a) => a.zone !== 'primary').length;
    assert.ok(shared > 0, 'the simulator has a Shared Library');
    assert.deepEqual(report.libraries, [
      { library: 'personal', counted: personal, listed: personal },
      { library: 'shared', counted: shared, listed: shared },
      { library: 'total', counted: personal + shared, listed: personal + shared },
    ]);
    const text = await runCli(['plan', `${REMOTE}:`, `local:${join(world.home, 'plan')}`], await freshHome());
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`total\\s+${personal + shared} in the library\\s+${personal + shared} listed`));

    const fav = await runCli(['--json', 'plan', `${REMOTE}:`, `local:${join(world.home, 'plan')}`, '--album', 'Favorites'], env);
    assert.equal(fav.code, 0, fav.stderr);
    const favReport = jsonEvents(fav.stdout).find((e) => e.type === 'plan') as unknown as { counts: { assets: number }; filtered: number };
    const favorites = lib().filter((a) => a.favorite).length;
    assert.ok(favorites > 0);
    assert.equal(favReport.counts.assets, favorites, 'exactly the favorites');
    assert.equal(favReport.filtered, personal + shared - favorites);
  });

  it('a sign-in that needs a code with no terminal attached → exit 3 with "2FA needed", no hang', async () => {
    const w = await accountWorld(world, 'cron@photoferry.test');
    try {
      const r = await runCli(['auth', 'icloud', REMOTE], { ...w.env, PHOTOFERRY_ICLOUD_PASSWORD: world.sim.account.password });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /2FA needed: run `photoferry auth icloud cron@photoferry\.test` interactively or use the dashboard/);
    } finally { await w.stop(); }
  });

  it('CloudKit answers cut mid-read are retried and the copy completes byte-identical', async () => {
    const env = await freshHome();
    cloudkitFaults(world.sim.state).cutBodies = 2;
    const dest = join(world.home, 'cut');
    const r = await runCli(['--json', 'copy', `${REMOTE}:`, `local:${dest}`], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(cloudkitFaults(world.sim.state).cutBodies, 0, 'both cuts were served');
    assert.equal(summaryOf(r.stdout).files.failed, 0);
    const check = await compareWithSimulator(dest, world.sim);
    assert.deepEqual(check.problems.slice(0, 10), []);
  });

  it('the album list fails → "albums unavailable this run", photos still backed up', async () => {
    const env = await freshHome();
    cloudkitFaults(world.sim.state).failAlbums = 20;
    const dest = join(world.home, 'noalbums');
    try {
      const r = await runCli(['--json', 'copy', `${REMOTE}:`, `local:${dest}`], env);
      assert.equal(r.code, 0, r.stderr);
      const notices = jsonEvents(r.stdout).filter((e) => e.type === 'notice').map((e) => String(e.message));
      assert.ok(notices.some((m) => /albums unavailable this run for demo@photoferry\.test/.test(m)), JSON.stringify(notices));
      assert.deepEqual((await compareWithSimulator(dest, world.sim)).problems.slice(0, 10), []);
    } finally { cloudkitFaults(world.sim.state).failAlbums = 0; }
  });

  it('a server that repeats a page: the listing stops with a clear error after a bounded number of requests', async () => {
    const env = await freshHome();
    const home = await tempHome('pf-repeat-');
    cloudkitFaults(world.sim.state).repeatFromRank = 100;
    const before = ckRequests(world.sim);
    try {
      const r = await runCli(['plan', `${REMOTE}:`, `local:${home}`], env);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Listing the iCloud library PrimarySync stopped: a full page repeated assets already listed/);
      const used = ckDelta(before, ckRequests(world.sim)).total;
      assert.ok(used < 40, `bounded: ${used} CloudKit requests`);
    } finally { delete cloudkitFaults(world.sim.state).repeatFromRank; }
  });
});
