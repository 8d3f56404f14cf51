/**
 * @module iCloud (simulator, 500 assets) → Google Photos (fake, 300 requests a day) through the real binary (issue 14,
 * acceptance 3): the run stops at the quota with exit 75 and a clear message, the next "day" resumes, until complete;
 * albums mirrored, no duplicate items, and `verify` calls the copies unverifiable rather than ok.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { REMOTE, signIn, startWorld, type IcloudWorld } from './icloud/harness.ts';
import { FAKE_CLIENT, startFakeGphotos, type FakeGphotos } from '../../src/destinations/gphotos/testing/fake-server.ts';
import { catalogAlbums, expectedAssets } from './immich/expect.ts';

describe('photoferry copy icloud → gphotos (simulator 500 assets → Google Photos fake, 300 requests/day)', () => {
  let world: IcloudWorld;
  let fake: FakeGphotos;
  before(async () => {
    world = await startWorld({ assets: 500, seed: 1515, meanSize: 4 * 1024 }, ['minRequestIntervalMs=0']);
    fake = await startFakeGphotos({ quotaPerDay: 300 });
    assert.equal((await signIn(world)).code, 0);
    const added = await runCli(['remote', 'add', 'gp', 'gphotos', `clientId=${FAKE_CLIENT.id}`, `clientSecret=${FAKE_CLIENT.secret}`,
      `refreshToken=${FAKE_CLIENT.refreshToken}`, `apiUrl=${fake.url}`, `tokenUrl=${fake.tokenUrl}`], world.env);
    assert.equal(added.code, 0, added.stderr);
  });
  after(async () => { await fake?.stop(); await world?.stop(); });

  it('stops at the daily quota with exit 75, resumes day after day until complete; albums mirrored, no duplicates', async () => {
    const first = await runCli(['copy', `${REMOTE}:`, 'gp:'], world.env);
    assert.equal(first.code, 75, first.stderr);
    assert.match(first.stderr, /daily .*quota.*used up.*run again/i);
    assert.ok(!first.stderr.includes(FAKE_CLIENT.secret) && !first.stderr.includes(FAKE_CLIENT.refreshToken), 'no secret printed');
    let days = 1;
    let last = first;
    while (last.code === 75 && days < 10) {
      fake.nextDay();
      days += 1;
      last = await runCli(['copy', `${REMOTE}:`, 'gp:'], world.env);
    }
    assert.equal(last.code, 0, last.stderr);
    assert.ok(days >= 3, `needed ${days} days (≈ 700 requests at 300 a day)`);
    const resources = (await expectedAssets(world.sim)).reduce((n, e) => n + e.checksums.size, 0);
    assert.equal(fake.items.size, resources, 'one item per resource: none twice, none missing');
    const albums = await catalogAlbums(join(world.env.PHOTOFERRY_HOME!, 'catalog.db'));
    for (const [name, members] of albums) {
      if (members.size === 0) continue;
      const remote = [...fake.albums.values()].filter((a) => a.title.normalize('NFC') === name);
      assert.equal(remote.length, 1, `album "${name}" mirrored once`);
      assert.ok(remote[0]!.items.length >= members.size, `album "${name}" holds its ${members.size} assets`);
    }
  });

  it('verify reports the copies as unverifiable, not ok', async () => {
    fake.nextDay();
    const r = await runCli(['verify', 'gp:'], world.env);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /unverifiable/);
    assert.doesNotMatch(r.stdout, /all good/);
  });
});
