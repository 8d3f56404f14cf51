/** @module Per-account request ceilings: a sliding one-second window per Apple ID, downloads counted against the account that listed them. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultFaults, FaultClock } from './faults.ts';
import { startSimulator, type Simulator } from './server.ts';

describe('FaultClock.overCeiling', () => {
  it('serves up to perSecond requests of an account in any second, refuses the rest, and counts both', () => {
    const faults = defaultFaults();
    faults.ceilings['a@x'] = { perSecond: 3 };
    const clock = new FaultClock(faults);
    const at = (ms: number) => clock.overCeiling('A@x', ms) === undefined ? 'served' : 'refused';
    assert.deepEqual([at(0), at(100), at(900), at(950)], ['served', 'served', 'served', 'refused']);
    // The first request leaves the window at 1000 ms; the refused one never entered it.
    assert.deepEqual([at(1000), at(1050)], ['served', 'refused']);
    assert.equal(clock.overCeiling('b@x', 1050), undefined, 'an account without a ceiling is only counted');
    assert.equal(clock.overCeiling(undefined, 1050), undefined);
    assert.deepEqual(Object.fromEntries(clock.accounts), { 'a@x': { served: 4, refused: 2, peakPerSecond: 3 }, 'b@x': { served: 1, refused: 0, peakPerSecond: 0 } });
  });
});

describe('simulator ceilings over HTTP', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ assets: 5, seed: 3 }); });
  after(() => sim.stop());

  it('a download URL signed for an account counts against its ceiling: 503 + Retry-After past it, set through /__sim/faults', async () => {
    const set = await fetch(`${sim.baseUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({ ceilings: { 'Owner@X': { perSecond: 2, retryAfterSec: 3 } } }) });
    assert.equal(set.status, 200);
    const a = sim.state.library.asset(0);
    const key = { zone: a.zone, index: 0, field: a.resources[0]!.field, revision: 0 };
    const url = sim.state.signingFor('owner@x', () => sim.state.signUrl(key)).replace('${f}', 'x.jpg');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(url);
      statuses.push(r.status);
      if (r.status === 503) assert.equal(r.headers.get('retry-after'), '3');
      await r.arrayBuffer();
    }
    assert.deepEqual(statuses, [200, 200, 503]);
    const unowned = await fetch(sim.state.signUrl(key).replace('${f}', 'x.jpg'));
    assert.equal(unowned.status, 200, 'a URL signed for nobody is not counted against the ceiling');
    await unowned.arrayBuffer();
    const stats = await (await fetch(`${sim.baseUrl}/__sim/stats`)).json() as { accounts: Record<string, { served: number; refused: number; peakPerSecond: number }> };
    assert.deepEqual(stats.accounts['owner@x'], { served: 2, refused: 1, peakPerSecond: 2 });
    const bad = await fetch(`${sim.baseUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({ ceilings: { 'owner@x': { perSecond: 0 } } }) });
    assert.equal(bad.status, 400);
    await fetch(`${sim.baseUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({ ceilings: { 'owner@x': null } }) });
    assert.deepEqual(sim.state.faults.ceilings, {});
  });
});
