/** @module iCloud → local through the real binary against the Apple simulator: full copy byte-identical (issue 3, acceptance 1), then incremental runs (acceptance 2). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { REMOTE, ckDelta, ckRequests, compareWithSimulator, expectedResources, jsonEvents, signIn, startWorld, summaryOf, type IcloudWorld } from './icloud/harness.ts';

const ASSETS = 2000;

describe('photoferry copy icloud → local (simulator, 2000 assets)', () => {
  let world: IcloudWorld;
  let dest = '';
  before(async () => {
    world = await startWorld({ assets: ASSETS, seed: 2026, meanSize: 8 * 1024 }, ['minRequestIntervalMs=0']);
    dest = join(world.home, 'backup');
  });
  after(() => world.stop());

  it('auth icloud: the password from the environment, the 2FA code typed at the prompt', async () => {
    const r = await signIn(world);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.prompted, 1, 'asked for the code once');
    assert.match(r.stdout, /signed in, trusted browser, password in the vault/);
  });

  it('copies every resource byte-identically: originals, Live Photo videos, RAW alternatives and edits', async () => {
    const r = await runCli(['--json', 'copy', `${REMOTE}:`, `local:${dest}`], world.env);
    assert.equal(r.code, 0, r.stderr);
    const expected = expectedResources(world.sim);
    const roles = new Map<string, number>();
    for (const e of expected) roles.set(e.role, (roles.get(e.role) ?? 0) + 1);
    // The generated mix has every kind the default policy (all resources) must carry.
    for (const role of ['original', 'live-video', 'raw', 'edited']) assert.ok((roles.get(role) ?? 0) > 10, `library has ${role} resources`);
    assert.equal(roles.get('original'), ASSETS);
    const summary = summaryOf(r.stdout);
    assert.equal(summary.files.copied, expected.length);
    assert.equal(summary.files.failed, 0);
    const check = await compareWithSimulator(dest, world.sim);
    assert.deepEqual(check.problems.slice(0, 20), []);
    assert.equal(check.files, expected.length, 'no file twice');
  });

  it('a run with no change costs ≤ 2 CloudKit requests and copies nothing', async () => {
    const before = ckRequests(world.sim);
    const r = await runCli(['--json', 'copy', `${REMOTE}:`, `local:${dest}`], world.env);
    assert.equal(r.code, 0, r.stderr);
    const used = ckDelta(before, ckRequests(world.sim));
    assert.ok(used.total <= 2, `no-op run used ${JSON.stringify(used)}`);
    const s = summaryOf(r.stdout);
    assert.equal(s.files.copied, 0);
    assert.equal(s.bytes, 0);
  });

  it('after 5 added, 2 edited, 1 deleted, 1 album renamed: sync --delete transfers only those, learning of them in ≤ 5 requests', async () => {
    const lib = world.sim.state.library;
    const added = lib.add(5);
    // Photos with no edit yet, so each edit makes exactly one new resource to send.
    const photos = Array.from({ length: 200 }, (_, i) => lib.asset(i)).filter((a) => a.shape === 'jpeg' || a.shape === 'heic');
    const unedited = photos.filter((a) => !a.edited).slice(0, 2).map((a) => a.assetName);
    const trashed = photos.filter((a) => !a.edited).slice(2, 3).map((a) => a.assetName)[0]!;
    for (const id of unedited) lib.edit(id);
    lib.trash(trashed);
    const album = lib.albums.find((a) => a.type === 0)!;
    const oldName = album.name;
    lib.renameAlbum(album.id, 'Renamed by e2e');
    const newResources = added.reduce((n, id) => n + lib.asset(lib.indexOf(id)!).resources.length, 0);

    const before = ckRequests(world.sim);
    const r = await runCli(['--json', 'sync', '--delete', `${REMOTE}:`, `local:${dest}`], world.env);
    assert.equal(r.code, 0, r.stderr);
    const used = ckDelta(before, ckRequests(world.sim));
    // records/lookup fetches download URLs for what changed (one per zone); learning of the changes is everything else:
    // the indexing check, changes/database, and changes/zone for each zone that changed.
    const learning = used.total - (used.byOp['records/lookup'] ?? 0);
    assert.ok(learning <= 5, `learning of the changes took ${JSON.stringify(used)}`);

    const s = summaryOf(r.stdout);
    assert.equal(s.files.copied, newResources + unedited.length, 'the new assets and one edit each, nothing else');
    const done = jsonEvents(r.stdout).filter((e) => e.type === 'file-done').map((e) => e.outcome as { assetId: string; role: string; code: string; path: string });
    const resourcesCopied = done.filter((o) => o.code === 'copied' && !/\.(xmp|json)$/.test(o.path));
    assert.deepEqual(new Set(resourcesCopied.map((o) => o.assetId)), new Set([...added, ...unedited]));
    assert.ok(resourcesCopied.filter((o) => unedited.includes(o.assetId)).every((o) => o.role === 'edited'), 'an edit re-sends only the edited version');
    const removed = done.filter((o) => o.code === 'removed');
    assert.ok(removed.length >= 1 && removed.every((o) => o.assetId === trashed), `removed only the deleted asset: ${JSON.stringify(removed)}`);

    const check = await compareWithSimulator(dest, world.sim);
    assert.deepEqual(check.problems.slice(0, 20), []);
    const verify = await runCli(['verify', `local:${dest}`, '--deep'], world.env);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /Renamed by e2e/, 'the album rename reached the destination');
    assert.ok(!verify.stdout.includes(oldName), `the old album name "${oldName}" is gone`);
  });
});
