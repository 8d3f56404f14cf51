/**
 * @module Catalog conformance cases for run owners and task leases: several catalogs opened on one location stand for
 * several processes sharing it (each opened catalog is its own owner).
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { openCatalog } from '../../src/catalog/open.ts';

export function runOwnerCases(location: () => Promise<string>, opened: Catalog[]): void {
  const processes = async (n: number) => {
    const at = await location();
    const all: Catalog[] = [];
    for (let i = 0; i < n; i += 1) all.push(await openCatalog(at));
    opened.push(...all);
    return all;
  };

  it('marks interrupted only runs whose owner is gone, each by one of many noticers', async () => {
    const [a, b, c] = await processes(3) as [Catalog, Catalog, Catalog];
    const ofA = await a.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
    const ofB = await b.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
    await a.tasks.insert({ id: 't', name: 'n', spec: '{}', paused: 0, created_at: 1, updated_at: 1, last_slot_at: null });
    await a.tasks.linkRun(ofA, 't');
    assert.deepEqual(await c.runOwners.interruptLapsed('interrupted'), [], 'both owners are live');
    assert.deepEqual({ ...(await c.runOwners.ownerOf(ofA)), leaseUntil: 0, startedAt: 0 }, {
      id: a.runOwners.self.id, host: hostname(), node: a.runOwners.self.node, pid: process.pid, leaseUntil: 0, startedAt: 0,
    });
    await a.runOwners.beat(-1000); // A stops beating: its lease is behind it.
    const noticed = await Promise.all([b.runOwners.interruptLapsed('interrupted'), c.runOwners.interruptLapsed('interrupted')]);
    assert.deepEqual(noticed.flat(), [{ id: ofA, taskRun: true }], 'marked once, by one of them');
    assert.equal((await c.run(ofA))?.status, 'interrupted');
    assert.ok((await c.run(ofA))?.finishedAt instanceof Date);
    assert.equal((await c.run(ofB))?.status, 'running', 'a live owner\'s run is left alone');
    await b.close(); // B stops without finishing its run: gone at once, not after its lease.
    assert.deepEqual(await c.runOwners.interruptLapsed('interrupted'), [{ id: ofB, taskRun: false }]);
    assert.deepEqual((await c.runOwners.owners()).map((o) => o.id), [a.runOwners.self.id], 'a retired owner is dropped');
  });

  it('gives a task\'s lease to one process at a time and says who holds it since when', async () => {
    const [a, b] = await processes(2) as [Catalog, Catalog];
    const before = Date.now();
    const claims = await Promise.all([a.runOwners.claimTask('t'), b.runOwners.claimTask('t')]);
    assert.equal(claims.filter((h) => h === null).length, 1, `one claim wins: ${JSON.stringify(claims)}`);
    const [holder, waiter] = claims[0] === null ? [a, b] : [b, a];
    await holder.runOwners.attachRun('t', 'run-1');
    const refused = await waiter.runOwners.claimTask('t');
    assert.equal(refused?.owner, holder.runOwners.self.id);
    assert.deepEqual([refused?.host, refused?.pid, refused?.runId], [hostname(), process.pid, 'run-1']);
    assert.ok(refused!.since.getTime() >= before - 1000 && refused!.since.getTime() <= Date.now());
    assert.equal(await holder.runOwners.claimTask('t'), null, 'the holder may take it again (a lease it failed to release)');
    assert.equal(await waiter.runOwners.claimTask('other'), null, 'another task is free');
    await holder.runOwners.releaseTask('t');
    assert.equal(await waiter.runOwners.claimTask('t'), null, 'released: the other takes it');
    await waiter.runOwners.beat(-1000);
    assert.equal(await holder.runOwners.claimTask('t'), null, 'a holder whose lease lapsed loses it');
    await holder.close();
    assert.equal(await waiter.runOwners.claimTask('t'), null, 'a closed process leaves its task leases free');
  });
}
