/** @module Issue 3, acceptance 3 through the real binary: 10 % throttling, 2 session expiries and 5 truncated downloads; every asset still verified, none twice, back-off visible. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../cli.ts';
import { REMOTE, compareWithSimulator, expectedResources, jsonEvents, signIn, startWorld, summaryOf, type IcloudWorld } from './harness.ts';

describe('photoferry copy icloud → local under injected faults (simulator, 2000 assets)', () => {
  let world: IcloudWorld;
  before(async () => {
    world = await startWorld({ assets: 2000, seed: 77, meanSize: 8 * 1024 }, ['minRequestIntervalMs=0']);
    const r = await signIn(world);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => world.stop());

  it('ends with every resource verified and none duplicated; --json shows the back-off', async () => {
    const { faults, clock } = world.sim.state;
    faults.throttle = { kind: '503', rate: 0.1, retryAfterSec: 1 };
    faults.download.truncations = 5;
    // The knob fires once; re-arming it a few requests after it fired gives two expiries inside one run.
    let expiries = 0;
    faults.expireSessionAfter = clock.ckRequests + 6;
    const rearm = setInterval(() => {
      if (faults.expireSessionAfter !== undefined) return;
      expiries++;
      if (expiries < 2) faults.expireSessionAfter = clock.ckRequests + 8;
      else clearInterval(rearm);
    }, 5);
    const sessionsBefore = new Set(world.sim.auth.web.keys());
    const dest = join(world.home, 'backup');
    let r;
    try {
      r = await runCli(['--json', 'copy', `${REMOTE}:`, `local:${dest}`], world.env);
    } finally {
      clearInterval(rearm);
    }
    assert.equal(r.code, 0, r.stderr);
    assert.equal(expiries, 2, 'both session expiries happened during the run');
    assert.ok(clock.throttled >= 1, 'some requests were throttled');
    assert.equal(faults.download.truncations, 0, 'all 5 truncations were served');
    assert.ok([...world.sim.auth.web.keys()].some((t) => !sessionsBefore.has(t)), 'the client signed in again (saved password + trust token, no new code)');

    const events = jsonEvents(r.stdout);
    const retries = events.filter((e) => e.type === 'retry');
    const paces = events.filter((e) => e.type === 'pace') as unknown as { concurrency: number; backoffMs: number; reason: string }[];
    assert.ok(retries.length >= 5, `a retry event per truncated download: ${JSON.stringify(retries)}`);
    assert.ok(paces.some((p) => p.backoffMs > 0 || /throttled/.test(p.reason)), `the pace shows the throttling: ${JSON.stringify(paces)}`);
    assert.ok(paces.some((p) => p.concurrency < 6), 'concurrency was lowered');

    const expected = expectedResources(world.sim);
    const s = summaryOf(r.stdout);
    assert.equal(s.files.failed, 0);
    assert.equal(s.files.copied, expected.length);
    const check = await compareWithSimulator(dest, world.sim);
    assert.deepEqual(check.problems.slice(0, 20), []);
    assert.equal(check.files, expected.length, 'file count = resource count');
    const verify = await runCli(['verify', `local:${dest}`, '--deep'], world.env);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, new RegExp(`Checked \\d+ files .*all good[^]*original files[^\\n]* ${expected.length} \\(`));
  });
});
