/**
 * @module iCloud (simulator, 500 assets) → Immich (fake) through the real binary (issue 14, acceptance 2): every
 * original's SHA-1 on the server, Live Photos linked, albums exact; a re-run sends nothing; a rename and a move in
 * iCloud become a rename and a move on Immich without an upload; a run killed with SIGKILL leaves no duplicate.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, startCli } from './cli.ts';
import { REMOTE, signIn, startWorld, summaryOf, type IcloudWorld } from './icloud/harness.ts';
import { startFakeImmich, type FakeImmich } from '../../src/destinations/immich/testing/fake-server.ts';
import { join } from 'node:path';
import { catalogAlbums, compareWithImmich, expectedAssets, simulatorAlbums } from './immich/expect.ts';

const ASSETS = 500;
const catalogOf = (world: IcloudWorld) => join(world.env.PHOTOFERRY_HOME!, 'catalog.db');

describe('photoferry copy icloud → immich (simulator 500 assets → Immich fake)', () => {
  let world: IcloudWorld;
  let fake: FakeImmich;
  before(async () => {
    world = await startWorld({ assets: ASSETS, seed: 1414, meanSize: 8 * 1024 }, ['minRequestIntervalMs=0']);
    fake = await startFakeImmich({ version: 3 });
    const signed = await signIn(world);
    assert.equal(signed.code, 0, signed.stderr);
    const added = await runCli(['remote', 'add', 'im', 'immich', `url=${fake.url}`, 'apiKey=test-key'], world.env);
    assert.equal(added.code, 0, added.stderr);
  });
  after(async () => { await fake?.stop(); await world?.stop(); });

  it('copies every resource (SHA-1 as the simulator has it), links Live Photos, fills the albums exactly', async () => {
    const r = await runCli(['--json', 'copy', `${REMOTE}:`, 'im:'], world.env);
    assert.equal(r.code, 0, r.stderr);
    const expected = await expectedAssets(world.sim);
    const fields = expected.flatMap((e) => [...e.checksums.keys()]);
    for (const field of ['resOriginalVidCompl', 'resOriginalAlt', 'resJPEGFull']) assert.ok(fields.filter((f) => f === field).length > 5, `library has ${field}`);
    assert.ok(world.sim.state.library.albums.filter((a) => a.type === 0).length >= 6, '6 albums');
    assert.deepEqual(compareWithImmich(expected, fake, await catalogAlbums(catalogOf(world))).slice(0, 20), []);
    assert.ok([...fake.assets.values()].some((a) => a.isFavorite), 'favourites carried');
    assert.equal(summaryOf(r.stdout).files.failed, 0);
    const verified = await runCli(['verify', 'im:'], world.env);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /all good/);
  });

  it('a wrong API key and a key without asset.upload: copy stops with the fix named, nothing recorded', async () => {
    const limited = await startFakeImmich({ version: 3, keys: { 'read-only': ['asset.read', 'album.read', 'user.read'] } });
    try {
      for (const [name, key, code, pattern] of [['bad1', 'wrong', 3, /refused the API key.*API Keys/], ['bad2', 'read-only', 5, /lacks the permission\(s\) asset\.upload/]] as const) {
        assert.equal((await runCli(['remote', 'add', name, 'immich', `url=${limited.url}`, `apiKey=${key}`], world.env)).code, 0);
        const r = await runCli(['copy', `${REMOTE}:`, `${name}:`], world.env);
        assert.equal(r.code, code, r.stderr);
        assert.match(r.stderr, pattern);
        assert.ok(!r.stderr.includes(key === 'wrong' ? 'apiKey=wrong' : 'read-only'), 'no secret printed');
        const v = await runCli(['--json', 'verify', `${name}:`], world.env);
        assert.equal((JSON.parse(v.stdout.trim().split('\n').at(-1)!) as { counts: { originals: { files: number } } }).counts.originals.files, 0, 'nothing recorded as done');
      }
      assert.equal(limited.assets.size, 0);
    } finally {
      await limited.stop();
    }
  });

  it('albums also match the simulator itself: every member the source reported, none dropped', async () => {
    const lib = world.sim.state.library;
    const truth = simulatorAlbums(world.sim);
    assert.ok(lib.albums.length > 0 && Array.from({ length: lib.size }, (_, i) => lib.spec(i)).some((s) => s.zone === 'shared'), 'a Shared Library zone is copied too');
    assert.ok([...truth.values()].reduce((n, m) => n + m.size, 0) > 60, 'albums hold members');
    assert.deepEqual(await catalogAlbums(catalogOf(world)), truth, 'the iCloud source reports exactly the simulator\'s album members');
    assert.deepEqual(compareWithImmich(await expectedAssets(world.sim), fake, truth).slice(0, 20), []);
  });

  it('a re-run uploads 0 bytes', async () => {
    const before = { ...fake.stats };
    const r = await runCli(['--json', 'copy', `${REMOTE}:`, 'im:'], world.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.stats.uploadBytes, before.uploadBytes);
    assert.equal(summaryOf(r.stdout).bytes, 0);
  });

  it('an album renamed and an asset moved between albums in iCloud: renamed and moved on Immich, no upload', async () => {
    const lib = world.sim.state.library;
    const best = lib.albums.find((a) => a.name === 'Best of')!;
    const receipts = lib.albums.find((a) => a.name === 'Receipts')!;
    const remoteBest = [...fake.albums].find(([, a]) => a.albumName === 'Best of')![0];
    const mover = Array.from({ length: ASSETS }, (_, i) => lib.asset(i)).find((a) => lib.inAlbum(a.index, best.id) && !lib.inAlbum(a.index, receipts.id))!;
    lib.renameAlbum(best.id, 'Best of (renamed)');
    lib.move(mover.assetName, best.id, receipts.id);
    const before = { ...fake.stats };
    const albumsBefore = fake.albums.size;
    const r = await runCli(['--json', 'copy', `${REMOTE}:`, 'im:'], world.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fake.stats.uploadBytes, before.uploadBytes, 'no bytes uploaded');
    assert.equal(fake.stats.uploads, before.uploads, 'no upload request');
    assert.equal(fake.albums.size, albumsBefore, 'no new album');
    assert.equal(fake.albums.get(remoteBest)!.albumName, 'Best of (renamed)', 'the same album renamed');
    assert.deepEqual(compareWithImmich(await expectedAssets(world.sim), fake, await catalogAlbums(catalogOf(world))).slice(0, 20), []);
  });

  it('SIGKILL mid-run, then a re-run: completes with no duplicate asset on the server', async () => {
    const fresh = await startFakeImmich({ version: 2 });
    try {
      const added = await runCli(['remote', 'add', 'im2', 'immich', `url=${fresh.url}`, 'apiKey=test-key'], world.env);
      assert.equal(added.code, 0, added.stderr);
      const child = startCli(['--json', 'copy', `${REMOTE}:`, 'im2:'], world.env);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      const deadline = Date.now() + 120_000;
      while (fresh.stats.uploads < 150 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL', 'killed mid-run (the run had not finished)');
      const partial = fresh.assets.size;
      assert.ok(partial > 0, 'some assets were uploaded before the kill');
      const r = await runCli(['--json', 'copy', `${REMOTE}:`, 'im2:'], world.env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(compareWithImmich(await expectedAssets(world.sim), fresh, await catalogAlbums(catalogOf(world))).slice(0, 20), []);
    } finally {
      await fresh.stop();
    }
  });
});
