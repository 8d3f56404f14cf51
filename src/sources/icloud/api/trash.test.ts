/** @module Recently Deleted through IcloudSource against the simulator: batches trashed and recovered, a batch refused half-way reported as it really ended, delete bursts waited out. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assetId, type AssetId } from '../../../core/asset.ts';
import { memoryState, silentLogger } from '../../../connectors/context.ts';
import { startSimulator, type Simulator } from '../../../simulator/server.ts';
import { simSession } from '../../../simulator/testing/sim-session.ts';
import { IcloudSource } from '../icloud-source.ts';
import { Pacer } from '../pacer.ts';

const signal = new AbortController().signal;

describe('icloud Recently Deleted (simulator)', () => {
  let sim: Simulator;
  let source: IcloudSource;
  let pacer: Pacer;
  before(async () => {
    sim = await startSimulator({ assets: 60, seed: 21, sharedLibrary: true });
    pacer = new Pacer({ maxConcurrency: 4, minIntervalMs: 0, baseBackoffMs: 5, maxBackoffMs: 3000, calmAfter: 5 });
    source = new IcloudSource({ appleId: sim.account.appleId, state: memoryState(), log: silentLogger, signIn: () => simSession(sim), pacer });
    await source.connect(signal);
  });
  after(() => sim.stop());

  const ids = (from: number, n: number): AssetId[] => Array.from({ length: n }, (_, k) => assetId(sim.state.library.asset(from + k).assetName));
  const trashed = (id: AssetId) => sim.state.library.asset(sim.state.library.indexOf(id)!).deletedAt !== undefined;

  it('trashes a batch across zones, is idempotent, and recovers it', async () => {
    // The library has a Shared Library zone; the batch mixes both.
    const batch = ids(0, 14);
    assert.ok(new Set(batch.map((id) => sim.state.library.asset(sim.state.library.indexOf(id)!).zone)).size === 2, 'both zones in the batch');
    const first = await source.trashBatch(batch, signal);
    assert.deepEqual(first.filter((o) => !o.ok), []);
    assert.ok(batch.every(trashed));
    const modifies = sim.state.requests.byOp.get('records/modify');
    assert.deepEqual((await source.trashBatch(batch, signal)).filter((o) => !o.ok), []);
    assert.equal(sim.state.requests.byOp.get('records/modify'), modifies, 'nothing sent again for what is already in Recently Deleted');
    assert.deepEqual((await source.recoverBatch(batch, signal)).filter((o) => !o.ok), []);
    assert.ok(!batch.some(trashed));
  });

  it('a batch refused half-way: the retry and a re-read report every asset as it really ended', async () => {
    sim.state.deletion.faults.halfwayRefusals = 1;
    const batch = ids(20, 6);
    const outcomes = await source.trashBatch(batch, signal);
    assert.deepEqual(outcomes.map((o) => o.ok), batch.map(trashed));
    assert.ok(batch.every(trashed), `all trashed in the end: ${JSON.stringify(outcomes)}`);
  });

  it('a delete burst past Apple\'s window is waited out through the pacer (Retry-After), nothing lost', async () => {
    sim.state.deletion.setBurst({ maxOps: 5, windowMs: 1500, retryAfterSec: 1 });
    const throttles = pacer.pace().throttles;
    const outcomes = [...await source.trashBatch(ids(30, 5), signal), ...await source.trashBatch(ids(35, 5), signal)];
    assert.deepEqual(outcomes.filter((o) => !o.ok), []);
    assert.ok(pacer.pace().throttles > throttles, 'the second batch was throttled first');
    sim.state.deletion.setBurst({ maxOps: 300, windowMs: 60_000 });
  });

  it('an unknown asset is reported, not thrown', async () => {
    const [outcome] = await source.trashBatch([assetId('NOPE-0000')], signal);
    assert.equal(outcome!.ok, false);
    assert.match(outcome!.reason!, /NOT_FOUND/);
  });
});
