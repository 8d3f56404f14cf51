/** @module Simulator deletions over HTTP: Recently Deleted with a 30-day window and recovery, storage usage, delete-burst throttling, a batch refused half-way. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../server.ts';
import { simSession, type SimSession } from '../testing/sim-session.ts';

describe('simulator deletions', () => {
  let sim: Simulator;
  let session: SimSession;
  before(async () => { sim = await startSimulator({ assets: 80, seed: 4, sharedLibrary: false }); session = await simSession(sim); });
  after(() => sim.stop());

  const ck = async (op: string, body: unknown) => {
    const r = await session.fetch(`${sim.baseUrl}/database/1/com.apple.photos.cloud/production/private/${op}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
    return { status: r.status, headers: r.headers, body: await r.json() as { records?: Record<string, unknown>[]; serverErrorCode?: string } };
  };
  const zoneID = { zoneName: 'PrimarySync' };
  const setDeleted = (names: string[], value: number | null) => ck('records/modify', {
    zoneID, atomic: false, desiredKeys: ['isDeleted'],
    operations: names.map((recordName) => ({ operationType: 'update', record: { recordName, recordType: 'CPLAsset', fields: { isDeleted: { value } } } })),
  });
  const storage = async () => (await (await session.fetch(`${sim.baseUrl}/setup/ws/1/storageUsageInfo`, { method: 'POST', signal: AbortSignal.timeout(5000) })).json()) as { storageUsageInfo: { usedStorageInBytes: number } };
  const bytesOf = (name: string) => sim.state.library.asset(sim.state.library.indexOf(name)!).resources.reduce((s, r) => s + r.size, 0);
  const names = (from: number, n: number) => Array.from({ length: n }, (_, k) => sim.state.library.asset(from + k).assetName);

  it('trashing moves to Recently Deleted, drops storage by the assets\' bytes; restoring brings both back', async () => {
    const before = (await storage()).storageUsageInfo.usedStorageInBytes;
    const picked = names(0, 3);
    const r = await setDeleted(picked, 1);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.records!.map((x) => (x['fields'] as { isDeleted: { value: number } }).isDeleted.value), [1, 1, 1]);
    const freed = picked.reduce((s, n) => s + bytesOf(n), 0);
    assert.equal((await storage()).storageUsageInfo.usedStorageInBytes, before - freed);
    const listed = await (await fetch(`${sim.baseUrl}/__sim/deletion`)).json() as { recentlyDeleted: { asset: string }[] };
    assert.deepEqual(listed.recentlyDeleted.map((x) => x.asset).sort(), [...picked].sort());
    assert.equal((await setDeleted(picked, null)).status, 200);
    assert.equal((await storage()).storageUsageInfo.usedStorageInBytes, before);
  });

  it('after 30 days in Recently Deleted an asset is gone for good and cannot be recovered', async () => {
    const [name] = names(5, 1);
    await setDeleted([name!], 1);
    await fetch(`${sim.baseUrl}/__sim/deletion/advance`, { method: 'POST', body: JSON.stringify({ days: 29 }) });
    assert.equal(sim.state.library.asset(5).purged, false);
    const advanced = await (await fetch(`${sim.baseUrl}/__sim/deletion/advance`, { method: 'POST', body: JSON.stringify({ days: 2 }) })).json() as { purged: number };
    assert.equal(advanced.purged, 1);
    const r = await setDeleted([name!], null);
    assert.equal(r.body.records![0]!['serverErrorCode'], 'NOT_FOUND');
  });

  it('a burst of deletes past the window gets 503 TRY_AGAIN_LATER with Retry-After, nothing applied', async () => {
    await fetch(`${sim.baseUrl}/__sim/deletion/faults`, { method: 'POST', body: JSON.stringify({ burst: { maxOps: 4, windowMs: 60_000, retryAfterSec: 3 } }) });
    assert.equal((await setDeleted(names(10, 4), 1)).status, 200);
    const refused = await setDeleted(names(14, 2), 1);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '3');
    assert.equal(sim.state.library.asset(14).deletedAt, undefined);
    await fetch(`${sim.baseUrl}/__sim/deletion/faults`, { method: 'POST', body: JSON.stringify({ burst: { maxOps: 10_000 } }) });
  });

  it('an armed half-way refusal applies the first half of the batch, then answers 503', async () => {
    await fetch(`${sim.baseUrl}/__sim/deletion/faults`, { method: 'POST', body: JSON.stringify({ halfwayRefusals: 1 }) });
    const batch = names(20, 4);
    const r = await setDeleted(batch, 1);
    assert.equal(r.status, 503);
    const trashed = batch.map((n) => sim.state.library.asset(sim.state.library.indexOf(n)!).deletedAt !== undefined);
    assert.deepEqual(trashed, [true, true, false, false]);
  });
});
